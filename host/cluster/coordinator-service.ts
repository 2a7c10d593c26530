import { LocalCoordinator } from "../kernel/local-coordinator.ts";
import { fail, SysError } from "../kernel/errors.ts";
import { nodeIdOfPid } from "../kernel/kernel.ts";
import type { Clock } from "../transport/clock.ts";
import type { Bodies, Body, BodyName } from "../transport/wire.ts";

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

  async serve(kind: BodyName, m: Partial<Bodies>): Promise<Body | void> {
    switch (kind) {
      case "lock": {
        const { name, pid, timeoutMs } = m.lock!;
        this.track(pid);
        return { token: { token: (await this.untilEnded(pid, this.local.lock(name, pid, timeoutMs))).toString() } };
      }
      case "unlock":
        return void this.local.unlock(m.unlock!.name, m.unlock!.pid);
      case "waitFor":
        this.track(m.waitFor!.pid);
        return void this.local.waitFor(m.waitFor!.pid, m.waitFor!.child);
      case "waitDone":
        return void this.local.waitDone(m.waitDone!.pid);
      case "register":
        this.track(m.register!.pid);
        return void this.local.register(m.register!.name, m.register!.pid);
      case "unregister":
        return void this.local.unregister(m.unregister!.name, m.unregister!.pid);
      case "whereis":
        return { pid: { pid: this.local.whereis(m.whereis!.name) } };
      case "releaseAll":
        return void this.release(m.releaseAll!.pid);
      default:
        fail("ENOTSUP", `${kind} is not a coordinator call`);
    }
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

  release(pid: number): void {
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
