import type { Coordinator } from "../../kernel/coordinator.ts";
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

  constructor(session: EtcdSession) {
    this.locks = new EtcdLocks(session);
    this.names = new EtcdNames(session);
  }

  lock(name: string, pid: number, timeoutMs: number): Promise<bigint> {
    return this.locks.acquire(name, pid, timeoutMs);
  }
  unlock(name: string, pid: number): Promise<void> {
    return this.locks.release(name, pid);
  }
  /**
   * Not checked: each node serves its own processes' locks straight to etcd, so no one
   * place sees the wait-for graph (lock cycles are not found either; docs/OPERATIONS.md).
   */
  waitFor(): void {}
  waitDone(): void {}
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
    this.locks.releaseAll(pid);
    this.names.releaseAll(pid);
  }
}
