// The dashboard's live trace: the node that serves the page follows every node's journal
// as `onebox trace --follow` does (the same merge), keeps the newest records in causal
// order, and answers each poll with those its filter lets through.
import type { ClusterNode } from "../cluster/node.ts";
import { invariant } from "../kernel/invariant.ts";
import type { JournalRecord } from "../kernel/journal/journal-reader.ts";
import { mergeRound, nextQuery } from "../trace/journal-round.ts";
import { causalOrder, TraceMerge, TraceSelection, type TraceFilter } from "../trace/trace-merge.ts";

/** Records the node keeps for the panel, the newest; older ones leave as new ones come. */
export const MAX_TRACE_KEPT = 2000;
/** Records one answer lists at most (the newest that pass the filter). */
export const MAX_TRACE_LISTED = 500;
/** Rounds one poll asks at most while a node has more than a page: a long journal is caught up over several polls. */
export const MAX_ROUNDS_PER_POLL = 8;

export interface TraceView {
  /** The newest records that pass the filter, oldest first (causal order). */
  readonly records: JournalRecord[];
  /** Records overwritten in a node's journal before the dashboard read them. */
  readonly lost: number;
}

export class LiveTrace {
  private merge: TraceMerge;
  private kept: JournalRecord[] = [];
  /** The poll in flight: requests that come meanwhile wait for it rather than asking again. */
  private polling: Promise<void> | undefined;
  private readonly node: ClusterNode;

  constructor(node: ClusterNode) {
    this.node = node;
    this.merge = this.freshMerge();
  }

  /** A merge whose warnings (records let out early, a node restarted) go to the node's log. */
  private freshMerge(): TraceMerge {
    return new TraceMerge({}, { warn: (line) => this.node.log(`dashboard ${line}`) });
  }

  /** The newest `limit` records that pass `filter`, of processes `visible` lets the asker see (all, without it). */
  async view(filter: TraceFilter, limit: number, visible?: (pid: number) => boolean): Promise<TraceView> {
    invariant(Number.isInteger(limit) && limit > 0 && limit <= MAX_TRACE_LISTED, () => `trace limit ${limit}`);
    this.polling ??= this.poll().finally(() => (this.polling = undefined));
    await this.polling;
    const selection = new TraceSelection(filter);
    return { records: this.kept.filter((r) => selection.shows(r) && (visible === undefined || visible(r.pid))).slice(-limit), lost: this.merge.lost };
  }

  private async poll(): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS_PER_POLL; round++) {
      const pages = await this.node.journals(nextQuery(this.merge));
      let taken;
      try {
        taken = mergeRound(this.merge, pages);
      } catch (error) {
        // A node's journal went back within one journal (a node's bug): follow afresh.
        this.merge = this.freshMerge();
        this.kept = [];
        throw error;
      }
      this.keep(taken.records);
      if (!taken.more) return;
    }
  }

  private keep(records: readonly JournalRecord[]): void {
    const last = this.kept.at(-1);
    this.kept.push(...records);
    // The merge lets records out in causal order, except past its bound or from a node
    // that restarted (trace-merge.ts): those take their place among the kept ones.
    if (last !== undefined && records.length > 0 && causalOrder(last, records[0]!) > 0) this.kept.sort(causalOrder);
    if (this.kept.length > MAX_TRACE_KEPT) this.kept.splice(0, this.kept.length - MAX_TRACE_KEPT);
    invariant(this.kept.length <= MAX_TRACE_KEPT, () => `${this.kept.length} trace records kept`);
  }
}
