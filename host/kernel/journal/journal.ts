import { SYSCALLS, type Syscall } from "../../../abi/abi.ts";
import type { Process } from "../process.ts";
import { LamportClock } from "./lamport.ts";

/** Records a node keeps by default (`--journal N`); at about 170 bytes each, 2.7 MiB. */
export const DEFAULT_JOURNAL_RECORDS = 16384;
/** The most records `--journal` may ask for: about 170 MiB. */
export const MAX_JOURNAL_RECORDS = 1 << 20;
/** Arguments kept per record: the most any ABI call has (spawn). */
export const JOURNAL_ARGS = 9;
if (SYSCALLS.some((s) => s.params.length > JOURNAL_ARGS)) throw new Error(`journal: a call has more than ${JOURNAL_ARGS} arguments`);
/** Bytes kept of a call's first buffer (a path, a name, a message): what the trace shows of it. */
export const JOURNAL_PREFIX = 48;

const CALL_INDEX = new Map<string, number>(SYSCALLS.map((s, i) => [s.name, i]));
export const callIndexOf = (name: Syscall["name"]): number => CALL_INDEX.get(name)!;
const SPAWN = callIndexOf("spawn");
const RECV = callIndexOf("recv");

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

/** Set on a record whose arguments are not the ABI's (a component's call: strings and lists). */
export const FLAG_COMPONENT = 1;

/**
 * A node's journal: one record per syscall of any of its processes, in a ring of
 * `capacity` records, the oldest overwritten first. Recording writes numbers into
 * preallocated typed arrays (and copies at most JOURNAL_PREFIX bytes of the call's first
 * buffer), so it allocates nothing; journal-reader.ts decodes records when they are read.
 * A record is written when its call returns, under the Lamport time of its outcome: the
 * tick at its return for a call that suspended, at its start otherwise, and for spawn,
 * whose child may run before its reply comes back, at its start.
 */
export class Journal {
  readonly capacity: number;
  readonly clock: LamportClock;
  /** Records ever written: the next record's sequence number. */
  written = 0;
  readonly pid: Int32Array;
  readonly call: Uint16Array;
  readonly flags: Uint8Array;
  readonly result: Float64Array;
  /** performance.now() at the call's start, and its duration, in ms. */
  readonly start: Float64Array;
  readonly duration: Float64Array;
  readonly lamport: Float64Array;
  readonly args: Float64Array;
  /** For recv: the sender and the send's Lamport time of the message taken (its id). */
  readonly peer: Int32Array;
  readonly peerLamport: Float64Array;
  readonly prefix: Uint8Array;
  readonly prefixLen: Uint8Array;
  /** Lamport start times of spawns not yet returned: their records will sit there. */
  private readonly held: number[] = [];

  constructor(capacity: number, clock: LamportClock) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_JOURNAL_RECORDS) {
      throw new RangeError(`journal size must be 1..${MAX_JOURNAL_RECORDS} records, got ${capacity}`);
    }
    this.capacity = capacity;
    this.clock = clock;
    this.pid = new Int32Array(capacity);
    this.call = new Uint16Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.result = new Float64Array(capacity);
    this.start = new Float64Array(capacity);
    this.duration = new Float64Array(capacity);
    this.lamport = new Float64Array(capacity);
    this.args = new Float64Array(capacity * JOURNAL_ARGS);
    this.peer = new Int32Array(capacity);
    this.peerLamport = new Float64Array(capacity);
    this.prefix = new Uint8Array(capacity * JOURNAL_PREFIX);
    this.prefixLen = new Uint8Array(capacity);
  }

  /** The oldest record still kept. */
  get oldest(): number {
    return Math.max(0, this.written - this.capacity);
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

  /** A spawn started at Lamport time `l0`: hold the horizon there until it returns. */
  hold(l0: number): void {
    this.held.push(l0);
  }

  /** A held spawn ended without a record (its process was killed meanwhile). */
  release(l0: number): void {
    const at = this.held.indexOf(l0);
    if (at < 0) throw new Error(`journal: no spawn held at ${l0}`);
    this.held.splice(at, 1);
  }

  /**
   * Record a call that returned `result`. `t0` and `l0` are its start's time and Lamport
   * tick; `suspended`: it returned asynchronously. a0..a8 are its arguments, as numbers.
   */
  record(proc: Process, call: number, t0: number, l0: number, suspended: boolean, result: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number, a6: number, a7: number, a8: number): void {
    const slot = this.begin(proc, call, t0, l0, suspended, result);
    const at = slot * JOURNAL_ARGS;
    const args = this.args;
    args[at] = a0;
    args[at + 1] = a1;
    args[at + 2] = a2;
    args[at + 3] = a3;
    args[at + 4] = a4;
    args[at + 5] = a5;
    args[at + 6] = a6;
    args[at + 7] = a7;
    args[at + 8] = a8;
    const buffer = BUFFER_ARG[call]!;
    this.prefixLen[slot] = buffer < 0 ? 0 : proc.memory.peek(args[at + buffer]!, Math.min(args[at + buffer + 1]!, JOURNAL_PREFIX), this.prefix, slot * JOURNAL_PREFIX);
  }

  /** A component's call: its arguments are WIT values, so only the call and result are kept. */
  recordComponent(proc: Process, call: number, t0: number, l0: number, suspended: boolean, result: number): void {
    const slot = this.begin(proc, call, t0, l0, suspended, result);
    this.flags[slot] = FLAG_COMPONENT;
    this.args.fill(0, slot * JOURNAL_ARGS, (slot + 1) * JOURNAL_ARGS);
    this.prefixLen[slot] = 0;
  }

  /** Write a record's common fields; its slot. */
  private begin(proc: Process, call: number, t0: number, l0: number, suspended: boolean, result: number): number {
    const seq = this.written++;
    const slot = seq % this.capacity;
    let lamport = l0;
    if (call === SPAWN) this.release(l0);
    else if (suspended) lamport = this.clock.tick();
    this.pid[slot] = proc.pid;
    this.call[slot] = call;
    this.flags[slot] = 0;
    this.result[slot] = result;
    this.start[slot] = t0;
    this.duration[slot] = performance.now() - t0;
    this.lamport[slot] = lamport;
    if (call === RECV && result >= 0) {
      this.peer[slot] = proc.recvFrom;
      this.peerLamport[slot] = proc.recvLamport;
    } else {
      this.peer[slot] = 0;
      this.peerLamport[slot] = 0;
    }
    if (!(lamport >= 1 && lamport <= this.clock.now)) throw new Error(`journal: record ${seq} at Lamport time ${lamport}, clock at ${this.clock.now}`);
    return slot;
  }
}
