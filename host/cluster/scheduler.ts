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
 * node that looked idle a heartbeat ago.
 */
export class Scheduler {
  private placed = new Map<number, number>();

  /** A fresh member list arrived: its loads include what was placed before it. */
  refreshed(): void {
    this.placed.clear();
  }

  place(members: readonly Member[], constraint: string): string {
    const want = Object.entries(parseLabels(constraint));
    let best: Member | undefined;
    let bestLoad = Infinity;
    for (const m of members) {
      if (m.state !== "alive" || !want.every(([k, v]) => m.labels[k] === v)) continue;
      const load = m.load + (this.placed.get(m.id) ?? 0);
      if (load < bestLoad) [best, bestLoad] = [m, load];
    }
    if (!best) fail("EHOSTUNREACH", constraint ? `no alive node has labels ${constraint}` : "no alive node");
    this.placed.set(best.id, (this.placed.get(best.id) ?? 0) + 1);
    return best.name;
  }
}
