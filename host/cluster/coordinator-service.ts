import { LocalCoordinator } from "../kernel/local-coordinator.ts";
import { SysError } from "../kernel/errors.ts";
import { nodeIdOfPid } from "../kernel/kernel.ts";
import type { Clock } from "../clock/clock.ts";
import type { Bodies, Body } from "../transport/wire.ts";

/**
 * The embedded coordinator, served by the cluster's first node: the lock table and the
 * name registry for every node. It remembers which pids each node brought, so when a
 * node goes down their locks pass to the next waiters (with larger fencing tokens) and
 * their names go.
 */
export class CoordinatorService {
  readonly local: LocalCoordinator;
  private readonly pidsByNode = new Map<number, Set<number>>();
  /** Lock calls still waiting, by pid: answered with ESRCH when their process ends. */
  private readonly waiting = new Map<number, (error: SysError) => void>();

  /** `clock` times lock waits. */
  constructor(clock: Clock) {
    this.local = new LocalCoordinator(clock);
  }

  private track(pid: number): void {
    const node = nodeIdOfPid(pid);
    let pids = this.pidsByNode.get(node);
    if (!pids) this.pidsByNode.set(node, (pids = new Set()));
    pids.add(pid);
  }

  // ---- frames: lock, unlock, waitFor, waitDone, register, unregister, whereis, releaseAll

  async lock({ name, pid, timeoutMs }: Bodies["lock"]): Promise<Body> {
    this.track(pid);
    return { token: { token: (await this.untilEnded(pid, this.local.lock(name, pid, timeoutMs))).toString() } };
  }

  unlock({ name, pid }: Bodies["unlock"]): void {
    this.local.unlock(name, pid);
  }

  waitFor({ pid, child }: Bodies["waitFor"]): void {
    this.track(pid);
    this.local.waitFor(pid, child);
  }

  waitDone({ pid }: Bodies["waitDone"]): void {
    this.local.waitDone(pid);
  }

  register({ name, pid }: Bodies["register"]): void {
    this.track(pid);
    this.local.register(name, pid);
  }

  unregister({ name, pid }: Bodies["unregister"]): void {
    this.local.unregister(name, pid);
  }

  whereis({ name }: Bodies["whereis"]): Body {
    return { pid: { pid: this.local.whereis(name) } };
  }

  /**
   * A wait for a lock, unless its process ends first: releaseAll drops the waiter from
   * the lock table (so the lock never goes to the dead), and this answers its call, so
   * the caller's node is not left with a call that never returns.
   */
  private untilEnded(pid: number, lock: bigint | Promise<bigint>): bigint | Promise<bigint> {
    if (typeof lock === "bigint") return lock;
    return new Promise<bigint>((resolve, reject) => {
      this.waiting.set(pid, reject);
      lock.then(resolve, reject).finally(() => {
        if (this.waiting.get(pid) === reject) this.waiting.delete(pid);
      });
    });
  }

  releaseAll({ pid }: Bodies["releaseAll"]): void {
    this.pidsByNode.get(nodeIdOfPid(pid))?.delete(pid);
    this.end(pid);
  }

  nodeDown(nodeId: number): void {
    const pids = this.pidsByNode.get(nodeId);
    this.pidsByNode.delete(nodeId);
    for (const pid of pids ?? []) this.end(pid);
  }

  private end(pid: number): void {
    this.local.releaseAll(pid);
    const cancel = this.waiting.get(pid);
    this.waiting.delete(pid);
    cancel?.(new SysError("ESRCH", `process ${pid} ended while it waited for a lock`));
  }
}
