import type { Syscall } from "../../../abi/abi.ts";
import type { Process } from "../process.ts";
import { callIndexOf, JOURNAL_ARGS, type Journal } from "./journal.ts";

type Arg = number | bigint;
type Result = number | Promise<number>;
/** Runs one call of `proc` and journals it; `run` is the call itself, with the same arguments. */
export type Recorder = (journal: Journal, proc: Process, run: (...args: Arg[]) => Result, ...args: Arg[]) => Result;

/**
 * The journaling wrapper of one ABI call, generated from its parameters as dispatch.ts
 * generates the call's entry (fixed arity, no rest array, i64 arguments as numbers), so
 * a journaled call allocates only what its suspension does. A call that ends its process
 * (exit) is recorded before the end unwinds the guest.
 */
export function recorderFor(def: Syscall): Recorder {
  const params = def.params.map((p) => p.name);
  const numbers = Array.from({ length: JOURNAL_ARGS }, (_, i) => (i >= params.length ? "0" : def.params[i]!.kind === "i64" ? `Number(${params[i]})` : params[i]));
  const list = params.join(", ");
  const call = callIndexOf(def.name);
  const spawn = def.name === "spawn";
  const source = `"use strict";
  return (journal, proc, run${list ? ", " + list : ""}) => {
    const t0 = performance.now();
    const l0 = journal.clock.tick();
    ${spawn ? "journal.hold(l0);" : ""}
    let result;
    try {
      result = run(${list});
    } catch (error) {
      journal.record(proc, ${call}, t0, l0, false, 0, ${numbers.join(", ")});
      throw error;
    }
    if (typeof result === "number") {
      journal.record(proc, ${call}, t0, l0, false, result, ${numbers.join(", ")});
      return result;
    }
    return result.then(
      (value) => {
        journal.record(proc, ${call}, t0, l0, true, value, ${numbers.join(", ")});
        return value;
      },
      (error) => {
        ${spawn ? "journal.release(l0);" : ""}
        throw error;
      },
    );
  };`;
  return new Function(source)() as Recorder;
}

/**
 * A component's call, journaled: its arguments are WIT values (strings, lists), so the
 * record keeps the call and its result; `code` says what a result reports as.
 */
export function recordComponentCall<T>(journal: Journal, def: Syscall, proc: Process, run: () => T | Promise<T>, code: (result: T) => number): T | Promise<T> {
  const t0 = performance.now();
  const l0 = journal.clock.tick();
  const call = callIndexOf(def.name);
  const spawn = def.name === "spawn";
  if (spawn) journal.hold(l0);
  let result: T | Promise<T>;
  try {
    result = run();
  } catch (error) {
    journal.recordComponent(proc, call, t0, l0, false, 0);
    throw error;
  }
  if (!(result instanceof Promise)) {
    journal.recordComponent(proc, call, t0, l0, false, code(result));
    return result;
  }
  return result.then(
    (value) => {
      journal.recordComponent(proc, call, t0, l0, true, code(value));
      return value;
    },
    (error: unknown) => {
      if (spawn) journal.release(l0);
      throw error;
    },
  );
}
