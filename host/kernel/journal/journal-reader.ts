import { ERRNO, MODULE_WASI, SYSCALLS, type ErrnoName } from "../../../abi/abi.ts";
import { BUFFER_ARG, FLAG_COMPONENT, isBuffer, JOURNAL_ARGS, JOURNAL_PREFIX, type Journal } from "./journal.ts";

/** One journal record, decoded: what `onebox trace` shows and merges. */
export interface JournalRecord {
  readonly node: string;
  /** Its place in its node's journal: numbers only grow. */
  readonly seq: number;
  readonly pid: number;
  readonly call: string;
  /** The arguments as text: numbers, paths and names quoted, buffers as length and a prefix. */
  readonly args: string;
  readonly result: number;
  /** The errno's name when the call failed, else "". */
  readonly errno: string;
  /** Wall-clock time of its start, ms since the epoch. */
  readonly startMs: number;
  readonly durationUs: number;
  readonly lamport: number;
  /** A send's or a recv's message id, `SENDERPID@LAMPORT` (the send's Lamport time); else "". */
  readonly msg: string;
}

/** Records of one node's journal from a sequence number on, and where to go on from. */
export interface JournalPage {
  readonly node: string;
  readonly records: JournalRecord[];
  /** The sequence number to ask for next. */
  readonly next: number;
  /** Records asked for that the ring had already overwritten. */
  readonly lost: number;
  /** No later record of this node will have a smaller Lamport time (Journal.horizon). */
  readonly horizon: number;
}

/** The most records one read returns: a page stays far under a frame. */
export const MAX_PAGE_RECORDS = 4096;

const ERRNO_NAMES = new Map<number, ErrnoName>(Object.entries(ERRNO).map(([name, e]) => [e.code, name as ErrnoName]));
/** Calls whose result is how many bytes of their first buffer are data (what they read in). */
const FILLS_BUFFER = new Set(["recv", "read", "fd_read", "fd_pread"]);
const SEND = "send";
const RECV = "recv";
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A buffer's first bytes: as text when they are printable UTF-8, else hex. */
function shownBytes(bytes: Uint8Array, total: number): string {
  const more = total > bytes.byteLength ? "..." : "";
  try {
    const text = utf8.decode(bytes);
    // eslint-disable-next-line no-control-regex
    if (!/[\x00-\x08\x0e-\x1f\x7f]/.test(text)) return JSON.stringify(text) + more;
  } catch {
    // not text
  }
  return `0x${Buffer.from(bytes).toString("hex")}${more}`;
}

const textBuffers = new Set(["path", "name", "node", "from", "to", "old_path", "new_path", "args", "env"]);

function decodeArgs(journal: Journal, slot: number, callIndex: number, result: number): string {
  const def = SYSCALLS[callIndex]!;
  if (journal.flags[slot]! & FLAG_COMPONENT) return "(component)";
  const at = slot * JOURNAL_ARGS;
  const buffer = BUFFER_ARG[callIndex]!;
  const parts: string[] = [];
  for (let i = 0; i < def.params.length; i++) {
    const param = def.params[i]!;
    const value = journal.args[at + i]!;
    if (i === buffer) {
      const base = param.name.replace(/_ptr$/, "");
      const len = journal.args[at + i + 1]!;
      const valid = FILLS_BUFFER.has(def.name) ? Math.max(0, Math.min(result, len)) : len;
      const kept = Math.min(journal.prefixLen[slot]!, valid);
      const bytes = journal.prefix.subarray(slot * JOURNAL_PREFIX, slot * JOURNAL_PREFIX + kept);
      const shown = shownBytes(bytes, valid);
      parts.push(textBuffers.has(base) ? `${base}=${shown}` : `${base}=${valid}B ${shown}`);
      i++;
    } else if (isBuffer(def, i)) {
      parts.push(`${param.name.replace(/_ptr$/, "")}=${journal.args[at + i + 1]}B`);
      i++;
    } else {
      parts.push(`${param.name}=${param.kind === "ptr" ? `0x${value.toString(16)}` : value}`);
    }
  }
  return parts.join(", ");
}

/** Decode up to `max` records from sequence number `since` on. */
export function readJournal(journal: Journal, node: string, since: number, max = MAX_PAGE_RECORDS): JournalPage {
  const from = Math.max(since, journal.oldest);
  const to = Math.min(journal.written, from + Math.min(max, MAX_PAGE_RECORDS));
  const records: JournalRecord[] = [];
  for (let seq = from; seq < to; seq++) {
    const slot = seq % journal.capacity;
    const callIndex = journal.call[slot]!;
    const def = SYSCALLS[callIndex]!;
    const result = journal.result[slot]!;
    const failed = def.module === MODULE_WASI ? result > 0 : result < 0;
    const pid = journal.pid[slot]!;
    const lamport = journal.lamport[slot]!;
    let msg = "";
    if (def.name === SEND && result === 0) msg = `${pid}@${lamport}`;
    else if (def.name === RECV && !failed && journal.peerLamport[slot]! > 0) msg = `${journal.peer[slot]}@${journal.peerLamport[slot]}`;
    records.push({
      node,
      seq,
      pid,
      call: def.name,
      args: decodeArgs(journal, slot, callIndex, result),
      result,
      errno: failed ? (ERRNO_NAMES.get(Math.abs(result)) ?? `errno ${Math.abs(result)}`) : "",
      startMs: performance.timeOrigin + journal.start[slot]!,
      durationUs: journal.duration[slot]! * 1000,
      lamport,
      msg,
    });
  }
  // Records left for the next page may sit below the horizon: promise nothing until they are read.
  return { node, records, next: Math.max(from, to), lost: from - since, horizon: to < journal.written ? 0 : journal.horizon };
}
