import { LocalCoordinator } from "../kernel/local-coordinator.ts";
import { fail } from "../kernel/errors.ts";
import { nodeIdOfPid } from "../kernel/kernel.ts";
import type { Bodies, Body, BodyName } from "../transport/wire.ts";

/**
 * The embedded coordinator, served by the cluster's first node: the lock table and the
 * name registry for every node. It remembers which pids each node brought, so when a
 * node goes down their locks pass to the next waiters (with larger fencing tokens) and
 * their names go.
 */
export class CoordinatorService {
  readonly local = new LocalCoordinator();
  private readonly pidsByNode = new Map<number, Set<number>>();

  private track(pid: number): void {
    const node = nodeIdOfPid(pid);
    let pids = this.pidsByNode.get(node);
    if (!pids) this.pidsByNode.set(node, (pids = new Set()));
    pids.add(pid);
  }

  async serve(kind: BodyName, m: Partial<Bodies>): Promise<Body | void> {
    switch (kind) {
      case "lock":
        this.track(m.lock!.pid);
        return { token: { token: (await this.local.lock(m.lock!.name, m.lock!.pid, m.lock!.timeoutMs)).toString() } };
      case "unlock":
        return void this.local.unlock(m.unlock!.name, m.unlock!.pid);
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

  release(pid: number): void {
    this.pidsByNode.get(nodeIdOfPid(pid))?.delete(pid);
    this.local.releaseAll(pid);
  }

  nodeDown(nodeId: number): void {
    const pids = this.pidsByNode.get(nodeId);
    this.pidsByNode.delete(nodeId);
    for (const pid of pids ?? []) this.local.releaseAll(pid);
  }
}
