import { performance } from "node:perf_hooks";
import { SYSCALLS, type Syscall } from "../../../abi/abi.ts";
import { CLOCK_BASE, CLOCK_COUNT, CLOCK_SLOTS, type LamportClock } from "./lamport.ts";
import { DURATION, layoutOf, RESULT, ROW, START, WHO, type RowLayout } from "./row-layout.ts";
import { SeqLog } from "./seq-log.ts";

/**
 * Records a node keeps by default (`--journal N`); at 160 bytes each (a 128-byte row, 32
 * bytes of the two side rings), 640 KiB. The ring's size is a cost, not only memory:
 * each record writes lines no other code touches, which push the node's own data out of
 * the core's cache, the more so the larger the ring. A journaled local round trip cost
 * 1.145x with 1,024 records, 1.16x with 2,048, 1.175x with 4,096 and 1.205x with 16,384
 * (docs/BENCHMARKS.md); 4,096 keeps a follower 20,000 calls a second of a node at its
 * 200 ms poll, and about half the L2 of the 2-core VM's cores.
 */
export const DEFAULT_JOURNAL_RECORDS = 4096;
/** The most records `--journal` may ask for: 160 MiB. */
export const MAX_JOURNAL_RECORDS = 1 << 20;

/**
 * The ring's head, before its rows in `Journal.rows`: the Lamport clock's count (records
 * written) and base (LamportClock.state, adopted), then nothing up to a cache line, so
 * that rows, two lines each, start on a line when the array does. The count is also the
 * ring's cursor: the ring has a power of two of rows, so record `seq` is at row `seq & mask`.
 */
export const HEAD = 64 / Float64Array.BYTES_PER_ELEMENT;
if (HEAD < CLOCK_SLOTS) throw new Error(`journal: a ${HEAD}-double head cannot hold the clock's ${CLOCK_SLOTS} slots`);

/** Set on a record whose arguments are not the ABI's (a component's call: strings and lists). */
export const FLAG_COMPONENT = 1;
/** Set on a record of a call that suspended: it has a start and a duration of its own. */
export const FLAG_SUSPENDED = 2;
/** A spawn's row, taken at its start, whose result has not come yet: readers stop there. */
export const FLAG_PENDING = 4;
/** A spawn's row whose caller ended before the reply: no record, readers pass over it. */
export const FLAG_NONE = 8;
/** `who` = pid * WHO_PID + flags * WHO_FLAG + call: pids are below 2^31, so it stays below 2^43. */
const WHO_FLAG = 256;
const WHO_PID = 16 * WHO_FLAG;
export const whoOf = (pid: number, call: number, flags = 0): number => pid * WHO_PID + flags * WHO_FLAG + call;
export const pidOf = (who: number): number => Math.floor(who / WHO_PID);
export const callOf = (who: number): number => who % WHO_FLAG;
export const flagsOf = (who: number): number => Math.floor(who / WHO_FLAG) % 16;

const CALL_INDEX = new Map<string, number>(SYSCALLS.map((s, i) => [s.name, i]));
export const callIndexOf = (name: Syscall["name"]): number => CALL_INDEX.get(name)!;
if (SYSCALLS.length > WHO_FLAG) throw new Error(`journal: ${SYSCALLS.length} calls do not fit a record's call field`);
/** Calls that start a child, whose pid is their result: each reserves its row at its start (Journal.reserve). */
export const SPAWN_CALLS: ReadonlySet<string> = new Set<Syscall["name"]>(["spawn", "spawn_opt"]);
const SPAWN_INDEXES: ReadonlySet<number> = new Set([...SPAWN_CALLS].map((name) => callIndexOf(name as Syscall["name"])));
const RECV = callIndexOf("recv");
/** Calls whose result is how many bytes of their first buffer are data (what they read in). */
export const FILLS_BUFFER: ReadonlySet<number> = new Set([RECV, callIndexOf("read")]);

/**
 * Whether parameter `i` of `s` is a buffer's pointer: an x_ptr, x_len pair of bytes (WASI's
 * iovs_len counts iovecs, not bytes).
 */
export const isBuffer = (s: Syscall, i: number): boolean => {
  const p = s.params[i]!;
  const next = s.params[i + 1];
  return p.kind === "ptr" && next?.kind === "len" && next.name === p.name.replace(/_ptr$/, "_len") && p.name !== "iovs_ptr";
};

/** Per call: the argument index of its first buffer's pointer, whose prefix a record keeps, or -1. */
export const BUFFER_ARG: readonly number[] = SYSCALLS.map((s) => s.params.findIndex((_, i) => isBuffer(s, i)));
/** Per call: where its record keeps its arguments and prefix (row-layout.ts); every call's fits, or this module does not load. */
export const LAYOUTS: readonly RowLayout[] = SYSCALLS.map((s, i) => layoutOf(s, BUFFER_ARG[i]!));

/** The ring's rows for `--journal records`: the power of two at or above it. */
export const ringCapacity = (records: number): number => 2 ** Math.ceil(Math.log2(records));

/**
 * A node's journal: one record per syscall of any of its processes, in a ring of
 * `capacity` (a power of two) rows of one preallocated Float64Array, the oldest overwritten first.
 * A record stores only what cannot be derived: pid and call (one number), result,
 * arguments. Its sequence number is its position, its Lamport time is its sequence
 * number plus the clock's base then (kept in a side ring at each move of the base), its
 * start the time its process's turn began (a side ring noted at each turn), except for a
 * call that waited, which keeps its own start and duration from the suspension and the
 * wake-up's clock reads. journal-reader.ts decodes records when they are read.
 *
 * A record sits at the Lamport time of its outcome: a call that returns at once takes
 * its row (the clock's tick) at its start if it cannot wait, at its return otherwise; a
 * call that waited at its wake-up; a spawn, whose child may run before its reply comes
 * back, at its start: its row is reserved then and filled at the reply.
 */
export class Journal {
  readonly capacity: number;
  /** capacity - 1: record `seq` is at row `seq & mask` (an int32 operation on the count). */
  readonly mask: number;
  readonly clock: LamportClock;
  /** The head (HEAD slots), then `capacity` rows of ROW numbers. */
  readonly rows: Float64Array;
  /** `rows` as int32s: a row's int32 fields and arguments (row-layout.ts). */
  readonly ints: Int32Array;
  /** `rows`' bytes, where each row keeps its buffer's prefix (RowLayout.prefix). */
  readonly prefix: Uint8Array;
  /** The clock's base from each sequence number on at which it moved. */
  private readonly bases: SeqLog;
  /** performance.now() at each guest turn's start, from the sequence number it began at. */
  private readonly times: SeqLog;
  /** Sequence numbers of spawns' rows not yet filled (FLAG_PENDING): they hold the horizon. */
  private readonly held: number[] = [];

  /** A ring of at least `records` rows (ringCapacity). */
  constructor(records: number, clock: LamportClock) {
    if (!Number.isInteger(records) || records < 1 || records > MAX_JOURNAL_RECORDS) {
      throw new RangeError(`journal size must be 1..${MAX_JOURNAL_RECORDS} records, got ${records}`);
    }
    if (clock.moved !== undefined) throw new Error("journal: the Lamport clock already counts another journal's records");
    const capacity = ringCapacity(records);
    // The cursor is the count's low bits: a power of two up to 2^30 divides 2^32, so the
    // int32 that `&` makes of a count up to 2^53 keeps them.
    if (!(capacity >= records && capacity <= 2 ** 30 && (capacity & (capacity - 1)) === 0)) throw new Error(`journal: ${capacity} rows for ${records} records`);
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.clock = clock;
    this.rows = new Float64Array(HEAD + capacity * ROW);
    this.rows.set(clock.state);
    clock.state = this.rows;
    this.bases = new SeqLog(capacity + 2, this.written, this.rows[CLOCK_BASE]!);
    this.times = new SeqLog(capacity + 2, this.written, performance.now());
    clock.moved = (count, base) => this.bases.note(count, base);
    this.ints = new Int32Array(this.rows.buffer);
    this.prefix = new Uint8Array(this.rows.buffer);
  }

  /** Records ever written (or reserved): the next record's sequence number. */
  get written(): number {
    return this.rows[CLOCK_COUNT]!;
  }

  /** The oldest record still kept. */
  get oldest(): number {
    return Math.max(0, this.written - this.capacity);
  }

  /** Row offset of record `seq` in `rows`. */
  rowOf(seq: number): number {
    return HEAD + (seq & this.mask) * ROW;
  }

  /** Record `seq`'s Lamport time: its tick of the clock's count, over the base then. */
  lamportOf(seq: number): number {
    return seq + 1 + this.bases.at(seq);
  }

  /** The row of the kept record at Lamport time `lamport` (a binary search: times grow with sequence numbers), or -1. */
  rowAtLamport(lamport: number): number {
    let low = this.oldest;
    let high = this.written - 1;
    while (low <= high) {
      const mid = Math.floor((low + high) / 2);
      const at = this.lamportOf(mid);
      if (at === lamport) return this.rowOf(mid);
      if (at < lamport) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }

  /**
   * When each record from `from` on started, for a reader going through them in order:
   * a waited call's own start; any other's, its turn's. A turn's start is noted (turn),
   * except at a wake-up that records the call its process waited in: that record, whose
   * end is the turn's start, is the note (Process.resumed). So a record's turn began at
   * the later of the last note at or before it and the end of the last such record before
   * it. `startOf(seq, at)` for record `seq` at row `at`, in increasing `seq`.
   */
  startsFrom(from: number): (seq: number, at: number) => number {
    const rows = this.rows;
    const marksTurn = (who: number): boolean => (flagsOf(who) & (FLAG_SUSPENDED | FLAG_COMPONENT)) === FLAG_SUSPENDED && !SPAWN_INDEXES.has(callOf(who));
    const endAt = (at: number): number => rows[at + START]! + rows[at + DURATION]!;
    let markSeq = -1;
    let markEnd = 0;
    // The last such record before `from`, back to the note in force there: one pass of at most the ring.
    const back = Math.max(this.oldest, this.times.since(from));
    for (let seq = from - 1; seq >= back; seq--) {
      const at = this.rowOf(seq);
      if (marksTurn(rows[at + WHO]!)) {
        markSeq = seq;
        markEnd = endAt(at);
        break;
      }
    }
    return (seq, at) => {
      const who = rows[at + WHO]!;
      if (marksTurn(who)) {
        markSeq = seq;
        markEnd = endAt(at);
      }
      if (flagsOf(who) & FLAG_SUSPENDED) return rows[at + START]!;
      return markSeq >= this.times.since(seq) ? markEnd : this.times.at(seq);
    };
  }

  /**
   * The lowest Lamport time a record written from now on can have: a reader that merged
   * every node's records up to it has seen everything before it.
   */
  get horizon(): number {
    let low = this.clock.now + 1;
    const oldest = this.oldest;
    for (const seq of this.held) if (seq >= oldest) low = Math.min(low, this.lamportOf(seq));
    return low;
  }

  /** A guest's turn began at `time` (performance.now(), read for its CPU time): the start of its calls that do not wait (startsFrom). */
  turn(time: number): void {
    this.times.note(this.written, time);
  }

  /** The next record's row: the clock ticks and the ring moves on (recorder.ts takeSource generates the same into each entry). */
  take(): number {
    return HEAD + (this.rows[CLOCK_COUNT]!++ & this.mask) * ROW;
  }

  /** Record a call of `who` (whoOf) that returned `result` without waiting; its row, for the caller to add the arguments. */
  returned(who: number, result: number): number {
    const at = this.take();
    this.rows[at + WHO] = who;
    this.rows[at + RESULT] = result;
    return at;
  }

  /** Record a call of `who` that suspended at `t0` and returned `result` at `t1`; its row. */
  resumed(who: number, result: number, t0: number, t1: number): number {
    const at = this.take();
    this.fillWaited(at, who, result, t0, t1);
    return at;
  }

  private fillWaited(at: number, who: number, result: number, t0: number, t1: number): void {
    const rows = this.rows;
    rows[at + WHO] = who + FLAG_SUSPENDED * WHO_FLAG;
    rows[at + RESULT] = result;
    rows[at + START] = t0;
    rows[at + DURATION] = t1 - t0;
  }

  /** A spawn of `who` starts: its row is taken now, at its start's Lamport time, and holds the horizon there; its sequence number. */
  reserve(who: number): number {
    const seq = this.written;
    this.rows[this.take() + WHO] = who + FLAG_PENDING * WHO_FLAG;
    this.held.push(seq);
    return seq;
  }

  /**
   * The spawn reserved at `seq` returned `result` (waited from `t0` to `t1`, or at once
   * when t0 < 0): its row, or -1 when the ring has lapped it meanwhile (the late record is dropped).
   */
  settle(seq: number, result: number, t0 = -1, t1 = -1): number {
    this.release(seq);
    if (seq < this.oldest) return -1;
    const at = this.rowOf(seq);
    const who = this.rows[at + WHO]! - FLAG_PENDING * WHO_FLAG;
    if (t0 < 0) {
      this.rows[at + WHO] = who;
      this.rows[at + RESULT] = result;
    } else this.fillWaited(at, who, result, t0, t1);
    return at;
  }

  /** The spawn reserved at `seq` ended without a reply (its caller was killed, or it threw): no record. */
  drop(seq: number): void {
    this.release(seq);
    if (seq >= this.oldest) this.rows[this.rowOf(seq) + WHO] += (FLAG_NONE - FLAG_PENDING) * WHO_FLAG;
  }

  private release(seq: number): void {
    const at = this.held.indexOf(seq);
    if (at < 0) throw new Error(`journal: no spawn reserved at ${seq}`);
    this.held.splice(at, 1);
  }

  /**
   * Asserted as a record is read (the hot path asserts nothing): a whole count, a kept
   * record, a Lamport time in range, a known call and flags.
   */
  check(seq: number, at: number): void {
    const written = this.written;
    if (!Number.isSafeInteger(written)) throw new Error(`journal: ${written} records written`);
    if (!(seq >= this.oldest && seq < written && at === this.rowOf(seq))) throw new Error(`journal: record ${seq} at row ${at} is not kept (${this.oldest}..${written})`);
    const lamport = this.lamportOf(seq);
    if (!(lamport >= 1 && lamport <= this.clock.now)) throw new Error(`journal: a record at Lamport time ${lamport}, the clock at ${this.clock.now}`);
    const who = this.rows[at + WHO]!;
    const flags = flagsOf(who);
    if (SYSCALLS[callOf(who)] === undefined) throw new Error(`journal: record ${seq} of unknown call ${callOf(who)}`);
    const reserved = flags & (FLAG_PENDING | FLAG_NONE);
    if (reserved !== 0 && (!SPAWN_INDEXES.has(callOf(who)) || reserved === (FLAG_PENDING | FLAG_NONE) || (flags & FLAG_PENDING) !== 0 !== this.held.includes(seq))) {
      throw new Error(`journal: record ${seq} has flags ${flags} (${this.held.includes(seq) ? "" : "not "}held)`);
    }
  }
}
