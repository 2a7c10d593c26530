import { performance } from "node:perf_hooks";
import type { Syscall } from "../../../abi/abi.ts";
import type { Process } from "../process.ts";
import { BUFFER_ARG, callIndexOf, FILLS_BUFFER, FLAG_COMPONENT, FLAG_SUSPENDED, HEAD, LAYOUTS, SPAWN_CALLS, whoOf, type Journal } from "./journal.ts";
import { CLOCK_COUNT } from "./lamport.ts";
import { PendingCall } from "./pending-call.ts";
import { ARGS_DOUBLE, DURATION, JOURNAL_PREFIX, PEER, PEER_LAMPORT, PREFIX_IN_SEND, PREFIX_LEN, RESULT, ROW, START, WHO } from "./row-layout.ts";

/** Calls that can end their caller at once (ProcessEnd thrown through the entry): recorded before it unwinds. */
const ENDS_CALLER = new Set(["exit", "proc_exit", "proc_raise", "kill"]);

/**
 * The journaling body of one ABI call's entry, generated from its parameters into the
 * entry dispatch.ts generates (fixed arity, no rest array, no call between the guest's
 * import and the handler); `callSource` is the entry's code that calls the handler into
 * `result`, and the body sees `journal`, `rows`, `ints` and `bytes` (journal.rows, .ints, .prefix),
 * `who` (whoOf the process and this call, fixed for the entry), `proc`, `result`, the
 * parameters and JOURNAL_SCOPE's names.
 *
 * A call that cannot wait takes its row before the handler runs (so a send's message
 * carries its record's Lamport time): one increment of the clock's count, which is the
 * tick and the sequence number, whose low bits are the ring's row (Journal.take); after it,
 * `who`, the result and the arguments it has (getpid: none). Nothing else: the Lamport
 * time and the start are derived when the record is read (Journal). A call that can wait
 * takes its row when it returns, at once or at its wake-up (wokenSource), except a spawn (SPAWN_CALLS),
 * which reserves its row at its start. A call that ends its process (ENDS_CALLER, or any
 * other thrown ProcessEnd) is recorded before the end unwinds the guest.
 */
export function journaledSource(def: Syscall, mask: number, callSource: string): string {
  const take = takeSource(mask);
  const params = def.params.map((p) => p.name);
  const number = (i: number) => (def.params[i]!.kind === "i64" ? `Number(${params[i]})` : params[i]!);
  const record = (result: string) => `rows[at + ${WHO}] = who;
      rows[at + ${RESULT}] = ${result};`;
  if (!def.blocking) {
    return `
    ${take}
    try {
      ${callSource}
    } catch (error) {
      ${record("0")}
      throw error;
    }
    ${record("result")}
    ${argsSource(def, ...inRow, number)}
    ${fillSource(def, number)}
    return result;`;
  }
  const spawn = SPAWN_CALLS.has(def.name);
  const ends = ENDS_CALLER.has(def.name);
  const thrown = spawn ? "journal.drop(seq);" : ends ? "journal.returned(who, 0);" : "";
  return `
    ${spawn ? "const seq = journal.reserve(who);" : ""}
    ${thrown === "" ? callSource : `try {
      ${callSource}
    } catch (error) {
      ${thrown}
      throw error;
    }`}
    if (typeof result === "number") {
      ${spawn ? "const at = journal.settle(seq, result);\n      if (at < 0) return result;" : take}
      ${spawn ? "" : record("result")}
      ${argsSource(def, ...inRow, number)}
      ${fillSource(def, number)}
      return result;
    }
    const pending = proc.journaling ??= new PendingCall(journal, proc);
    ${argsSource(def, ...inPending, number)}
    pending.wait(woken, ${spawn ? "seq" : "-1"});
    return result;`;
}

/**
 * The body of `woken(pending, result)`, generated beside journaledSource's entry for a
 * call that can wait: its record, made when the call returns after waiting (PendingCall),
 * from the arguments the entry kept in `pending.args`, laid out as in a row, so they are
 * copied as the few doubles that hold them. It sits at the wake-up's Lamport
 * time, with the suspension's and the wake-up's clock reads as its start and duration;
 * a spawn's fills the row it reserved. It sees journaledSource's closure (JOURNAL_SCOPE,
 * journalClosure), and `whoWaited` (`who` with FLAG_SUSPENDED).
 */
export function wokenSource(def: Syscall, mask: number): string {
  const spawn = SPAWN_CALLS.has(def.name);
  const layout = LAYOUTS[callIndexOf(def.name)]!;
  const copied: string[] = [];
  for (let d = ARGS_DOUBLE; d < layout.argsEnd; d++) copied.push(`rows[at + ${d}] = args[${d}];`);
  return `
    const t0 = proc.suspendedAt;
    const t1 = proc.turnBegan;
    ${spawn ? `const at = journal.settle(pending.seq, result, t0, t1);
    if (at < 0) return;` : `${takeSource(mask)}
    rows[at + ${WHO}] = whoWaited;
    rows[at + ${RESULT}] = result;
    rows[at + ${START}] = t0;
    rows[at + ${DURATION}] = t1 - t0;`}
    const args = pending.args;
    const argInts = pending.ints;
    ${copied.join("\n    ")}
    ${fillSource(def, (i) => (layout.wide[i] ? `args[${layout.slots[i]}]` : `argInts[${layout.slots[i]}]`))}`;
}

/**
 * The clock's tick and the record's row: the count's increment, whose low bits are the
 * row (Journal.take). `mask` (Journal.mask) is a literal, so the compiler knows the row's
 * range and adds to it without overflow checks.
 */
function takeSource(mask: number): string {
  if (!(Number.isInteger(mask) && mask >= 0 && (mask & (mask + 1)) === 0)) throw new RangeError(`journal: ring mask ${mask}`);
  return `const at = ${HEAD} + (rows[${CLOCK_COUNT}]++ & ${mask}) * ${ROW};`;
}

/**
 * Code that stores `def`'s arguments (`arg(i)`: the i-th as a number) where its row's
 * layout puts them (row-layout.ts), into `doubles` and its int32 view `ints`: an i64 as
 * a double, the rest as int32s.
 */
function argsSource(def: Syscall, doubles: (slot: number) => string, ints: (slot: number) => string, arg: (i: number) => string): string {
  const layout = LAYOUTS[callIndexOf(def.name)]!;
  // `| 0` on an i32 (one already): the compiler stores it as the int32 it is, where a
  // plain number is converted to a double and truncated back for an Int32Array.
  return def.params.map((_, i) => (layout.wide[i] ? `${doubles(layout.slots[i]!)} = ${arg(i)};` : `${ints(layout.slots[i]!)} = ${arg(i)} | 0;`)).join("\n    ");
}

/** argsSource's places in the row at `at` of the ring, and in a waiting call's PendingCall. */
const inRow = [(slot: number) => `rows[at + ${slot}]`, (slot: number) => `ints[at * 2 + ${slot}]`] as const;
const inPending = [(slot: number) => `pending.args[${slot}]`, (slot: number) => `pending.ints[${slot}]`] as const;

/**
 * Code that completes the record of `def` at row `at` that returned `result`, after its
 * arguments (`arg(i)`: the i-th as a number): of a call with a buffer, its first bytes
 * (GuestMemory.peek), up to the bytes it read for a call that reads into its buffer; of
 * a recv, the message it took, whose first bytes are not copied again when its send's
 * record on this node has them (PREFIX_IN_SEND). The row's places are literals here:
 * the same constants imported into a method are loaded and checked at every use.
 * Comparisons, not Math.min, which ran as a builtin call, not inlined.
 */
function fillSource(def: Syscall, arg: (i: number) => string): string {
  const call = callIndexOf(def.name);
  const buffer = BUFFER_ARG[call]!;
  const prefix = buffer < 0 ? "" : prefixSource(call, arg(buffer), FILLS_BUFFER.has(call) ? `(result < 0 ? 0 : result < ${arg(buffer + 1)} ? result : ${arg(buffer + 1)})` : arg(buffer + 1));
  if (def.name !== "recv") return prefix;
  // A message a core guest sent on this node: its send's record has its first bytes.
  return `if (result >= 0 && proc.recvInJournal) {
      ints[at * 2 + ${PREFIX_LEN}] = ${PREFIX_IN_SEND};
    } else {
      ${prefix}
    }
    if (result >= 0) {
      ints[at * 2 + ${PEER}] = proc.recvFrom;
      rows[at + ${PEER_LAMPORT}] = proc.recvLamport;
    }`;
}

/** Code that copies the first of the `len` bytes at `ptr` into the prefix of call `call`'s row at `at`, and how many into its PREFIX_LEN. */
function prefixSource(call: number, ptr: string, len: string): string {
  return `const prefixSize = ${len} >>> 0;
    ints[at * 2 + ${PREFIX_LEN}] = proc.memory.peek(${ptr}, prefixSize < ${JOURNAL_PREFIX} ? prefixSize : ${JOURNAL_PREFIX}, bytes, rows, at * 8 + ${LAYOUTS[call]!.prefix});`;
}

/** The variables journaledSource's and wokenSource's code read from the entry's closure, for the process `proc` making call `def`. */
function journalClosure(journal: Journal, proc: Process, def: Syscall): { rows: Float64Array; ints: Int32Array; bytes: Uint8Array; who: number; whoWaited: number } {
  const call = callIndexOf(def.name);
  return { rows: journal.rows, ints: journal.ints, bytes: journal.prefix, who: whoOf(proc.pid, call), whoWaited: whoOf(proc.pid, call, FLAG_SUSPENDED) };
}

/** What journaledSource's code and the entry that holds it name besides their own variables. */
export const JOURNAL_SCOPE = { PendingCall, journalClosure } as const;

/**
 * A component's call, journaled: its arguments are WIT values (strings, lists), so the
 * record keeps the call and its result; `code` says what a result reports as. Its clock
 * is read here (the component path costs microseconds a call; the core path's does not).
 */
export function recordComponentCall<T>(journal: Journal, def: Syscall, proc: Process, run: () => T | Promise<T>, code: (result: T) => number): T | Promise<T> {
  const who = whoOf(proc.pid, callIndexOf(def.name), FLAG_COMPONENT);
  const spawn = SPAWN_CALLS.has(def.name);
  const seq = spawn ? journal.reserve(who) : -1;
  const t0 = performance.now();
  let result: T | Promise<T>;
  try {
    result = run();
  } catch (error) {
    if (spawn) journal.drop(seq);
    else journal.returned(who, 0);
    throw error;
  }
  if (!(result instanceof Promise)) {
    if (spawn) journal.settle(seq, code(result));
    else journal.returned(who, code(result));
    return result;
  }
  return result.then(
    (value) => {
      if (spawn) journal.settle(seq, code(value), t0, performance.now());
      else journal.resumed(who, code(value), t0, performance.now());
      return value;
    },
    (error: unknown) => {
      if (spawn) journal.drop(seq);
      throw error;
    },
  );
}
