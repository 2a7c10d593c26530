import { invariant } from "../../kernel/invariant.ts";
import { Etcd3 } from "etcd3";
import { SysError } from "../../kernel/errors.ts";
import { realClock, type Clock, type ClockTimer } from "../../clock/clock.ts";
import { EtcdKeys } from "./etcd-keys.ts";
import { leaseTiming, type LeaseTiming } from "./lease-timing.ts";

export interface EtcdSessionOptions {
  /** Client URLs of the etcd members, e.g. http://127.0.0.1:2379. */
  readonly endpoints: readonly string[];
  readonly cluster: string;
  readonly heartbeatTimeoutMs: number;
  readonly clock?: Clock;
  readonly log: (line: string) => void;
  /** The lease can no longer be trusted: end every process now (called once, synchronously). */
  readonly onFence: (reason: string) => void;
}

/** Pauses between attempts of one call: 100, 200, 400, 500, 500 ... ms. */
const RETRY_FIRST_MS = 50;
const RETRY_MAX_MS = 500;

/** alive -> fenced -> closed, or alive -> closed; never back. */
export type LeaseState = "alive" | "fenced" | "closed";
const NEXT_STATES: Record<LeaseState, readonly LeaseState[]> = { alive: ["fenced", "closed"], fenced: ["closed"], closed: [] };

/**
 * A node's session with etcd: the client, the node's one lease and its keep-alives, and
 * self-fencing. Everything the node puts in etcd hangs on this lease, so it all goes
 * when the lease expires. The node fences itself (lease-timing.ts) before etcd can expire
 * the lease: from a fence timer, and from `guard()`, which code about to act for a
 * process calls first, so a node resumed from a pause stops before anything else runs.
 */
export class EtcdSession {
  readonly client: Etcd3;
  readonly keys: EtcdKeys;
  readonly timing: LeaseTiming;
  readonly leaseId: string;
  readonly log: (line: string) => void;
  private readonly options: EtcdSessionOptions;
  private readonly clock: Clock;
  private lease: LeaseState = "alive";
  /** When the newest acknowledged keep-alive was sent (this node's clock). */
  private ackedSentAt: number;
  private keepAliveTimer: ClockTimer | undefined;
  private fenceTimer: ClockTimer | undefined;
  private failingSince: number | undefined;

  private constructor(options: EtcdSessionOptions, client: Etcd3, leaseId: string, grantedSentAt: number, timing: LeaseTiming) {
    this.options = options;
    this.log = options.log;
    this.clock = options.clock ?? realClock;
    this.client = client;
    this.keys = new EtcdKeys(options.cluster);
    this.timing = timing;
    this.leaseId = leaseId;
    this.ackedSentAt = grantedSentAt;
  }

  /** Connect and take a lease; fails (with the etcd error) if etcd does not answer in time. */
  static async open(options: EtcdSessionOptions): Promise<EtcdSession> {
    if (options.endpoints.length === 0) throw new Error("no etcd endpoints");
    const timing = leaseTiming(options.heartbeatTimeoutMs);
    const clock = options.clock ?? realClock;
    // Per-attempt deadlines; the client's own retry moves on to another member when one is down.
    const client = new Etcd3({
      hosts: [...options.endpoints],
      dialTimeout: timing.callTimeoutMs,
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + timing.callTimeoutMs / 3 }),
    });
    try {
      const sentAt = clock.now();
      const granted = await withDeadline(client.leaseClient.leaseGrant({ TTL: timing.ttlSeconds }), timing.callTimeoutMs * 2, "etcd lease grant");
      const session = new EtcdSession(options, client, granted.ID, sentAt, timing);
      session.armFence();
      session.scheduleKeepAlive();
      return session;
    } catch (error) {
      client.close();
      throw new Error(`etcd at ${options.endpoints.join(",")}: ${(error as Error).message}`);
    }
  }

  get state(): LeaseState {
    return this.lease;
  }

  /** When this node fences itself unless a keep-alive is acknowledged first. */
  get fenceAt(): number {
    return this.ackedSentAt + this.timing.fenceAfterMs;
  }

  /**
   * True while the lease can be trusted. Past the fence time it fences the node first
   * (synchronously), so a caller that checks it never acts on a lease etcd may have expired.
   */
  guard(): boolean {
    if (this.lease === "alive" && this.clock.now() >= this.fenceAt) this.fence(`no keep-alive acknowledged for ${this.timing.fenceAfterMs} ms`);
    return this.lease === "alive";
  }

  /**
   * One etcd call for a process: refused once the lease is not trusted, retried while
   * etcd answers with an error (a member down, a leader election: "no leader"), and
   * failing with EHOSTUNREACH when it has not succeeded within callTimeoutMs (no quorum,
   * or unreachable), so a caller never hangs on etcd. `run` must be safe to repeat.
   */
  async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    if (!this.guard()) throw new SysError("EHOSTUNREACH", `etcd session ${this.lease}`);
    const deadline = performance.now() + this.timing.callTimeoutMs;
    let result: T;
    for (let attempt = 1; ; attempt++) {
      try {
        result = await withDeadline(run(), Math.max(1, deadline - performance.now()), what);
        break;
      } catch (error) {
        const pause = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** attempt);
        if (performance.now() + pause >= deadline) throw new SysError("EHOSTUNREACH", `etcd: ${what}: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
    // The answer may come after a pause: the caller acts on it only under a trusted lease.
    if (!this.guard()) throw new SysError("EHOSTUNREACH", `etcd session ${this.lease}`);
    return result;
  }

  /**
   * A clean-up etcd must see (a claim or name of an ended process): retried with backoff
   * while the lease is alive. If etcd never answers, the node fences itself and the
   * lease's expiry removes the key instead. Settles when it is done or given up.
   */
  async eventually(what: string, run: () => Promise<unknown>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.call(what, run);
        return;
      } catch {
        if (this.lease !== "alive") return;
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * attempt)).unref());
      }
    }
  }

  private setState(next: LeaseState): void {
    invariant(NEXT_STATES[this.lease].includes(next), `lease state ${this.lease} -> ${next}`);
    this.lease = next;
  }

  private fence(reason: string): void {
    if (this.lease !== "alive") return;
    this.setState("fenced");
    this.stopTimers();
    this.log(`fencing: ${reason}`);
    this.options.onFence(reason);
  }

  private armFence(): void {
    if (this.fenceTimer !== undefined) this.clock.clearTimeout(this.fenceTimer);
    this.fenceTimer = this.clock.setTimeout(() => this.guard(), Math.max(0, this.fenceAt - this.clock.now()));
  }

  private scheduleKeepAlive(): void {
    this.keepAliveTimer = this.clock.setTimeout(() => {
      if (!this.guard()) return;
      this.scheduleKeepAlive();
      void this.keepAlive();
    }, this.timing.keepAliveEveryMs);
  }

  /** One keep-alive on its own stream: a stuck stream cannot hold back the next one. */
  private async keepAlive(): Promise<void> {
    const sentAt = this.clock.now();
    let stream: Awaited<ReturnType<Etcd3["leaseClient"]["leaseKeepAlive"]>> | undefined;
    try {
      stream = await withDeadline(this.client.leaseClient.leaseKeepAlive(), this.timing.callTimeoutMs, "keep-alive stream");
      const opened = stream;
      const response = await withDeadline(
        new Promise<{ TTL: string }>((resolve, reject) => {
          opened.on("data", resolve);
          opened.on("error", reject);
          opened.write({ ID: this.leaseId });
        }),
        this.timing.callTimeoutMs,
        "keep-alive",
      );
      if (!this.guard()) return;
      if (Number(response.TTL) <= 0) return this.fence("etcd says the lease has expired");
      if (sentAt > this.ackedSentAt) this.ackedSentAt = sentAt;
      this.armFence();
      if (this.failingSince !== undefined) this.log(`etcd keep-alives acknowledged again after ${Math.round(this.clock.now() - this.failingSince)} ms`);
      this.failingSince = undefined;
    } catch (error) {
      if (this.lease !== "alive") return;
      if (this.failingSince === undefined) {
        this.failingSince = sentAt;
        this.log(`etcd keep-alive failed (fencing in ${Math.round(this.fenceAt - this.clock.now())} ms unless one succeeds): ${(error as Error).message}`);
      }
    } finally {
      try {
        stream?.end();
      } catch {
        // the stream already broke
      }
    }
  }

  private stopTimers(): void {
    if (this.keepAliveTimer !== undefined) this.clock.clearTimeout(this.keepAliveTimer);
    if (this.fenceTimer !== undefined) this.clock.clearTimeout(this.fenceTimer);
    this.keepAliveTimer = this.fenceTimer = undefined;
  }

  /** Leave: revoke the lease (its keys go at once, locks pass on) and close the client. */
  async close(): Promise<void> {
    if (this.lease === "closed") return;
    this.setState("closed");
    this.stopTimers();
    // Fenced or not, this node's processes have ended: revoking passes its locks on now
    // rather than at the lease's expiry (and fails harmlessly if it already expired).
    await withDeadline(this.client.leaseClient.leaseRevoke({ ID: this.leaseId }), this.timing.callTimeoutMs, "lease revoke").catch((error: Error) =>
      this.log(`could not revoke the etcd lease (its keys go when it expires): ${error.message}`),
    );
    this.client.close();
  }
}

/** `work`, or a rejection naming `what` after `ms`. */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer from etcd in ${ms} ms`)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
