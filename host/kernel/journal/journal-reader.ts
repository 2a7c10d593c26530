import { performance } from "node:perf_hooks";
import { ERRNO, MODULE_WASI, SYSCALLS, type ErrnoName } from "../../../abi/abi.ts";
import { BUFFER_ARG, callIndexOf, callOf, FILLS_BUFFER, FLAG_COMPONENT, FLAG_NONE, FLAG_PENDING, FLAG_SUSPENDED, flagsOf, isBuffer, LAYOUTS, pidOf, type Journal } from "./journal.ts";
import { DURATION, PEER, PEER_LAMPORT, PREFIX_IN_SEND, PREFIX_LEN, RESULT, WHO } from "./row-layout.ts";

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
const SEND = "send";
const RECV = "recv";
const SEND_INDEX = callIndexOf(SEND);
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

/**
 * The kept first bytes, up to `valid`, of the buffer of the record at row `at`: its own,
 * or for a recv of a message a core guest sent on this node (PREFIX_IN_SEND), its send's
 * record's, found by the message's Lamport time; undefined when the ring no longer keeps
 * that record.
 */
function keptPrefix(journal: Journal, at: number, callIndex: number, valid: number): Uint8Array | undefined {
  const kept = journal.ints[at * 2 + PREFIX_LEN]!;
  if (kept !== PREFIX_IN_SEND) {
    const from = at * Float64Array.BYTES_PER_ELEMENT + LAYOUTS[callIndex]!.prefix;
    return journal.prefix.subarray(from, from + Math.min(kept, valid));
  }
  const sender = journal.ints[at * 2 + PEER]!;
  const sendAt = journal.rowAtLamport(journal.rows[at + PEER_LAMPORT]!);
  if (sendAt < 0) return undefined;
  const who = journal.rows[sendAt + WHO]!;
  // The message's Lamport time is its send's record's tick (recorder.ts): anything else there is a bug.
  if (!(callOf(who) === SEND_INDEX && pidOf(who) === sender && flagsOf(who) === 0 && journal.rows[sendAt + RESULT] === 0)) {
    throw new Error(`journal: the recv of ${sender}'s message finds a record of ${SYSCALLS[callOf(who)]?.name} by ${pidOf(who)} at its send's time`);
  }
  return keptPrefix(journal, sendAt, SEND_INDEX, valid);
}

function decodeArgs(journal: Journal, at: number, callIndex: number, flags: number, result: number): string {
  const def = SYSCALLS[callIndex]!;
  if (flags & FLAG_COMPONENT) return "(component)";
  const layout = LAYOUTS[callIndex]!;
  const arg = (i: number): number => (layout.wide[i] ? journal.rows[at + layout.slots[i]!]! : journal.ints[at * 2 + layout.slots[i]!]!);
  const buffer = BUFFER_ARG[callIndex]!;
  const parts: string[] = [];
  for (let i = 0; i < def.params.length; i++) {
    const param = def.params[i]!;
    const value = arg(i);
    if (i === buffer) {
      const base = param.name.replace(/_ptr$/, "");
      const len = arg(i + 1) >>> 0;
      const valid = FILLS_BUFFER.has(callIndex) ? Math.max(0, Math.min(result, len)) : len;
      const kept = keptPrefix(journal, at, callIndex, valid);
      const shown = kept === undefined ? "(its send's record is no longer kept)" : shownBytes(kept, valid);
      parts.push(textBuffers.has(base) ? `${base}=${shown}` : `${base}=${valid}B ${shown}`);
      i++;
    } else if (isBuffer(def, i)) {
      parts.push(`${param.name.replace(/_ptr$/, "")}=${arg(i + 1) >>> 0}B`);
      i++;
    } else {
      parts.push(`${param.name}=${param.kind === "ptr" ? `0x${(value >>> 0).toString(16)}` : value}`);
    }
  }
  return parts.join(", ");
}

/**
 * Decode up to `max` records from sequence number `since` on. A spawn's row whose reply
 * has not come (FLAG_PENDING) ends the page there: the next read starts at it, and the
 * horizon, at most its Lamport time, promises nothing past it.
 */
export function readJournal(journal: Journal, node: string, since: number, max = MAX_PAGE_RECORDS): JournalPage {
  const from = Math.max(since, journal.oldest);
  let to = Math.min(journal.written, from + Math.min(max, MAX_PAGE_RECORDS));
  /** Whether the page ends at `max`, with records after it. */
  let cut = to < journal.written;
  const records: JournalRecord[] = [];
  const rows = journal.rows;
  const startOf = journal.startsFrom(from);
  for (let seq = from; seq < to; seq++) {
    const at = journal.rowOf(seq);
    journal.check(seq, at);
    const who = rows[at + WHO]!;
    const flags = flagsOf(who);
    if (flags & FLAG_PENDING) {
      to = seq;
      cut = false;
      break;
    }
    if (flags & FLAG_NONE) continue;
    const callIndex = callOf(who);
    const def = SYSCALLS[callIndex]!;
    const result = rows[at + RESULT]!;
    // A component's result is a value or -errno (component-calls.ts), whatever the call's module.
    const failed = def.module === MODULE_WASI && !(flags & FLAG_COMPONENT) ? result > 0 : result < 0;
    const pid = pidOf(who);
    const lamport = journal.lamportOf(seq);
    let msg = "";
    if (def.name === SEND && result === 0) msg = `${pid}@${lamport}`;
    else if (def.name === RECV && !failed && rows[at + PEER_LAMPORT]! > 0) msg = `${journal.ints[at * 2 + PEER]}@${rows[at + PEER_LAMPORT]}`;
    records.push({
      node,
      seq,
      pid,
      call: def.name,
      args: decodeArgs(journal, at, callIndex, flags, result),
      result,
      errno: failed ? (ERRNO_NAMES.get(Math.abs(result)) ?? `errno ${Math.abs(result)}`) : "",
      startMs: performance.timeOrigin + startOf(seq, at),
      durationUs: flags & FLAG_SUSPENDED ? rows[at + DURATION]! * 1000 : 0,
      lamport,
      msg,
    });
  }
  // Records left for the next page may sit below the horizon: promise nothing until they are read.
  return { node, records, next: Math.max(from, to), lost: from - since, horizon: cut ? 0 : journal.horizon };
}
