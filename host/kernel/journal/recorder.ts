import type { Syscall } from "../../../abi/abi.ts";
import type { Process } from "../process.ts";
import { BUFFER_ARG, callIndexOf, COL, FILLS_BUFFER, FLAG_COMPONENT, HEAD, NEXT_ROW, ROW, whoOf, type Journal } from "./journal.ts";
import { CLOCK_COUNT } from "./lamport.ts";
import { PendingCall } from "./pending-call.ts";

/** Calls that can end their caller at once (ProcessEnd thrown through the entry): recorded before it unwinds. */
const ENDS_CALLER = new Set(["exit", "proc_exit", "proc_raise", "kill"]);

/**
 * The journaling body of one ABI call's entry, generated from its parameters into the
 * entry dispatch.ts generates (fixed arity, no rest array, no call between the guest's
 * import and the handler); `callSource` is the entry's code that calls the handler into
 * `result`, and the body sees `journal`, `rows` (journal.rows), `end` (its length),
 * `who` (whoOf the process and this call, fixed for the entry), `proc`, `result`, the
 * parameters and JOURNAL_SCOPE's names.
 *
 * A call that cannot wait takes its row before the handler runs (so a send's message
 * carries its record's Lamport time): one increment of the clock's count, which is the
 * tick and the sequence number, and one of the ring's cursor, both in `rows`; after it,
 * `who`, the result and the arguments it has (getpid: none). Nothing else: the Lamport
 * time and the start are derived when the record is read (Journal). A call that can wait
 * takes its row when it returns, at once or at its wake-up (PendingCall), except spawn,
 * which reserves its row at its start. A call that ends its process (ENDS_CALLER, or any
 * other thrown ProcessEnd) is recorded before the end unwinds the guest.
 */
export function journaledSource(def: Syscall, callSource: string): string {
  const params = def.params.map((p) => p.name);
  const call = callIndexOf(def.name);
  const buffer = BUFFER_ARG[call]!;
  const number = (i: number) => (def.params[i]!.kind === "i64" ? `Number(${params[i]})` : params[i]!);
  const fill = (result: string) => [
    ...params.map((_, i) => `rows[at + ${COL.args + i}] = ${number(i)};`),
    buffer < 0 ? "" : `journal.capture(proc, at, ${params[buffer]}, ${FILLS_BUFFER.has(call) ? `Math.min(${params[buffer + 1]}, ${result} < 0 ? 0 : ${result})` : params[buffer + 1]});`,
    def.name === "recv" ? `if (${result} >= 0) journal.took(proc, at);` : "",
  ].join("\n      ");
  const take = `rows[${CLOCK_COUNT}]++;
    const at = rows[${NEXT_ROW}] | 0;
    rows[${NEXT_ROW}] = at + ${ROW} === end ? ${HEAD} : at + ${ROW};`;
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
    ${fill("result")}
    return result;`;
  }
  const spawn = def.name === "spawn";
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
      ${fill("result")}
      return result;
    }
    const pending = proc.journaling ??= new PendingCall(journal, proc);
    ${params.map((_, i) => `pending.args[${i}] = ${number(i)};`).join("\n    ")}
    pending.wait(${call}, ${spawn ? "seq" : "-1"});
    return result;`;
}

/** The variables journaledSource's code reads from the entry's closure, for the process `proc` making call `def`. */
function journalClosure(journal: Journal, proc: Process, def: Syscall): { rows: Float64Array; end: number; who: number } {
  return { rows: journal.rows, end: journal.end, who: whoOf(proc.pid, callIndexOf(def.name)) };
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
  const spawn = def.name === "spawn";
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
