// One round of a trace: pages of every node's journal, as a JournalQuery's answer brings
// them, fed to the merge. The CLI asks over its channel, the dashboard's node asks itself.
import { MAX_PAGE_RECORDS, type JournalRecord } from "../kernel/journal/journal-reader.ts";
import { toNumber, type WireJournalPage } from "../transport/wire.ts";
import type { MergePage, TraceMerge } from "./trace-merge.ts";

/** A JournalPage off the wire: 64-bit fields as numbers, absent (default) fields filled in. */
export function pageFromWire(page: WireJournalPage): MergePage {
  const records = (page.records ?? []).map((r): JournalRecord => ({
    node: r.node,
    seq: toNumber(r.seq ?? 0),
    pid: r.pid,
    call: r.call,
    args: r.args ?? "",
    result: r.result ?? 0,
    errno: r.errno ?? "",
    startMs: r.startMs ?? 0,
    durationUs: r.durationUs ?? 0,
    lamport: toNumber(r.lamport ?? 0),
    msg: r.msg ?? "",
  }));
  return { node: page.node, records, next: toNumber(page.next ?? 0), lost: toNumber(page.lost ?? 0), horizon: toNumber(page.horizon ?? 0), journal: page.journal ?? "" };
}

/**
 * Feed one answer's pages to the merge: the records it lets out, in causal order, and
 * whether a node had more than a page to give (ask again at once).
 */
export function mergeRound(merge: TraceMerge, pages: readonly WireJournalPage[] | undefined): { records: JournalRecord[]; more: boolean } {
  const decoded = (pages ?? []).map(pageFromWire);
  return { records: merge.round(decoded), more: decoded.some((page) => page.records.length >= MAX_PAGE_RECORDS) };
}

/** The query of a merge's next round: each node's cursor, and the journal it was read from. */
export function nextQuery(merge: TraceMerge): { cluster: true; since: Record<string, number>; journals: Record<string, string> } {
  return { cluster: true, since: { ...merge.cursors }, journals: { ...merge.journals } };
}
