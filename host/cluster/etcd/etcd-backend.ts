import type { Clock } from "../../clock/clock.ts";
import type { Membership, Transition } from "../membership.ts";
import type { LamportClock } from "../../kernel/journal/lamport.ts";
import type { LoopDelayFigures } from "../../kernel/loop-delay.ts";
import { EtcdCoordinator } from "./etcd-coordinator.ts";
import { EtcdLoads } from "./etcd-loads.ts";
import { EtcdMembership, type MemberRecord } from "./etcd-membership.ts";
import { EtcdSession } from "./etcd-session.ts";
import type { Transport } from "../../transport/transport.ts";
import { guardedClock, guardedTransport } from "./lease-guard.ts";

export interface EtcdBackendOptions {
  readonly endpoints: readonly string[];
  readonly cluster: string;
  readonly heartbeatTimeoutMs: number;
  readonly clock: Clock;
  readonly log: (line: string) => void;
  readonly self: MemberRecord;
  readonly members: Membership;
  /** The node's Lamport clock: lock hand-offs through etcd carry it (etcd-lamport.ts). */
  readonly lamport: LamportClock;
  /** The lease is lost or untrusted: stop the node now (synchronously end its processes). */
  readonly onFence: (reason: string) => void;
}

/**
 * Everything a node takes from etcd instead of the embedded coordinator: its id, its
 * membership, its kernel's Coordinator, and the clock its kernel runs on (guarded by
 * the lease). The node picks this at start and otherwise runs as it always does.
 */
export class EtcdBackend {
  readonly session: EtcdSession;
  readonly membership: EtcdMembership;
  readonly coordinator: EtcdCoordinator;
  private readonly loads: EtcdLoads;
  private readonly onResume = () => void this.session.guard();

  private constructor(session: EtcdSession, membership: EtcdMembership, members: Membership, lamport: LamportClock) {
    this.session = session;
    this.membership = membership;
    this.coordinator = new EtcdCoordinator(session, membership.nodeId, lamport);
    this.loads = new EtcdLoads(session, members, membership.nodeId);
    // After SIGSTOP/SIGCONT: check the lease at once rather than at the next timer.
    process.on("SIGCONT", this.onResume);
  }

  static async start(options: EtcdBackendOptions): Promise<EtcdBackend> {
    const session = await EtcdSession.open(options);
    try {
      return new EtcdBackend(session, await EtcdMembership.join(session, options.members, options.self), options.members, options.lamport);
    } catch (error) {
      await session.close();
      throw error;
    }
  }

  get nodeId(): number {
    return this.membership.nodeId;
  }

  /** The kernel's clock: `clock` with the lease checked before every timer and turn. */
  kernelClock(clock: Clock): Clock {
    return guardedClock(clock, () => void this.session.guard());
  }

  /**
   * The node's transport with the lease checked before every frame. The node listens
   * before it has a backend, so the check goes through `backend()`, absent until then.
   */
  static transport(transport: Transport, backend: () => EtcdBackend | undefined): Transport {
    return guardedTransport(transport, () => void backend()?.session.guard());
  }

  /** Follow the member list, then the members' loads (call once the kernel exists: changes act on it). */
  async watch(now: () => number, onChange: (changes: Transition[]) => void): Promise<void> {
    await this.membership.watch(now, (changes) => {
      this.session.guard(); // a node down wakes its watchers here: not on an untrusted lease
      onChange(changes);
    });
    await this.loads.follow(now);
  }

  /** This node's load, for the others' placement (written at most once a second). */
  reportLoad(load: number, delay: LoopDelayFigures | undefined, now: number): void {
    this.loads.publish(load, delay, now);
  }

  /** Leave: the watch ends and the lease is revoked, so this node's keys go at once. */
  async stop(): Promise<void> {
    process.off("SIGCONT", this.onResume);
    await Promise.all([this.membership.stop(), this.loads.stop()]);
    await this.session.close();
  }
}
