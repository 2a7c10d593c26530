import { findSyscall, MODULE_WASI, type Syscall, type SyscallName } from "../../../abi/abi.ts";
import { ProcessEnd, ProcessWarning, SysError } from "../errors.ts";
import { after } from "../file-service.ts";
import { SAMPLE_EVERY, syscallIndex } from "../kernel-stats.ts";
import type { Journal } from "../journal/journal.ts";
import { JOURNAL_SCOPE, journaledSource, wokenSource } from "../journal/recorder.ts";
import type { Process } from "../process.ts";
import { fileCalls } from "./sysfile.ts";
import { lockCalls } from "./syslock.ts";
import { messageCalls } from "./sysmsg.ts";
import { processCalls } from "./sysproc.ts";
import { registryCalls } from "./sysregistry.ts";
import { wasiCalls } from "./wasi.ts";
import { wasiFdCalls } from "./wasi-fd.ts";
import { wasiPathCalls } from "./wasi-path.ts";
import { wasiPollCalls } from "./wasi-poll.ts";
import { recordCalls } from "../replay/record-call.ts";

/** Handler arguments from an ABI parameter list: i64 arrives as bigint, the rest as number. */
type ArgsOf<P> = P extends readonly [infer H, ...infer T] ? [H extends { kind: "i64" } ? bigint : number, ...ArgsOf<T>] : [];
export type Handler<S extends Syscall> = (proc: Process, ...args: ArgsOf<S["params"]>) => number | Promise<number>;
export type HandlerTable = { [S in Syscall as S["name"]]: Handler<S> };

/** The dispatch table: one handler per ABI call, checked against abi/abi.ts by the compiler. */
export const HANDLERS: HandlerTable = {
  ...processCalls,
  ...messageCalls,
  ...fileCalls,
  ...lockCalls,
  ...registryCalls,
  ...wasiCalls,
  ...wasiFdCalls,
  ...wasiPathCalls,
  ...wasiPollCalls,
  ...recordCalls,
};

/** One record per call when tracing is on. */
export interface TraceEvent {
  readonly pid: number;
  readonly call: SyscallName;
  readonly args: readonly (number | bigint)[];
  readonly result: number;
  readonly startNs: bigint;
  readonly durationNs: number;
}
export type Tracer = (event: TraceEvent) => void;

/** The errno a call failed with; an end-of-process unwinds the guest; a host bug is EIO. */
export function sysErrorOf(def: Syscall, proc: Process, error: unknown): SysError {
  if (error instanceof ProcessEnd) throw error;
  if (error instanceof SysError) return error;
  process.emitWarning(new ProcessWarning(proc.pid, `onebox: ${def.name} from pid ${proc.pid} failed in the host: ${(error as Error)?.stack ?? error}`));
  return new SysError("EIO", "host error");
}

/** Errors become return values: a negated errno, or WASI's positive one. */
function errorResult(def: Syscall, proc: Process, error: unknown): number {
  const errno = sysErrorOf(def, proc, error).errno;
  return def.module === MODULE_WASI ? errno : -errno;
}

type Arg = number | bigint;
type Result = number | Promise<number>;

/** A promise a handler returned: awaited under proc.block, so a kill can interrupt it. */
function settle(def: Syscall, proc: Process, result: Promise<number>): Promise<number> {
  return proc.block(result, (error) => errorResult(def, proc, error));
}

/**
 * The same call, timed and reported to the tracer; `code` says what a result of a
 * component call (a string, a record) reports as.
 */
export function traced<T>(tracer: Tracer, def: Syscall, proc: Process, args: Arg[], run: () => T | Promise<T>, code: (result: T) => number = Number): T | Promise<T> {
  const startNs = process.hrtime.bigint();
  return after(run(), (result) => {
    tracer({ pid: proc.pid, call: def.name, args, result: code(result), startNs, durationNs: Number(process.hrtime.bigint() - startNs) });
    return result;
  });
}

/** A timed call both the tracer and the metrics' sampler see. */
const bothOf = (a: Tracer, b: Tracer): Tracer => (event) => {
  a(event);
  b(event);
};

type Binder = (proc: Process, trace: () => Tracer | undefined, journal: Journal | undefined) => (...args: Arg[]) => Result;

/**
 * Entry code for one call, generated once per syscall from its ABI parameters (and per
 * journal ring size, `mask`, which the journal's code takes as a literal). V8's
 * Wasm -> JS call is fastest into a function of exactly the Wasm arity with no rest
 * parameter (a rest array is an allocation per call), and a call site that sees one
 * handler inlines it where code shared by every call stays megamorphic. A guest's getpid
 * went from 65 to 26 ns, which is what a stub `() => 5` import costs from a JSPI stack.
 */
function makeBinder(def: Syscall, mask: number): Binder {
  const params = def.params.map((p) => p.name).join(", ");
  const handlerArgs = ["proc", ...def.params.map((p) => p.name)].join(", ");
  const source = `"use strict";
  return (proc, trace, journal) => {
    const run = (${params}) => {
      proc.syscalls++;
      let result;
      try {
        result = handler(${handlerArgs});
      } catch (error) {
        return errorResult(def, proc, error);
      }
      return typeof result === "number" ? result : settle(def, proc, result);
    };
    // The node's metrics (kernel-stats.ts): a countdown per call, which also counts, and
    // one call in SAMPLE_EVERY timed.
    const stats = proc.kernel.stats;
    const countdown = stats.countdown;
    const entry = (${params}) => {
      const tracer = trace();
      if (--countdown[index] !== 0) return tracer === undefined ? run(${params}) : traced(tracer, def, proc, [${params}], () => run(${params}));
      countdown[index] = SAMPLE_EVERY;
      stats.rounds[index]++;
      const sampler = stats.sampler;
      const timer = sampler === undefined ? tracer : tracer === undefined ? sampler : bothOf(tracer, sampler);
      return timer === undefined ? run(${params}) : traced(timer, def, proc, [${params}], () => run(${params}));
    };
    // The node's journal (kernel/journal/), fixed for the node: journaled entries record every call.
    ${mask < 0 ? "return entry;" : journaledEntrySource(def, mask, params, handlerArgs)}
  };`;
  return new Function("def", "index", "handler", "errorResult", "settle", "traced", "SAMPLE_EVERY", "bothOf", ...Object.keys(JOURNAL_SCOPE), source)(def, syscallIndex(def.name), HANDLERS[def.name], errorResult, settle, traced, SAMPLE_EVERY, bothOf, ...Object.values(JOURNAL_SCOPE)) as Binder;
}

/**
 * The rest of makeBinder's code for a node with a journal of mask `mask`: the entry that
 * records each call (recorder.ts), and the one a timed call goes through; `params` and
 * `handlerArgs` are makeBinder's.
 */
function journaledEntrySource(def: Syscall, mask: number, params: string, handlerArgs: string): string {
  return `// var, not const: a const the inner functions read is checked for its temporal dead
    // zone at every read, which costs more than the journal's own stores.
    var { rows, ints, bytes, who, whoWaited } = journalClosure(journal, proc, def);
    ${def.blocking ? `// Its record when it returns after waiting, made by the wake-up (PendingCall).
    const woken = (pending, result) => {
      ${wokenSource(def, mask)}
    };` : ""}
    // A call the tracer or the sampler times: the journal around the entry above.
    const timedEntry = (${params}) => {
      let result;
      ${journaledSource(def, mask, `result = entry(${params});`)}
    };
    // Every other call: counting, journaling and the handler in one function, as nesting
    // the journal's wrapper around the metrics' and the handler's cost a call per layer.
    const journaledEntry = (${params}) => {
      // Read once: trace() is a call, after which the compiler would load it again.
      const left = countdown[index];
      if (left === 1 || trace() !== undefined) return timedEntry(${params});
      countdown[index] = left - 1;
      let result;
      ${journaledSource(def, mask, `proc.syscalls++;
      try {
        result = handler(${handlerArgs});
      } catch (error) {
        result = errorResult(def, proc, error);
      }
      if (typeof result !== "number") result = settle(def, proc, result);`)}
    };
    return journaledEntry;
`;
}

/** Binders by call and journal mask (-1 for none): a node's journal has one size, so few exist. */
const binders = new Map<`${SyscallName}/${number}`, Binder>();

/**
 * The one dispatch point every guest call passes. A non-blocking call runs synchronously;
 * a blocking one is a JSPI Suspending import, so only the calling guest waits.
 */
function bind(def: Syscall, proc: Process, trace: () => Tracer | undefined, journal: Journal | undefined): Function {
  const mask = journal?.mask ?? -1;
  let binder = binders.get(`${def.name}/${mask}`);
  if (!binder) binders.set(`${def.name}/${mask}`, (binder = makeBinder(def, mask)));
  const call = proc.calls ? proc.calls.wrap(def, proc, binder(proc, trace, journal)) : binder(proc, trace, journal);
  return def.blocking ? (new WebAssembly.Suspending(call) as unknown as Function) : call;
}

/** Import object for one process: only the calls its module imports, journaled into `journal` if there is one. */
export function importsFor(proc: Process, trace: () => Tracer | undefined, journal: Journal | undefined): WebAssembly.Imports {
  const imports: Record<string, Record<string, Function>> = {};
  for (const imp of proc.module.imports) {
    const def = findSyscall(imp.module, imp.name)!;
    (imports[imp.module] ??= {})[imp.name] = bind(def, proc, trace, journal);
  }
  return imports;
}
