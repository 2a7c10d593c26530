import type { JournalRecord } from "../kernel/journal/journal-reader.ts";

/** One trace line: Lamport time, node, pid, call(args) = result [errno], message id, duration. */
export function formatTrace(r: JournalRecord): string {
  const outcome = r.errno ? `${r.result} ${r.errno}` : String(r.result);
  const msg = r.msg ? `  msg=${r.msg}` : "";
  return `${String(r.lamport).padStart(6)} [${r.node}] ${r.pid} ${r.call}(${r.args}) = ${outcome}${msg}  ${r.durationUs.toFixed(1)}us`;
}
