import type { JournalRecord } from "../kernel/journal/journal-reader.ts";

/** One trace line: Lamport time, node, pid, call(args) = result [errno], message id, duration (of a call that waited). */
export function formatTrace(r: JournalRecord): string {
  const outcome = r.errno ? `${r.result} ${r.errno}` : String(r.result);
  const msg = r.msg ? `  msg=${r.msg}` : "";
  const waited = r.durationUs > 0 ? `  ${r.durationUs.toFixed(1)}us` : "";
  return `${String(r.lamport).padStart(6)} [${r.node}] ${r.pid} ${r.call}(${r.args}) = ${outcome}${msg}${waited}`;
}
