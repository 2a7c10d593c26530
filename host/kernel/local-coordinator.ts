import type { Coordinator } from "./coordinator.ts";
import { LockTable } from "./lock-table.ts";
import { realClock, type Clock } from "../clock/clock.ts";
import { NameRegistry } from "./name-registry.ts";

/** Coordination served in this process: the single node, or the cluster's coordinator node. */
export class LocalCoordinator implements Coordinator {
  readonly locks: LockTable;
  readonly names = new NameRegistry();

  constructor(clock: Clock = realClock) {
    this.locks = new LockTable(clock);
  }

  lock(name: string, pid: number, timeoutMs: number): bigint | Promise<bigint> {
    return this.locks.acquire(name, pid, timeoutMs);
  }
  unlock(name: string, pid: number): void {
    this.locks.release(name, pid);
  }
  waitFor(pid: number, child: number): void {
    this.locks.waitFor(pid, child);
  }
  waitDone(pid: number): void {
    this.locks.waitDone(pid);
  }
  register(name: string, pid: number): void {
    this.names.register(name, pid);
  }
  unregister(name: string, pid: number): void {
    this.names.unregister(name, pid);
  }
  whereis(name: string): number {
    return this.names.whereis(name);
  }
  releaseAll(pid: number): void {
    this.locks.releaseAll(pid);
    this.names.releaseAll(pid);
  }
}
