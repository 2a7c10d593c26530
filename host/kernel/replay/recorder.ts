import { after } from "../file-service.ts";
import type { ExitInfo } from "../errors.ts";
import type { Process } from "../process.ts";
import type { Syscall } from "../../../abi/abi.ts";
import type { WitCallName } from "../../../abi/wit.ts";
import { Failed } from "../syscalls/component-calls.ts";
import type { CallHook, ComponentCall, GuestCall } from "./call-hook.ts";
import {
  ByteSink, CUT_ENTRY_BYTES, encodeValues, MAX_RECORD_BYTES, writeCallResult, writeCallStart, writeComponentCall, writeCut, writeEnd, writeHeader,
  type Arg, type MemoryWrite, type RecordHeader,
} from "./record-format.ts";
import { invariant } from "../invariant.ts";

/** Default byte limit of one record (`--record-limit`): the calls past it are not kept. */
export const DEFAULT_RECORD_LIMIT = 64 * 1024 * 1024;

/**
 * Records one process at its import boundary: each call's name, arguments and result,
 * and the final bytes of every range the host wrote into its memory during the call
 * (GuestMemory.onWrite). Fuel yields and scheduling are not calls, so they leave no trace.
 */
export class Recorder implements CallHook {
  private readonly sink = new ByteSink();
  /** The call the guest is in, if any, and its arguments. */
  private open: Syscall | undefined;
  /** The same for a component guest: its call and encoded arguments. */
  private openComponent: { readonly name: WitCallName; readonly args: Uint8Array } | undefined;
  private openArgs: readonly Arg[] = [];
  /** Ranges the host wrote or handed out during the open call: start, length, start, length... */
  private readonly ranges: number[] = [];
  private readonly noteWrite = (start: number, length: number): void => {
    if (length > 0 && this.open) this.ranges.push(start, length);
  };
  /** Set once the record has its last entry (the end, or the cut at the limit). */
  private closed = false;
  readonly limit: number;

  constructor(header: RecordHeader, limit: number) {
    this.limit = limit;
    if (!Number.isInteger(limit) || limit <= 0 || limit > MAX_RECORD_BYTES) throw new RangeError(`a record's limit must be 1..${MAX_RECORD_BYTES} bytes, got ${limit}`);
    writeHeader(this.sink, header);
    if (this.sink.length + CUT_ENTRY_BYTES > limit) throw new RangeError(`the module alone (${this.sink.length} bytes with the header) is over the record limit of ${limit} bytes`);
  }

  wrap(def: Syscall, proc: Process, call: GuestCall): GuestCall {
    const returned = (result: number): number => this.returned(proc, result);
    return (...args: Arg[]) => {
      if (this.closed) return call(...args);
      this.begin(def, proc, args);
      return after(call(...args), returned);
    };
  }

  wrapComponent(name: WitCallName, proc: Process, call: ComponentCall): ComponentCall {
    return (args) => {
      if (this.closed) return call(args);
      invariant(!this.openComponent, () => `recording pid ${proc.pid}: ${name} started while ${this.openComponent!.name} is open`);
      const open = { name, args: encodeValues(args) };
      this.openComponent = open;
      return after(call(args), (result) => {
        this.openComponent = undefined;
        if (this.closed) return result;
        this.append(() => writeComponentCall(this.sink, name, open.args, result instanceof Failed ? { errno: result.error.errnoName } : { value: result }));
        return result;
      });
    };
  }

  private begin(def: Syscall, proc: Process, args: Arg[]): void {
    // A guest has one stack: a call starts only after the one before returned.
    invariant(!this.open, () => `recording pid ${proc.pid}: ${def.name} started while ${this.open!.name} is open`);
    this.open = def;
    this.openArgs = args;
    this.ranges.length = 0;
    proc.memory.onWrite = this.noteWrite;
  }

  private returned(proc: Process, result: number): number {
    const def = this.open;
    invariant(def, () => `recording pid ${proc.pid}: a call returned with none open`);
    this.open = undefined;
    if (this.closed) return result;
    this.append(() => {
      writeCallStart(this.sink, def, this.openArgs, true);
      writeCallResult(this.sink, result, writesOf(proc, this.ranges));
    });
    return result;
  }

  /** Add one call's entry, or the cut instead if it would pass the limit. */
  private append(write: () => void): void {
    const before = this.sink.length;
    write();
    if (this.sink.length + CUT_ENTRY_BYTES > this.limit) {
      this.sink.truncate(before);
      writeCut(this.sink, this.limit);
      this.closed = true;
    }
  }

  /** The process ended (inside a call, if one is open): the record's last entry. */
  ended(info: ExitInfo): void {
    if (this.closed) return;
    this.closed = true;
    if (this.open) writeCallStart(this.sink, this.open, this.openArgs, false);
    if (this.openComponent) writeComponentCall(this.sink, this.openComponent.name, this.openComponent.args, undefined);
    this.open = undefined;
    this.openComponent = undefined;
    writeEnd(this.sink, { reason: info.reason, status: info.status, text: info.text });
  }

  /** The record so far (a whole one once `ended` ran). */
  contents(): Uint8Array {
    return this.sink.contents();
  }
}

/** Each range's bytes as they are now, at the call's return; a range seen twice is kept once. */
function writesOf(proc: Process, ranges: readonly number[]): MemoryWrite[] {
  const writes: MemoryWrite[] = [];
  if (ranges.length === 0) return writes;
  const seen = new Set<string>();
  for (let i = 0; i < ranges.length; i += 2) {
    const key = `${ranges[i]}+${ranges[i + 1]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    writes.push({ address: ranges[i]!, bytes: proc.memory.copy(ranges[i]!, ranges[i + 1]!) });
  }
  return writes;
}
