// The causal merge of every node's journal, and the filter on it: what `onebox trace`,
// `run --trace` and the dashboard's live trace all show.
import type { JournalPage, JournalRecord } from "../kernel/journal/journal-reader.ts";

/** Which records a trace shows; every field is optional. */
export interface TraceFilter {
  /** This process and every process it (or its descendants) spawned, as the stream shows them. */
  readonly pid?: number;
  readonly node?: string;
  readonly calls?: ReadonlySet<string>;
  /** Wall-clock start, ms since the epoch: older records are left out. */
  readonly sinceMs?: number;
}

/** Sort order of the merged stream: Lamport time, then node name, then the node's own order. */
export function causalOrder(a: JournalRecord, b: JournalRecord): number {
  return a.lamport - b.lamport || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0) || a.seq - b.seq;
}

/**
 * Which records of a stream in causal order a filter lets through. Stateful: a spawn by a
 * selected process selects its child, so records must be offered in order.
 */
export class TraceSelection {
  private readonly filter: TraceFilter;
  private readonly tree = new Set<number>();

  constructor(filter: TraceFilter = {}) {
    this.filter = filter;
    if (filter.pid !== undefined) this.tree.add(filter.pid);
  }

  /** Whether the filter lets `r` through; a spawn by a traced process adds its child. */
  shows(r: JournalRecord): boolean {
    const f = this.filter;
    if (f.pid !== undefined) {
      if (!this.tree.has(r.pid)) return false;
      if (r.call === "spawn" && !r.errno && r.result > 0) this.tree.add(r.result);
    }
    if (f.node !== undefined && r.node !== f.node) return false;
    if (f.calls !== undefined && !f.calls.has(r.call)) return false;
    if (f.sinceMs !== undefined && r.startMs < f.sinceMs) return false;
    return true;
  }
}

/**
 * Merges pages of every node's journal into one stream in Lamport order, which puts each
 * recv after its send and each child's first call after its spawn. Pages come in rounds
 * (one query of every node); a record is let out only once every node's horizon in the
 * latest round is past its Lamport time, so no record that a later round brings can
 * belong before one already let out.
 */
export class TraceMerge {
  /** The next sequence number to ask each node for. */
  readonly cursors: Record<string, number> = {};
  /** Records lost to a node's ring before they were read. */
  lost = 0;
  private held: JournalRecord[] = [];
  private readonly selection: TraceSelection;

  constructor(filter: TraceFilter = {}) {
    this.selection = new TraceSelection(filter);
  }

  /**
   * Take one round of pages; returns what may now be shown, in order. `final`: no round
   * follows, so everything held is let out.
   */
  round(pages: readonly JournalPage[], final = false): JournalRecord[] {
    let horizon = pages.length === 0 ? -Infinity : Infinity;
    for (const page of pages) {
      this.held.push(...page.records);
      if (page.next < (this.cursors[page.node] ?? 0)) throw new Error(`trace: ${page.node}'s journal went back from ${this.cursors[page.node]} to ${page.next}`);
      this.cursors[page.node] = page.next;
      this.lost += page.lost;
      horizon = Math.min(horizon, page.horizon);
    }
    this.held.sort(causalOrder);
    const cut = final ? this.held.length : this.held.findIndex((r) => r.lamport >= horizon);
    const out = cut < 0 ? this.held : this.held.slice(0, cut);
    this.held = cut < 0 ? [] : this.held.slice(cut);
    return out.filter((r) => this.selection.shows(r));
  }
}
