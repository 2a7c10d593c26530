import type { Coordinator } from "../../kernel/coordinator.ts";
import { fail } from "../../kernel/errors.ts";
import type { LamportClock } from "../../kernel/journal/lamport.ts";
import { EtcdLamport } from "./etcd-lamport.ts";
import { EtcdLocks } from "./etcd-locks.ts";
import { EtcdNames } from "./etcd-names.ts";
import type { EtcdSession } from "./etcd-session.ts";
import { EtcdWaitGraph } from "./etcd-wait-graph.ts";
import { ProcessWrites } from "./process-writes.ts";

/**
 * The kernel's Coordinator on etcd: each node serves its own processes' calls straight
 * to etcd, so there is no coordinator node. Calls fail with EHOSTUNREACH when etcd does
 * not answer in time (no quorum) or the node's lease is no longer trusted. The wait-for
 * graph of lock waits and waits on children is in etcd too (etcd-wait-graph.ts), so a
 * cycle across nodes is found as on the embedded coordinator.
 */
export class EtcdCoordinator implements Coordinator {
  private readonly locks: EtcdLocks;
  private readonly names: EtcdNames;
  private readonly graph: EtcdWaitGraph;

  /** `lamport` is the node's clock, which lock hand-offs through etcd advance. */
  constructor(session: EtcdSession, nodeId: number, lamport: LamportClock) {
    const writes = new ProcessWrites();
    this.graph = new EtcdWaitGraph(session, writes);
    const stamps = new EtcdLamport(session, lamport, nodeId);
    this.locks = new EtcdLocks(session, this.graph, stamps, writes);
    this.names = new EtcdNames(session, stamps);
  }

  lock(name: string, pid: number, timeoutMs: number): Promise<bigint> {
    return this.locks.acquire(name, pid, timeoutMs);
  }
  unlock(name: string, pid: number): Promise<void> {
    return this.locks.release(name, pid);
  }
  /** The edge is checked at etcd: EDEADLK comes as the promise's rejection, while the wait is suspended. */
  async waitFor(pid: number, child: number): Promise<void> {
    if (await this.graph.closesCycle(pid, child)) fail("EDEADLK", `waiting for child ${child} closes a wait-for cycle`);
  }
  waitDone(pid: number): void {
    this.graph.withdraw(pid);
  }
  register(name: string, pid: number): Promise<void> {
    return this.names.register(name, pid);
  }
  unregister(name: string, pid: number): Promise<void> {
    return this.names.unregister(name, pid);
  }
  whereis(name: string): Promise<number> {
    return this.names.whereis(name);
  }
  releaseAll(pid: number): void {
    this.graph.withdraw(pid);
    this.locks.releaseAll(pid);
    this.names.releaseAll(pid);
  }
}
