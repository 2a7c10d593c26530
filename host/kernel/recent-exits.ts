import type { ExitInfo } from "./errors.ts";

/** How many ended processes a node remembers the exit of (docs/OPERATIONS.md). */
export const RECENT_EXITS_KEPT = 10_000;

/**
 * The exits of the last RECENT_EXITS_KEPT processes that ended on this node, so a monitor
 * set just after a fast child ended reports the child's real reason rather than NOPROC
 * (a remote spawn's reply and the child's end race on the two connections of a pair).
 * Oldest forgotten first; a Map keeps insertion order.
 */
export class RecentExits {
  private readonly exits = new Map<number, ExitInfo>();
  private readonly kept: number;

  constructor(kept = RECENT_EXITS_KEPT) {
    this.kept = kept;
  }

  ended(pid: number, info: ExitInfo): void {
    this.exits.delete(pid);
    this.exits.set(pid, info);
    if (this.exits.size > this.kept) this.exits.delete(this.exits.keys().next().value!);
    if (this.exits.size > this.kept) throw new Error(`recent exits hold ${this.exits.size}, over ${this.kept}`);
  }

  /** A pid handed out again is live, not ended. */
  started(pid: number): void {
    this.exits.delete(pid);
  }

  get(pid: number): ExitInfo | undefined {
    return this.exits.get(pid);
  }
}
