import type { Coordinator } from "../../kernel/coordinator.ts";
import { fail } from "../../kernel/errors.ts";
import { closesCycle } from "../../kernel/wait-for.ts";
import { EtcdLocks } from "./etcd-locks.ts";
import { EtcdNames } from "./etcd-names.ts";
import type { EtcdSession } from "./etcd-session.ts";

/**
 * The kernel's Coordinator on etcd: each node serves its own processes' calls straight
 * to etcd, so there is no coordinator node. Calls fail with EHOSTUNREACH when etcd does
 * not answer in time (no quorum) or the node's lease is no longer trusted.
 */
export class EtcdCoordinator implements Coordinator {
  private readonly locks: EtcdLocks;
  private readonly names: EtcdNames;
  /** pid -> the child it waits for in `wait`, for this node's processes. */
  private readonly waitingFor = new Map<number, number>();

  constructor(session: EtcdSession) {
    this.locks = new EtcdLocks(session);
    this.names = new EtcdNames(session);
  }

  async lock(name: string, pid: number, timeoutMs: number): Promise<bigint> {
    if (this.closesCycle(pid, this.locks.localHolder(name))) fail("EDEADLK", `waiting for ${name} closes a wait-for cycle among this node's processes`);
    return this.locks.acquire(name, pid, timeoutMs);
  }
  unlock(name: string, pid: number): Promise<void> {
    return this.locks.release(name, pid);
  }
  /**
   * Each node serves its own processes' locks straight to etcd, so no one place holds the
   * whole wait-for graph: a cycle is found only when all its processes are on this node
   * (lock holders elsewhere are not known here; docs/OPERATIONS.md).
   */
  waitFor(pid: number, child: number): void {
    if (this.closesCycle(pid, child)) fail("EDEADLK", `waiting for child ${child} closes a wait-for cycle among this node's processes`);
    this.waitingFor.set(pid, child);
  }
  waitDone(pid: number): void {
    this.waitingFor.delete(pid);
  }

  private closesCycle(pid: number, next: number | undefined): boolean {
    return closesCycle(pid, next, (p) => this.locks.waitsFor(p) ?? this.waitingFor.get(p), this.locks.waiting + this.waitingFor.size);
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
    this.waitingFor.delete(pid);
    this.locks.releaseAll(pid);
    this.names.releaseAll(pid);
  }
}
