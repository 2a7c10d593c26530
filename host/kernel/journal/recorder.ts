import type { Syscall } from "../../../abi/abi.ts";
import type { Process } from "../process.ts";
import { BUFFER_ARG, callIndexOf, COL, FILLS_BUFFER, FLAG_COMPONENT, FLAG_SUSPENDED, HEAD, ROW, SPAWN_CALLS, whoOf, type Journal } from "./journal.ts";
import { CLOCK_COUNT } from "./lamport.ts";
import { PendingCall } from "./pending-call.ts";

/** Calls that can end their caller at once (ProcessEnd thrown through the entry): recorded before it unwinds. */
const ENDS_CALLER = new Set(["exit", "proc_exit", "proc_raise", "kill"]);

/**
 * The journaling body of one ABI call's entry, generated from its parameters into the
 * entry dispatch.ts generates (fixed arity, no rest array, no call between the guest's
 * import and the handler); `callSource` is the entry's code that calls the handler into
 * `result`, and the body sees `journal`, `rows` (journal.rows),
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
  const record = (result: string) => `rows[at + ${COL.who}] = who;
      rows[at + ${COL.result}] = ${result};`;
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
      ${fillSource(def, number)}
      return result;
    }
    const pending = proc.journaling ??= new PendingCall(journal, proc);
    ${params.map((_, i) => `pending.args[${i}] = ${number(i)};`).join("\n    ")}
    pending.wait(woken, ${spawn ? "seq" : "-1"});
    return result;`;
}

/**
 * The body of `woken(pending, result)`, generated beside journaledSource's entry for a
 * call that can wait: its record, made when the call returns after waiting (PendingCall),
 * from the arguments the entry kept in `pending.args`. It sits at the wake-up's Lamport
 * time, with the suspension's and the wake-up's clock reads as its start and duration;
 * a spawn's fills the row it reserved. It sees journaledSource's closure (JOURNAL_SCOPE,
 * journalClosure), and `whoWaited` (`who` with FLAG_SUSPENDED).
 */
export function wokenSource(def: Syscall, mask: number): string {
  const spawn = SPAWN_CALLS.has(def.name);
  return `
    const t0 = proc.suspendedAt;
    const t1 = proc.turnBegan;
    ${spawn ? `const at = journal.settle(pending.seq, result, t0, t1);
    if (at < 0) return;` : `${takeSource(mask)}
    rows[at + ${COL.who}] = whoWaited;
    rows[at + ${COL.result}] = result;
    rows[at + ${COL.start}] = t0;
    rows[at + ${COL.duration}] = t1 - t0;`}
    const args = pending.args;
    ${fillSource(def, (i) => `args[${i}]`)}`;
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
 * Code that keeps the arguments (`arg(i)`: the i-th as a number) of a record of `def` at
 * row `at` that returned `result`; of a call that reads into its buffer, the bytes it
 * read (comparisons, not Math.min, which ran as a builtin call: Journal.capture).
 */
function fillSource(def: Syscall, arg: (i: number) => string): string {
  const call = callIndexOf(def.name);
  const buffer = BUFFER_ARG[call]!;
  return [
    ...def.params.map((_, i) => `rows[at + ${COL.args + i}] = ${arg(i)};`),
    buffer < 0 ? "" : `journal.capture(proc, at, ${arg(buffer)}, ${FILLS_BUFFER.has(call) ? `(result < 0 ? 0 : result < ${arg(buffer + 1)} ? result : ${arg(buffer + 1)})` : arg(buffer + 1)});`,
    def.name === "recv" ? "if (result >= 0) journal.took(proc, at);" : "",
  ].join("\n    ");
}

/** The variables journaledSource's and wokenSource's code read from the entry's closure, for the process `proc` making call `def`. */
function journalClosure(journal: Journal, proc: Process, def: Syscall): { rows: Float64Array; who: number; whoWaited: number } {
  const call = callIndexOf(def.name);
  return { rows: journal.rows, who: whoOf(proc.pid, call), whoWaited: whoOf(proc.pid, call, FLAG_SUSPENDED) };
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
