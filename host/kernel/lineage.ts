import { fail } from "./errors.ts";

/**
 * Live descendants per process on this node, counted as processes start and end, so a
 * spawn bomb meets a limit without a walk over the process table. A process is charged
 * to its nearest live ancestor on this node: when a process ends, its live descendants
 * are charged to its own ancestor, so a bomb whose parents end early stays counted.
 * A child started on another node is not counted here (nor there, where it has no parent
 * process): each node's process limit bounds what it holds.
 */
export class Lineage {
  /** pid -> the live local ancestor it is charged to. */
  private readonly chargedTo = new Map<number, number>();
  /** pid -> its directly charged processes. */
  private readonly dependents = new Map<number, Set<number>>();
  /** pid -> live processes charged to it or, transitively, to its dependents. */
  private readonly counts = new Map<number, number>();

  descendants(pid: number): number {
    return this.counts.get(pid) ?? 0;
  }

  /** EAGAIN if `parent` or an ancestor of it already has its limit (`limitOf`) of live descendants. */
  checkSpawn(parent: number, limitOf: (pid: number) => number): void {
    for (let pid: number | undefined = parent; pid !== undefined; pid = this.chargedTo.get(pid)) {
      const count = this.descendants(pid);
      const limit = limitOf(pid);
      if (count >= limit) fail("EAGAIN", `process ${pid} has ${count} live descendants, the limit`);
    }
  }

  /** `pid` started as a child of live local process `parent`. */
  added(pid: number, parent: number): void {
    if (this.chargedTo.has(pid)) throw new Error(`lineage: ${pid} added twice`);
    this.chargedTo.set(pid, parent);
    let set = this.dependents.get(parent);
    if (!set) this.dependents.set(parent, (set = new Set()));
    set.add(pid);
    this.adjust(parent, 1);
  }

  /** `pid` ended: its ancestors lose it, and its dependents move to its ancestor. */
  removed(pid: number): void {
    const ancestor = this.chargedTo.get(pid);
    const dependents = this.dependents.get(pid);
    let moved = 0;
    for (const child of dependents ?? []) {
      moved += 1 + this.descendants(child);
      if (ancestor === undefined) this.chargedTo.delete(child);
      else {
        this.chargedTo.set(child, ancestor);
        this.dependents.get(ancestor)!.add(child);
      }
    }
    if (moved !== this.descendants(pid)) throw new Error(`lineage: ${pid} counted ${this.descendants(pid)} descendants, its dependents hold ${moved}`);
    this.dependents.delete(pid);
    this.counts.delete(pid);
    this.chargedTo.delete(pid);
    if (ancestor === undefined) return;
    this.dependents.get(ancestor)!.delete(pid);
    if (this.dependents.get(ancestor)!.size === 0) this.dependents.delete(ancestor);
    this.adjust(ancestor, -1);
  }

  private adjust(from: number, delta: number): void {
    for (let pid: number | undefined = from; pid !== undefined; pid = this.chargedTo.get(pid)) {
      const count = this.descendants(pid) + delta;
      if (count < 0) throw new Error(`lineage: ${pid} would have ${count} descendants`);
      if (count === 0) this.counts.delete(pid);
      else this.counts.set(pid, count);
    }
  }
}
