import { SYSCALLS, type Syscall } from "../../../abi/abi.ts";
import type { Process } from "../process.ts";
import type { LamportClock } from "./lamport.ts";
import type { PendingCall } from "./pending-call.ts";

/** Records a node keeps by default (`--journal N`); at 200 bytes each (152 + a 48-byte prefix), 3.1 MiB. */
export const DEFAULT_JOURNAL_RECORDS = 16384;
/** The most records `--journal` may ask for: 200 MiB. */
export const MAX_JOURNAL_RECORDS = 1 << 20;
/** Arguments kept per record: the most any ABI call has. */
export const JOURNAL_ARGS = Math.max(...SYSCALLS.map((s) => s.params.length));
/** Bytes kept of a call's first buffer (a path, a name, a message): what the trace shows of it. */
export const JOURNAL_PREFIX = 48;

/** How often the journal reads the clock at most, while calls are being recorded. */
export const TIME_TICK_MS = 1;

/** A record's fields: offsets in its row of `Journal.rows`. */
export const COL = {
  lamport: 0,
  pid: 1,
  /** The call's index in SYSCALLS, plus FLAG_* << 16. */
  call: 2,
  result: 3,
  /** Journal.time() at its start. */
  start: 4,
  /** ms; only for a call that suspended (FLAG_SUSPENDED). */
  duration: 5,
  /** recv: the sender and the send's Lamport time of the message taken (its id). */
  peer: 6,
  peerLamport: 7,
  /** Bytes of its first buffer kept in `prefix` (calls with a buffer only). */
  prefixLen: 8,
  args: 9,
} as const;
const ROW = COL.args + JOURNAL_ARGS;

/** Set on a record whose arguments are not the ABI's (a component's call: strings and lists). */
export const FLAG_COMPONENT = 1;
/** Set on a record of a call that suspended: it has a duration. */
export const FLAG_SUSPENDED = 2;
export const FLAG_SHIFT = 65536;

const CALL_INDEX = new Map<string, number>(SYSCALLS.map((s, i) => [s.name, i]));
export const callIndexOf = (name: Syscall["name"]): number => CALL_INDEX.get(name)!;
const SPAWN = callIndexOf("spawn");
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
/** Per call: how many arguments it takes (a typed array: SYSCALLS' entries differ in shape, slow to read on a hot path). */
const ARGC = Uint8Array.from(SYSCALLS, (s) => s.params.length);
/** Per call: 1 when its result is how many bytes of its first buffer are data (FILLS_BUFFER). */
const FILLS = Uint8Array.from(SYSCALLS, (_, i) => (FILLS_BUFFER.has(i) ? 1 : 0));

/**
 * A node's journal: one record per syscall of any of its processes, in a ring of
 * `capacity` rows of one preallocated Float64Array, the oldest overwritten first.
 * Recording a call stores a handful of numbers and reads the clock at most once per
 * TIME_TICK_MS (time()); journal-reader.ts decodes
 * records when they are read. A record is written when its call returns, under the Lamport
 * time of its outcome: the tick at its return for a call that suspended, at its start
 * otherwise, and for spawn, whose child may run before its reply comes back, at its start.
 */
export class Journal {
  readonly capacity: number;
  readonly clock: LamportClock;
  /** Records ever written: the next record's sequence number. */
  written = 0;
  /** The row the next record goes to: `written` % capacity, kept without a division per record. */
  private nextRow = 0;
  /** rows.length, kept as a number: reading it from the array costs a map and a detach check per record. */
  private readonly end: number;
  readonly rows: Float64Array;
  readonly prefix: Uint8Array;
  /** `prefix` as a DataView, which GuestMemory.peek copies into four bytes at a time. */
  private readonly prefixView: DataView;
  /** performance.now() as time() last read it, and whether it is older than a tick. */
  private lastTime = 0;
  private stale = true;
  /** Marks the time stale every TIME_TICK_MS while records are being written; stops when none are. */
  private ticker: ReturnType<typeof setInterval> | undefined;
  private readonly expire = (): void => {
    if (this.stale) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
    this.stale = true;
  };
  /** Lamport start times of spawns not yet returned: their records will sit there. */
  private readonly held: number[] = [];

  constructor(capacity: number, clock: LamportClock) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_JOURNAL_RECORDS) {
      throw new RangeError(`journal size must be 1..${MAX_JOURNAL_RECORDS} records, got ${capacity}`);
    }
    this.capacity = capacity;
    this.clock = clock;
    this.rows = new Float64Array(capacity * ROW);
    this.end = this.rows.length;
    this.prefix = new Uint8Array(capacity * JOURNAL_PREFIX);
    this.prefixView = new DataView(this.prefix.buffer);
  }

  /** The oldest record still kept. */
  get oldest(): number {
    return Math.max(0, this.written - this.capacity);
  }

  /** Row offset of record `seq` in `rows`. */
  rowOf(seq: number): number {
    return (seq % this.capacity) * ROW;
  }

  /**
   * The lowest Lamport time a record written from now on can have: a reader that merged
   * every node's records up to it has seen everything before it.
   */
  get horizon(): number {
    let low = this.clock.now + 1;
    for (const held of this.held) if (held < low) low = held;
    return low;
  }

  /**
   * The time (performance.now()), read at most once per TIME_TICK_MS: a clock read costs
   * more than a call (150-200 ns on a VM whose clock has no vDSO; read at every wait it
   * made a local round trip 1.6 times slower), so records have a resolution of a tick
   * and a call that waited less than that may show a duration of 0.
   */
  time(): number {
    if (this.stale) {
      this.stale = false;
      this.lastTime = performance.now();
      if (this.ticker === undefined) {
        this.ticker = setInterval(this.expire, TIME_TICK_MS);
        this.ticker.unref();
      }
    }
    return this.lastTime;
  }

  /** A spawn started at Lamport time `l0`: hold the horizon there until it returns. */
  hold(l0: number): void {
    this.held.push(l0);
  }

  /** A held spawn returned, or ended without a record (its process was killed meanwhile). */
  release(l0: number): void {
    const at = this.held.indexOf(l0);
    if (at < 0) throw new Error(`journal: no spawn held at ${l0}`);
    this.held.splice(at, 1);
  }

  /** The next record's row; the ring moves on. */
  private take(): number {
    const at = this.nextRow;
    this.written++;
    this.nextRow = at + ROW === this.end ? 0 : at + ROW;
    return at;
  }

  /**
   * Record a call that returned `result` at once; its row, for the caller to add the
   * arguments (a spawn's caller also releases its hold: kept out of here, the hot path).
   */
  returned(pid: number, call: number, l0: number, result: number): number {
    const at = this.take();
    const rows = this.rows;
    rows[at] = l0;
    rows[at + 1] = pid;
    rows[at + 2] = call;
    rows[at + 3] = result;
    rows[at + 4] = this.time();
    return at;
  }

  /** Record a call that suspended at `t0` (Lamport `l0`) and returned `result` now; its row. */
  resumedWith(pid: number, call: number, l0: number, t0: number, result: number): number {
    const now = this.time();
    const at = this.take();
    let lamport = l0;
    if (call === SPAWN) this.release(l0);
    else lamport = this.clock.tick();
    const rows = this.rows;
    rows[at] = lamport;
    rows[at + 1] = pid;
    rows[at + 2] = call + FLAG_SUSPENDED * FLAG_SHIFT;
    rows[at + 3] = result;
    rows[at + 4] = t0;
    rows[at + 5] = now - t0;
    return at;
  }

  /** Where the record at row `at` keeps its buffer's first bytes in `prefix`. */
  prefixAt(at: number): number {
    return (at / ROW) * JOURNAL_PREFIX;
  }

  /** Keep the first bytes of the buffer a record's call named (or read into). */
  capture(proc: Process, at: number, ptr: number, len: number): void {
    this.rows[at + COL.prefixLen] = proc.memory.peek(ptr, Math.min(len >>> 0, JOURNAL_PREFIX), this.prefixView, this.prefixAt(at));
  }

  /** Record a call that waited and has now returned `result` (see PendingCall). */
  resumedCall(pending: PendingCall, result: number): void {
    const { proc, call } = pending;
    const at = this.resumedWith(proc.pid, call, pending.l0, pending.t0, result);
    const argc = ARGC[call]!;
    const rows = this.rows;
    const args = pending.args;
    for (let i = 0; i < argc; i++) rows[at + COL.args + i] = args[i]!;
    const buffer = BUFFER_ARG[call]!;
    if (buffer >= 0) this.capture(proc, at, args[buffer]!, FILLS[call] ? Math.min(args[buffer + 1]!, Math.max(result, 0)) : args[buffer + 1]!);
    if (call === RECV && result >= 0) this.took(proc, at);
  }

  /** A recv's record: the message it took. */
  took(proc: Process, at: number): void {
    this.rows[at + COL.peer] = proc.recvFrom;
    this.rows[at + COL.peerLamport] = proc.recvLamport;
  }

  /** A component's call: its arguments are WIT values, so only the call and result are kept. */
  component(at: number): void {
    this.rows[at + COL.call] += FLAG_COMPONENT * FLAG_SHIFT;
    this.rows[at + COL.prefixLen] = 0;
  }

  /** Asserted as a record is read: a Lamport time in range, a known call, the ring's cursor where its count says. */
  check(at: number): void {
    if (this.nextRow !== this.rowOf(this.written)) throw new Error(`journal: next row ${this.nextRow} after ${this.written} records of ${this.capacity}`);
    const lamport = this.rows[at]!;
    if (!(lamport >= 1 && lamport <= this.clock.now)) throw new Error(`journal: a record at Lamport time ${lamport}, the clock at ${this.clock.now}`);
    if (SYSCALLS[this.rows[at + COL.call]! % FLAG_SHIFT] === undefined) throw new Error(`journal: a record of unknown call ${this.rows[at + COL.call]}`);
  }
}
