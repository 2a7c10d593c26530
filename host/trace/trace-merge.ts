// The causal merge of every node's journal, and the filter on it: what `onebox trace`,
// `run --trace` and the dashboard's live trace all show.
import { invariant } from "../kernel/invariant.ts";
import type { JournalPage, JournalRecord } from "../kernel/journal/journal-reader.ts";
import { SPAWN_CALLS } from "../kernel/journal/journal.ts";

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
      if (SPAWN_CALLS.has(r.call) && !r.errno && r.result > 0) this.tree.add(r.result);
    }
    if (f.node !== undefined && r.node !== f.node) return false;
    if (f.calls !== undefined && !f.calls.has(r.call)) return false;
    if (f.sinceMs !== undefined && r.startMs < f.sinceMs) return false;
    return true;
  }
}

/**
 * Records the merge holds back at most: past it, the oldest are let out in order although
 * some node's horizon (one whose clock is stuck, or a spawn that never returns) is not
 * past them yet, and the merge warns once that order across that node is no longer
 * guaranteed. A decoded record is a few hundred bytes: this bounds a follower's memory
 * to tens of MiB.
 */
export const MAX_HELD_RECORDS = 100_000;

/** A node's page as the merge takes it: with the identity of the journal it was read from, if known. */
export type MergePage = JournalPage & { readonly journal?: string };

export interface MergeOptions {
  /** Held records past which the oldest are let out early (MAX_HELD_RECORDS). */
  readonly maxHeld?: number;
  /** Told in one line when records are let out early (once until the horizons catch up), and when a node restarted. */
  readonly warn?: (line: string) => void;
}

/**
 * Merges pages of every node's journal into one stream in Lamport order, which puts each
 * recv after its send and each child's first call after its spawn. Pages come in rounds
 * (one query of every node); a record is let out only once every node's horizon in the
 * latest round is past its Lamport time, so no record that a later round brings can
 * belong before one already let out (unless more than maxHeld wait: see MAX_HELD_RECORDS).
 */
export class TraceMerge {
  /** The next sequence number to ask each node for. */
  readonly cursors: Record<string, number> = {};
  /** The journal each node's cursor belongs to (JournalPage.journal): a new one is a restart. */
  readonly journals: Record<string, string> = {};
  /** Nodes seen to restart under their name: each time, their cursor started over. */
  restarts = 0;
  /** Records lost to a node's ring before they were read. */
  lost = 0;
  /** Records let out before every horizon passed them (the held records passed maxHeld). */
  early = 0;
  private held: JournalRecord[] = [];
  private readonly selection: TraceSelection;
  private readonly maxHeld: number;
  private readonly warn: (line: string) => void;
  /** Set from records let out early until the held ones fall under half the bound: one warning per episode. */
  private overflowing = false;

  constructor(filter: TraceFilter = {}, options: MergeOptions = {}) {
    this.selection = new TraceSelection(filter);
    this.maxHeld = options.maxHeld ?? MAX_HELD_RECORDS;
    invariant(Number.isInteger(this.maxHeld) && this.maxHeld > 0, () => `a merge's bound must be a positive integer, got ${this.maxHeld}`);
    this.warn = options.warn ?? (() => {});
  }

  /**
   * Take one round of pages; returns what may now be shown, in order. `final`: no round
   * follows, so everything held is let out.
   */
  round(pages: readonly MergePage[], final = false): JournalRecord[] {
    let horizon = pages.length === 0 ? -Infinity : Infinity;
    let lowest = "";
    for (const page of pages) {
      this.held.push(...page.records);
      this.follow(page);
      if (page.next < (this.cursors[page.node] ?? 0)) throw new Error(`trace: ${page.node}'s journal went back from ${this.cursors[page.node]} to ${page.next}`);
      this.cursors[page.node] = page.next;
      this.lost += page.lost;
      if (page.horizon < horizon) [horizon, lowest] = [page.horizon, page.node];
    }
    this.held.sort(causalOrder);
    let cut = final ? this.held.length : this.held.findIndex((r) => r.lamport >= horizon);
    if (cut < 0) cut = this.held.length;
    const over = this.held.length - cut - this.maxHeld;
    if (over > 0) {
      if (!this.overflowing) this.warn(`trace: over ${this.maxHeld} records wait for ${lowest}'s journal (its horizon stays at ${horizon}): letting the oldest out, so their order against ${lowest}'s is no longer guaranteed`);
      this.early += over;
      cut += over;
    }
    // Warned once until the horizons catch up (half the bound left held).
    if (over > 0) this.overflowing = true;
    else if (this.held.length - cut < this.maxHeld / 2) this.overflowing = false;
    const out = this.held.slice(0, cut);
    this.held = this.held.slice(cut);
    invariant(this.held.length <= this.maxHeld, () => `the merge holds ${this.held.length} records, over its ${this.maxHeld}`);
    return out.filter((r) => this.selection.shows(r));
  }

  /**
   * A page from another journal than the one a node's cursor was read from: the node
   * restarted under its name, and the page (the node answered from its new journal's
   * start) begins a new cursor. Its records' sequence numbers start again too: causal
   * order among a node's records falls back on Lamport time, which its clock, moved past
   * every stamp it receives, keeps above what it causally follows.
   */
  private follow(page: MergePage): void {
    if (page.journal === undefined || page.journal === "") return;
    const known = this.journals[page.node];
    this.journals[page.node] = page.journal;
    if (known === undefined || known === page.journal) return;
    this.restarts++;
    delete this.cursors[page.node];
    this.warn(`trace: ${page.node} restarted (a new journal): following it from its start`);
  }
}
