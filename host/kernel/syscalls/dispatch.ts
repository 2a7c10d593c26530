import { findSyscall, MODULE_WASI, type Syscall, type SyscallName } from "../../../abi/abi.ts";
import { ProcessEnd, SysError } from "../errors.ts";
import type { Process } from "../process.ts";
import { fileCalls } from "./sysfile.ts";
import { lockCalls } from "./syslock.ts";
import { messageCalls } from "./sysmsg.ts";
import { processCalls } from "./sysproc.ts";
import { registryCalls } from "./sysregistry.ts";
import { wasiCalls } from "./wasi.ts";

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

/** Errors become return values; an end-of-process unwinds the guest; a host bug is EIO. */
function errorResult(def: Syscall, proc: Process, error: unknown): number {
  if (error instanceof ProcessEnd) throw error;
  if (error instanceof SysError) return def.module === MODULE_WASI ? error.errno : -error.errno;
  process.emitWarning(`onebox: ${def.name} from pid ${proc.pid} failed in the host: ${(error as Error)?.stack ?? error}`);
  return def.module === MODULE_WASI ? 29 : -29;
}

type AnyHandler = (proc: Process, ...args: (number | bigint)[]) => number | Promise<number>;

/**
 * The one dispatch point every guest call passes. A non-blocking call runs synchronously;
 * a blocking one is a JSPI Suspending import, so only the calling guest waits.
 */
function bind(def: Syscall, proc: Process, trace: () => Tracer | undefined): Function {
  const handler = HANDLERS[def.name] as unknown as AnyHandler;
  const call = (...args: (number | bigint)[]): number | Promise<number> => {
    const tracer = trace();
    const startNs = tracer ? process.hrtime.bigint() : 0n;
    const done = (result: number): number => {
      if (tracer) tracer({ pid: proc.pid, call: def.name, args, result, startNs, durationNs: Number(process.hrtime.bigint() - startNs) });
      return result;
    };
    let result: number | Promise<number>;
    try {
      result = handler(proc, ...args);
    } catch (error) {
      return done(errorResult(def, proc, error));
    }
    if (typeof result === "number") return done(result);
    return proc.block(result).then(done, (error: unknown) => done(errorResult(def, proc, error)));
  };
  return def.blocking ? (new WebAssembly.Suspending(call) as unknown as Function) : call;
}

/** Import object for one process: only the calls its module imports. */
export function importsFor(proc: Process, trace: () => Tracer | undefined): WebAssembly.Imports {
  const imports: Record<string, Record<string, Function>> = {};
  for (const imp of proc.module.imports) {
    const def = findSyscall(imp.module, imp.name)!;
    (imports[imp.module] ??= {})[imp.name] = bind(def, proc, trace);
  }
  return imports;
}
