/**
 * What the kernel asks of cluster-wide coordination: locks with fencing tokens and the
 * name registry. On one node the LocalCoordinator serves it; in a cluster the coordinator
 * node (or etcd) does, behind this same interface, so the kernel does not change.
 * Calls may answer synchronously or with a promise; failures are SysError.
 */
export interface Coordinator {
  lock(name: string, pid: number, timeoutMs: number): bigint | Promise<bigint>;
  unlock(name: string, pid: number): void | Promise<void>;
  register(name: string, pid: number): void | Promise<void>;
  unregister(name: string, pid: number): void | Promise<void>;
  whereis(name: string): number | Promise<number>;
  /**
   * `pid` waits for its child `child` to end: an edge of the wait-for graph the lock waits
   * are in, so EDEADLK if the child, or what it waits for, waits for a lock `pid` holds.
   */
  waitFor(pid: number, child: number): void | Promise<void>;
  /** `pid` no longer waits for a child. */
  waitDone(pid: number): void;
  /** The process ended: drop its locks (waking the next holders), waits and names. */
  releaseAll(pid: number): void;
}
