import type { Syscall } from "../../../abi/abi.ts";

/**
 * Where a journal record's fields sit in its row. A row is two cache lines (ROW_BYTES),
 * seen as doubles (`Journal.rows`) and as int32s (`Journal.ints`): what every record has
 * first, then the call's own arguments and its buffer's prefix packed behind them, and
 * the fields only some calls have at the row's end. A record touches only the bytes its
 * call needs, most of them in one run from its row's start: written once per lap of a
 * ring larger than the core's cache, each line a record touches is a cache miss, which
 * cost the round trip more time than the journal's instructions did (docs/BENCHMARKS.md).
 */

/** A row's bytes: two 64-byte cache lines. */
export const ROW_BYTES = 128;
/** A row in doubles. */
export const ROW = ROW_BYTES / Float64Array.BYTES_PER_ELEMENT;
/** Bytes kept of a call's first buffer (a path, a name, a message): what the trace shows of it. */
export const JOURNAL_PREFIX = 48;

/** Doubles of a row: pid, call and flags in one number (whoOf), and the result (a component's can pass 2^31). */
export const WHO = 0;
export const RESULT = 1;
/** Int32s of a row: bytes of its first buffer kept in the prefix (calls with a buffer only), or PREFIX_IN_SEND. */
export const PREFIX_LEN = 4;
/**
 * PREFIX_LEN of a recv whose message's first bytes its send's record on this node keeps
 * (Message.inJournal): the reader finds them there by the message's id.
 */
export const PREFIX_IN_SEND = -1;
/** The int32 at which a call's arguments start. */
const ARGS_FROM = 5;
/** The double that holds a call's first argument: a waiting call's arguments are copied a double a step from it (PendingCall). */
export const ARGS_DOUBLE = Math.floor(ARGS_FROM / 2);

/** Doubles at a row's end, for a call that can wait: performance.now() at its suspension, and ms it waited (FLAG_SUSPENDED). */
export const START = ROW - 2;
export const DURATION = ROW - 1;
/** Before them, for a recv: the message it took, by its send's Lamport time (a double) and sender (an int32). */
export const PEER_LAMPORT = ROW - 3;
export const PEER = 2 * PEER_LAMPORT - 1;

/** Where one call's arguments and prefix sit in its row. */
export interface RowLayout {
  /** Per parameter: its int32 in the row, or for an i64 its double (`wide`), which keeps it as a number. */
  readonly slots: readonly number[];
  readonly wide: readonly boolean[];
  /** The double just past its last argument: its arguments are in doubles ARGS_DOUBLE..argsEnd - 1. */
  readonly argsEnd: number;
  /** The byte of the row where its first buffer's prefix starts (8-aligned, for GuestMemory.peek's whole-double copy), or -1. */
  readonly prefix: number;
}

/** The row's first byte that `def`'s arguments and prefix must stay below: its end fields'. */
const endOf = (def: Syscall): number => (def.name === "recv" ? PEER * 4 : def.blocking ? START * 8 : ROW_BYTES);

/** `def`'s layout, its buffer's pointer at argument `buffer` (-1: none); throws when it does not fit a row. */
export function layoutOf(def: Syscall, buffer: number): RowLayout {
  let int = ARGS_FROM;
  const slots: number[] = [];
  const wide: boolean[] = [];
  for (const param of def.params) {
    const isWide = param.kind === "i64";
    if (isWide) int += int & 1;
    slots.push(isWide ? int / 2 : int);
    wide.push(isWide);
    int += isWide ? 2 : 1;
  }
  const argsEnd = Math.ceil(int / 2);
  const prefix = buffer < 0 ? -1 : argsEnd * 8;
  const used = prefix < 0 ? argsEnd * 8 : prefix + JOURNAL_PREFIX;
  if (used > endOf(def)) throw new Error(`journal: ${def.name}'s ${used} bytes of arguments and prefix do not fit a ${ROW_BYTES}-byte row before byte ${endOf(def)}`);
  return { slots, wide, argsEnd, prefix };
}
