import type { Syscall } from "../../../abi/abi.ts";
import type { Process } from "../process.ts";
import { BUFFER_ARG, callIndexOf, COL, FILLS_BUFFER, type Journal } from "./journal.ts";
import { PendingCall } from "./pending-call.ts";


/** Calls that can end their caller at once (ProcessEnd thrown through the entry): recorded before it unwinds. */
const ENDS_CALLER = new Set(["exit", "proc_exit", "proc_raise", "kill"]);

/**
 * The journaling body of one ABI call's entry, generated from its parameters into the
 * entry dispatch.ts generates (fixed arity, no rest array, no call between the guest's
 * import and the handler); `callSource` is the entry's code that calls the handler into
 * `result`, and the body sees `journal`, `proc`, `result`, the parameters and
 * JOURNAL_SCOPE's names. A call ticks the Lamport clock and stores its numbers, with
 * no allocation and at most one clock read per millisecond (Journal.time); one that
 * waits is recorded by its wake-up (PendingCall), with no promise of its own. A call that
 * ends its process (exit, ENDS_CALLER) is recorded before the end unwinds the guest.
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
  const blocking = def.blocking;
  const spawn = def.name === "spawn";
  const ends = ENDS_CALLER.has(def.name);
  return `
    const l0 = journal.clock.tick();
    ${blocking ? "const t0 = journal.time();" : ""}
    ${spawn ? "journal.hold(l0);" : ""}
    ${ends ? `try {
      ${callSource}
    } catch (error) {
      journal.returned(proc.pid, ${call}, l0, 0);
      throw error;
    }` : callSource}
    if (typeof result === "number") {
      ${spawn ? "journal.release(l0);" : ""}
      const at = journal.returned(proc.pid, ${call}, l0, result);
      const rows = journal.rows;
      ${fill("result")}
      return result;
    }
    const pending = proc.journaling ??= new PendingCall(journal, proc);
    ${params.map((_, i) => `pending.args[${i}] = ${number(i)};`).join("\n    ")}
    pending.wait(${call}, l0, ${blocking ? "t0" : "journal.time()"});
    return result;`;
}

/** What journaledSource's code names besides its entry's own variables. */
export const JOURNAL_SCOPE = { PendingCall } as const;

/**
 * A component's call, journaled: its arguments are WIT values (strings, lists), so the
 * record keeps the call and its result; `code` says what a result reports as.
 */
export function recordComponentCall<T>(journal: Journal, def: Syscall, proc: Process, run: () => T | Promise<T>, code: (result: T) => number): T | Promise<T> {
  const l0 = journal.clock.tick();
  const t0 = journal.time();
  const call = callIndexOf(def.name);
  const spawn = def.name === "spawn";
  if (spawn) journal.hold(l0);
  let result: T | Promise<T>;
  try {
    result = run();
  } catch (error) {
    if (spawn) journal.release(l0);
    journal.component(journal.returned(proc.pid, call, l0, 0));
    throw error;
  }
  if (!(result instanceof Promise)) {
    if (spawn) journal.release(l0);
    journal.component(journal.returned(proc.pid, call, l0, code(result)));
    return result;
  }
  return result.then(
    (value) => {
      journal.component(journal.resumedWith(proc.pid, call, l0, t0, code(value)));
      return value;
    },
    (error: unknown) => {
      if (spawn) journal.release(l0);
      throw error;
    },
  );
}
