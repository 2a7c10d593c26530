import { fail } from "../kernel/errors.ts";
import type { Member } from "../transport/wire.ts";
import { hasLabels, parseLabels } from "../kernel/labels.ts";

/**
 * Places a spawn that names no node: the alive member with the fewest processes among
 * those whose labels match. Loads come with the coordinator's member list; placements
 * made since are counted here, so a burst of spawns spreads instead of piling onto the
 * node that looked idle a heartbeat ago. A fresh list may still predate a placement (the
 * target reports its load on its next beat), so a refresh forgets only placements older
 * than `reportLagMs()`, which the list already counts.
 */
export class Scheduler {
  private readonly reportLagMs: () => number;
  private readonly now: () => number;
  private placements: { readonly id: number; readonly at: number }[] = [];

  /** The defaults suit a one-shot placement (the CLI's), which never refreshes. */
  constructor(reportLagMs: () => number = () => 0, now: () => number = () => performance.now()) {
    this.reportLagMs = reportLagMs;
    this.now = now;
  }

  /** A fresh member list arrived: its loads include what was placed well before it. */
  refreshed(): void {
    const counted = this.now() - this.reportLagMs();
    this.placements = this.placements.filter((p) => p.at > counted);
  }

  place(members: readonly Member[], constraint: string): string {
    const want = parseLabels(constraint);
    let best: Member | undefined;
    let bestLoad = Infinity;
    for (const m of members) {
      if (m.state !== "alive" || !hasLabels(m.labels, want)) continue;
      const load = m.load + this.placements.filter((p) => p.id === m.id).length;
      if (load < bestLoad) [best, bestLoad] = [m, load];
    }
    if (!best) fail("EHOSTUNREACH", constraint ? `no alive node has labels ${constraint}` : "no alive node");
    this.placements.push({ id: best.id, at: this.now() });
    return best.name;
  }
}
