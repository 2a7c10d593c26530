import { EXIT_REASONS, type Syscall } from "../../../abi/abi.ts";
import { exitInfo, ProcessEnd, SysError, type ExitInfo } from "../errors.ts";
import { after } from "../file-service.ts";
import type { Process } from "../process.ts";
import type { WitCallName } from "../../../abi/wit.ts";
import { Failed } from "../syscalls/component-calls.ts";
import type { CallHook, ComponentCall, GuestCall } from "./call-hook.ts";
import { decodeValues, encodeValues, type Arg, type Record, type RecordedCall, type RecordedComponentCall } from "./record-format.ts";

export interface ReplayOptions {
  /** Told each call as it is replayed (`onebox replay --print`). */
  readonly print?: (line: string) => void;
  /** Stop before call N (1-based) runs, after `atStop` saw the process there. */
  readonly stopAt?: number;
  readonly atStop?: (proc: Process, call: number) => void;
}

/** How a replay ended, besides the process's own exit. */
export type ReplayOutcome =
  | { readonly kind: "diverged"; readonly call: number; readonly text: string }
  | { readonly kind: "stopped"; readonly call: number }
  | { readonly kind: "record-ends"; readonly call: number; readonly text: string };

/** What a recorded component call gave: its value, or its failure as component-calls.ts carries it. */
function outcomeOf(entry: RecordedComponentCall): unknown {
  const outcome = entry.outcome!;
  return "errno" in outcome ? new Failed(new SysError(outcome.errno, "as recorded")) : outcome.value;
}

/** `name(a, b, c)`, the way --print and a divergence show a call. */
export const callText = (def: Syscall, args: readonly Arg[]): string => `${def.name}(${args.map(String).join(", ")})`;

/** A component call's value, shortly: strings quoted and cut, byte lists by length. */
function valueText(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (value instanceof Int32Array) return `[${[...value].join(", ")}]`;
  if (Array.isArray(value)) return `[${value.map(valueText).join(", ")}]`;
  if (value !== null && typeof value === "object") return `{${Object.entries(value).map(([k, v]) => `${k}: ${valueText(v)}`).join(", ")}}`;
  return String(value);
}

const componentText = (name: WitCallName, args: readonly unknown[]): string => `${name}(${args.map(valueText).join(", ")})`;

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i]);

/** The writes to stdout and stderr: replay performs these for real, so output is reproduced. */
const isOutput = (def: Syscall, args: readonly Arg[]): boolean => def.name === "fd_write" && (args[0] === 1 || args[0] === 2);

function sameArgs(recorded: readonly Arg[], args: readonly Arg[]): boolean {
  if (recorded.length !== args.length) return false;
  // An i64 argument arrives as a bigint and is recorded as one; an i32 as a number.
  return recorded.every((arg, i) => BigInt(arg) === BigInt(args[i]!));
}

/**
 * Runs a process against its record: every import checks the guest's call and arguments
 * against the recorded ones, applies the recorded memory writes and returns the recorded
 * result, so the guest sees what it saw then, with no cluster, peers or clocks. Output
 * to fd 1 and 2 is written for real. The first call that differs ends the process and is
 * kept in `outcome`.
 */
export class Replayer implements CallHook {
  /** Calls replayed so far. */
  replayed = 0;
  outcome: ReplayOutcome | undefined;

  private readonly record: Record;
  private readonly options: ReplayOptions;
  /** The instance's exports, for a dump of its globals. */
  exports: WebAssembly.Exports | undefined;

  constructor(record: Record, options: ReplayOptions = {}) {
    this.record = record;
    this.options = options;
  }

  instantiated(_proc: Process, exports: WebAssembly.Exports): void {
    this.exports = exports;
  }

  wrap(def: Syscall, proc: Process, call: GuestCall): GuestCall {
    return (...args: Arg[]) => this.replay(def, proc, call, args);
  }

  private replay(def: Syscall, proc: Process, call: GuestCall, args: Arg[]): number | Promise<number> {
    const number = this.replayed + 1;
    const entry = this.record.calls[this.replayed];
    if (!entry) return this.endAt(number, this.recordEnds(number, callText(def, args)));
    if (entry.def !== def || !sameArgs(entry.args, args)) {
      return this.endAt(number, { kind: "diverged", call: number, text: `recorded ${callText(entry.def, entry.args)}, replay made ${callText(def, args)}` });
    }
    if (number === this.options.stopAt) {
      this.options.atStop?.(proc, number);
      return this.endAt(number, { kind: "stopped", call: number });
    }
    this.replayed = number;
    this.options.print?.(`#${number} ${callText(def, args)} = ${entry.result ?? "(the process ended in this call)"}`);
    if (entry.result === undefined) {
      // exit and proc_exit end the process themselves, with the guest's status.
      if (def.returns === "never") return call(...args);
      throw new ProcessEnd(this.recordedEnd());
    }
    const result = entry.result;
    if (isOutput(def, args)) return after(call(...args), () => this.apply(proc, number, entry, result));
    return this.apply(proc, number, entry, result);
  }

  wrapComponent(name: WitCallName, proc: Process, call: ComponentCall): ComponentCall {
    return (args) => this.replayComponent(name, proc, call, args);
  }

  private replayComponent(name: WitCallName, proc: Process, call: ComponentCall, args: unknown[]): unknown {
    const number = this.replayed + 1;
    const entry = this.record.componentCalls[this.replayed];
    if (!entry) return this.endAt(number, this.recordEnds(number, componentText(name, args)));
    if (entry.name !== name || !sameBytes(entry.args, encodeValues(args))) {
      return this.endAt(number, { kind: "diverged", call: number, text: `recorded ${componentText(entry.name, decodeValues(entry.args))}, replay made ${componentText(name, args)}` });
    }
    if (number === this.options.stopAt) {
      this.options.atStop?.(proc, number);
      return this.endAt(number, { kind: "stopped", call: number });
    }
    this.replayed = number;
    const outcome = entry.outcome;
    this.options.print?.(`#${number} ${componentText(name, args)} = ${outcome === undefined ? "(the process ended in this call)" : "errno" in outcome ? outcome.errno : valueText(outcome.value)}`);
    if (outcome === undefined) {
      if (name === "exit") return call(args);
      throw new ProcessEnd(this.recordedEnd());
    }
    if (name === "write-output" && (args[0] === 1 || args[0] === 2)) return after(call(args), () => outcomeOf(entry));
    return outcomeOf(entry);
  }

  private apply(proc: Process, number: number, entry: RecordedCall, result: number): number {
    for (const write of entry.writes) {
      try {
        proc.memory.write(write.address, write.bytes);
      } catch (error) {
        if (!(error instanceof SysError)) throw error;
        this.endAt(number, { kind: "diverged", call: number, text: `recorded a write at [${write.address}, +${write.bytes.byteLength}) outside the replay's ${proc.memory.byteLength}-byte memory` });
      }
    }
    return result;
  }

  private recordEnds(number: number, made: string): ReplayOutcome {
    const { end, cutAt } = this.record;
    const calls = { length: this.record.calls.length + this.record.componentCalls.length };
    if (cutAt !== undefined) return { kind: "record-ends", call: number, text: `the record was cut at its limit of ${cutAt} bytes after call ${calls.length}; replay made ${made}` };
    if (end) return { kind: "diverged", call: number, text: `the recorded process ended (${end.reason.toLowerCase()}) after call ${calls.length}, replay made ${made}` };
    return { kind: "record-ends", call: number, text: `the record stops after call ${calls.length} (its process did not finish: the file was cut short); replay made ${made}` };
  }

  private recordedEnd(): ExitInfo {
    const end = this.record.end;
    if (!end) return exitInfo("ERROR", "the record has no end");
    if (!Object.hasOwn(EXIT_REASONS, end.reason)) return exitInfo("ERROR", `the record ends with an unknown reason ${end.reason.slice(0, 64)}`);
    return { reason: end.reason as ExitInfo["reason"], status: end.status, text: end.text };
  }

  /** End the replay here: the process is unwound, and the reason kept. */
  private endAt(number: number, outcome: ReplayOutcome): never {
    this.outcome ??= outcome;
    throw new ProcessEnd(exitInfo(outcome.kind === "stopped" ? "KILLED" : "ERROR", `replay ${outcome.kind} at call ${number}`));
  }
}
