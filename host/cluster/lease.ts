import type { Clock } from "../clock/clock.ts";
import { invariant } from "../kernel/invariant.ts";

/**
 * A member's lease with the embedded coordinator, as the member can know it. The
 * coordinator declares a member down once it has not heard it for 1.5 heartbeat
 * timeouts, and then passes its processes' locks on. Each heartbeat is a call: its
 * reply proves the coordinator heard the member no earlier than the heartbeat's send
 * time. So while the last acknowledged send is less than LEASE_TIMEOUTS ago (checked
 * every quarter timeout), the member cannot have been declared down; past it, its lock
 * holders must end before anyone else can be granted their locks. The half timeout
 * between covers the check's granularity (a quarter), clock-rate drift between two
 * machines (far under 1% in practice) and the time to end a process (one fuel slice).
 */
export const LEASE_TIMEOUTS = 1.0;

export class CoordinatorLease {
  private readonly timeoutMs: number;
  private readonly clock: Clock;
  /** Send time of the newest heartbeat (or join) the coordinator acknowledged. */
  private renewedFrom: number;

  constructor(timeoutMs: number, clock: Clock, joinedFrom: number) {
    this.timeoutMs = timeoutMs;
    this.clock = clock;
    this.renewedFrom = joinedFrom;
  }

  /** The coordinator answered a heartbeat sent at `sentAt`. */
  renewed(sentAt: number): void {
    invariant(sentAt <= this.clock.now(), () => `a heartbeat acknowledged before it was sent (${sentAt})`);
    this.renewedFrom = Math.max(this.renewedFrom, sentAt);
  }

  get valid(): boolean {
    return this.clock.now() - this.renewedFrom <= this.timeoutMs * LEASE_TIMEOUTS;
  }
}
