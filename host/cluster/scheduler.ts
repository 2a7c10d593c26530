import { fail } from "../kernel/errors.ts";
import type { Member } from "../transport/wire.ts";

/** "k=v,k2=v2" as required labels. */
export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of text.split(",")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    if (eq <= 0) fail("EINVAL", `label '${pair}' is not k=v`);
    labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return labels;
}

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
    const want = Object.entries(parseLabels(constraint));
    let best: Member | undefined;
    let bestLoad = Infinity;
    for (const m of members) {
      if (m.state !== "alive" || !want.every(([k, v]) => m.labels[k] === v)) continue;
      const load = m.load + this.placements.filter((p) => p.id === m.id).length;
      if (load < bestLoad) [best, bestLoad] = [m, load];
    }
    if (!best) fail("EHOSTUNREACH", constraint ? `no alive node has labels ${constraint}` : "no alive node");
    this.placements.push({ id: best.id, at: this.now() });
    return best.name;
  }
}
