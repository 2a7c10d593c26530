import { findSyscall, MODULE_ONEBOX, MODULE_WASI, type ErrnoName, ERRNO, type Syscall } from "../../../abi/abi.ts";
import { WIT_CALLS, type WitCallName } from "../../../abi/wit.ts";
import { readValue, writeValue } from "./value-codec.ts";
import { invariant } from "../invariant.ts";

/**
 * The record file (`onebox run --record`, the `record` call): everything a process got
 * from outside, so `onebox replay` can run it again alone. Little-endian throughout:
 *
 *   header   "OBXRECRD" (8 bytes), u32 version (1), 32 bytes sha256 of the module,
 *            u32 module length + the module's bytes (embedded: a record replays alone),
 *            u32 memory cap in pages, u32 argc + argc strings (u32 length + UTF-8)
 *   entries  u8 kind, then by kind:
 *            1 call    u8 module (0 onebox, 1 WASI), u8 name length + name, each argument as
 *                      its ABI kind says (i64: 8 bytes, else 4), i32 result,
 *                      u32 write count + each (u32 address, u32 length, the bytes written)
 *            2 open    the same call without result or writes: the process ended inside it
 *            3 end     u8 reason length + reason, i32 status, u32 text length + text
 *            4 cut     u32 the record's byte limit: recording stopped there
 *            5 component call  u8 name length + WIT name, u32 length + the arguments
 *                      (value-codec.ts), u8 0 + the result's value, or 1 + u8 length + errno
 *            6 component open  the same without the outcome
 *
 * A record ends with an end or a cut entry once its process ended; anything else after
 * the header was cut short (a node that died mid-run).
 */
const RECORD_MAGIC = "OBXRECRD";
const RECORD_VERSION = 1;
/** The biggest record `onebox replay` reads: a record's limit (--record-limit) is at most this. */
export const MAX_RECORD_BYTES = 1024 * 1024 * 1024;

const MAX_MEMORY_PAGES = 65536;
const KIND_CALL = 1;
const KIND_OPEN = 2;
const KIND_END = 3;
const KIND_CUT = 4;
const KIND_COMPONENT_CALL = 5;
const KIND_COMPONENT_OPEN = 6;
const MODULES = [MODULE_ONEBOX, MODULE_WASI] as const;

export type Arg = number | bigint;

/** A range the host wrote into the guest's memory during a call, with its final bytes. */
export interface MemoryWrite {
  readonly address: number;
  readonly bytes: Uint8Array;
}

export interface RecordedCall {
  readonly def: Syscall;
  readonly args: readonly Arg[];
  /** Absent when the process ended inside the call (exit, or killed while blocked). */
  readonly result?: number;
  readonly writes: readonly MemoryWrite[];
}

/** A component call: its WIT name, its arguments encoded (value-codec.ts), what it gave. */
export interface RecordedComponentCall {
  readonly name: WitCallName;
  readonly args: Uint8Array;
  /** Absent when the process ended inside the call. */
  readonly outcome?: { readonly value: unknown } | { readonly errno: ErrnoName };
}

export interface RecordedEnd {
  readonly reason: string;
  readonly status: number;
  readonly text: string;
}

export interface RecordHeader {
  readonly sha256: Uint8Array;
  readonly module: Uint8Array;
  readonly memoryPages: number;
  readonly argv: readonly string[];
}

export interface Record extends RecordHeader {
  /** A core module's calls; a component's are in componentCalls. */
  readonly calls: readonly RecordedCall[];
  readonly componentCalls: readonly RecordedComponentCall[];
  /** How the process ended; absent if the record stops before (cut, or the file cut short). */
  readonly end?: RecordedEnd;
  /** The byte limit recording stopped at, if it did. */
  readonly cutAt?: number;
}

/** A record that cannot be read: one line saying where and why. */
export class RecordFormatError extends Error {}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder("utf-8", { fatal: false });

/** Appends little-endian fields to a growing buffer. */
export class ByteSink {
  private buffer = new Uint8Array(4096);
  private view = new DataView(this.buffer.buffer);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buffer.byteLength) return;
    let size = this.buffer.byteLength * 2;
    while (size < this.length + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  u8(value: number): void {
    this.room(1);
    this.buffer[this.length++] = value;
  }

  u32(value: number): void {
    this.room(4);
    this.view.setUint32(this.length, value >>> 0, true);
    this.length += 4;
  }

  i32(value: number): void {
    this.room(4);
    this.view.setInt32(this.length, value | 0, true);
    this.length += 4;
  }

  i64(value: bigint): void {
    this.room(8);
    this.view.setBigInt64(this.length, BigInt.asIntN(64, value), true);
    this.length += 8;
  }

  bytes(data: Uint8Array): void {
    this.room(data.byteLength);
    this.buffer.set(data, this.length);
    this.length += data.byteLength;
  }

  /** u32 length + bytes. */
  blob(data: Uint8Array): void {
    this.u32(data.byteLength);
    this.bytes(data);
  }

  /** Drop everything from `length` on (an entry that did not fit). */
  truncate(length: number): void {
    invariant(length <= this.length, () => `record truncate to ${length} past its ${this.length} bytes`);
    this.length = length;
  }

  contents(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}

export function writeHeader(sink: ByteSink, header: RecordHeader): void {
  invariant(sink.length === 0, "a record's header comes first");
  sink.bytes(utf8.encode(RECORD_MAGIC));
  sink.u32(RECORD_VERSION);
  sink.bytes(header.sha256);
  sink.blob(header.module);
  sink.u32(header.memoryPages);
  sink.u32(header.argv.length);
  for (const arg of header.argv) sink.blob(utf8.encode(arg));
}

/** A call's kind byte, syscall and arguments: the part written when it starts. */
const names = new Map<Syscall, Uint8Array>();

export function writeCallStart(sink: ByteSink, def: Syscall, args: readonly Arg[], returned: boolean): void {
  sink.u8(returned ? KIND_CALL : KIND_OPEN);
  sink.u8(MODULES.indexOf(def.module));
  let name = names.get(def);
  if (name === undefined) names.set(def, (name = utf8.encode(def.name)));
  sink.u8(name.byteLength);
  sink.bytes(name);
  const params = def.params;
  for (let i = 0; i < params.length; i++) {
    const arg = args[i] ?? 0;
    if (params[i]!.kind === "i64") sink.i64(BigInt(arg));
    else sink.i32(Number(arg));
  }
}

export function writeCallResult(sink: ByteSink, result: number, writes: readonly MemoryWrite[]): void {
  sink.i32(result);
  sink.u32(writes.length);
  for (const write of writes) {
    sink.u32(write.address);
    sink.blob(write.bytes);
  }
}

/** The arguments of a component call as a record keeps and compares them. */
export function encodeValues(values: readonly unknown[]): Uint8Array {
  const sink = new ByteSink();
  writeValue(sink, values);
  return sink.contents().slice();
}

export function writeComponentCall(sink: ByteSink, name: WitCallName, args: Uint8Array, outcome: RecordedComponentCall["outcome"]): void {
  sink.u8(outcome ? KIND_COMPONENT_CALL : KIND_COMPONENT_OPEN);
  const encoded = utf8.encode(name);
  sink.u8(encoded.byteLength);
  sink.bytes(encoded);
  sink.blob(args);
  if (!outcome) return;
  if ("errno" in outcome) {
    sink.u8(1);
    const errno = utf8.encode(outcome.errno);
    sink.u8(errno.byteLength);
    sink.bytes(errno);
  } else {
    sink.u8(0);
    writeValue(sink, outcome.value);
  }
}

export function writeEnd(sink: ByteSink, end: RecordedEnd): void {
  sink.u8(KIND_END);
  const reason = utf8.encode(end.reason);
  sink.u8(reason.byteLength);
  sink.bytes(reason);
  sink.i32(end.status);
  sink.blob(utf8.encode(end.text));
}

/** What a cut entry takes: a record keeps room for it under its limit. */
export const CUT_ENTRY_BYTES = 5;

export function writeCut(sink: ByteSink, limit: number): void {
  sink.u8(KIND_CUT);
  sink.u32(limit);
}

/** Reads fields off a record, checking each length against what is left first. */
class ByteSource {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  pos = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get left(): number {
    return this.bytes.byteLength - this.pos;
  }

  fail(why: string): never {
    throw new RecordFormatError(`byte ${this.pos}: ${why}`);
  }

  private need(n: number, what: string): void {
    if (n > this.left) this.fail(`${what} needs ${n} bytes, ${this.left} left (the file is cut short or corrupt)`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  u32(what: string): number {
    this.need(4, what);
    const value = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return value;
  }

  i32(what: string): number {
    this.need(4, what);
    const value = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return value;
  }

  i64(what: string): bigint {
    this.need(8, what);
    const value = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return value;
  }

  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const part = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return part;
  }

  blob(what: string): Uint8Array {
    return this.take(this.u32(`${what}'s length`), what);
  }

  text(what: string): string {
    return fromUtf8.decode(this.blob(what));
  }
}

function readCall(src: ByteSource, returned: boolean): RecordedCall {
  const moduleIndex = src.u8("a call's module");
  const module = MODULES[moduleIndex] ?? src.fail(`unknown module number ${moduleIndex}`);
  const name = fromUtf8.decode(src.take(src.u8("a call's name length"), "a call's name"));
  const def = findSyscall(module, name) ?? src.fail(`no call ${module}.${name.slice(0, 64)} in this ABI`);
  const args = def.params.map((param): Arg => (param.kind === "i64" ? src.i64(`${name}'s ${param.name}`) : src.i32(`${name}'s ${param.name}`)));
  if (!returned) return { def, args, writes: [] };
  const result = src.i32(`${name}'s result`);
  const count = src.u32(`${name}'s write count`);
  // Each write takes at least 8 bytes: a count beyond that is corrupt, not an allocation.
  if (count > src.left / 8) src.fail(`${name} claims ${count} memory writes in ${src.left} bytes`);
  const writes: MemoryWrite[] = [];
  for (let i = 0; i < count; i++) {
    const address = src.u32(`${name}'s write address`);
    writes.push({ address, bytes: src.blob(`${name}'s written bytes`) });
  }
  return { def, args, result, writes };
}

function readComponentCall(src: ByteSource, returned: boolean): RecordedComponentCall {
  const name = fromUtf8.decode(src.take(src.u8("a component call's name length"), "a component call's name"));
  if (!Object.hasOwn(WIT_CALLS, name)) src.fail(`no component call ${name.slice(0, 64)} in this ABI`);
  const args = src.blob(`${name}'s arguments`);
  if (!returned) return { name: name as WitCallName, args };
  const failed = src.u8(`${name}'s outcome`);
  if (failed === 0) return { name: name as WitCallName, args, outcome: { value: readValue(src) } };
  if (failed !== 1) src.fail(`${name}'s outcome is ${failed}, not 0 or 1`);
  const errno = fromUtf8.decode(src.take(src.u8(`${name}'s errno length`), `${name}'s errno`));
  if (!Object.hasOwn(ERRNO, errno)) src.fail(`no errno ${errno.slice(0, 32)}`);
  return { name: name as WitCallName, args, outcome: { errno: errno as ErrnoName } };
}

/** Arguments encodeValues wrote, back as values (to show them). */
export function decodeValues(bytes: Uint8Array): unknown[] {
  const values = readValue(new ByteSource(bytes));
  return Array.isArray(values) ? values : [values];
}

/** Parse a whole record; a hostile or cut file is a RecordFormatError, never a crash. */
export function parseRecord(bytes: Uint8Array): Record {
  if (bytes.byteLength > MAX_RECORD_BYTES) throw new RecordFormatError(`${bytes.byteLength} bytes is over the ${MAX_RECORD_BYTES}-byte maximum of a record`);
  const src = new ByteSource(bytes);
  if (fromUtf8.decode(src.take(Math.min(RECORD_MAGIC.length, bytes.byteLength), "the magic")) !== RECORD_MAGIC) src.fail("not a onebox record (bad magic)");
  const version = src.u32("the version");
  if (version !== RECORD_VERSION) src.fail(`record version ${version}; this onebox reads version ${RECORD_VERSION}`);
  const sha256 = src.take(32, "the module's sha256");
  const module = src.blob("the module");
  const memoryPages = src.u32("the memory cap");
  // A 32-bit memory holds at most 65536 pages: a larger cap is not one a node gave.
  if (memoryPages > MAX_MEMORY_PAGES) src.fail(`a memory cap of ${memoryPages} pages, over the ${MAX_MEMORY_PAGES} of a 32-bit memory`);
  const argc = src.u32("argc");
  if (argc > src.left / 4) src.fail(`claims ${argc} arguments in ${src.left} bytes`);
  const argv: string[] = [];
  for (let i = 0; i < argc; i++) argv.push(src.text("an argument"));
  const calls: RecordedCall[] = [];
  const componentCalls: RecordedComponentCall[] = [];
  let open = false;
  while (src.left > 0) {
    const kind = src.u8("an entry's kind");
    const call = kind === KIND_CALL || kind === KIND_OPEN;
    if (call || kind === KIND_COMPONENT_CALL || kind === KIND_COMPONENT_OPEN) {
      if (open) src.fail(`a call after call ${calls.length + componentCalls.length}, inside which the process ended`);
      open = kind === KIND_OPEN || kind === KIND_COMPONENT_OPEN;
      if (call) calls.push(readCall(src, kind === KIND_CALL));
      else componentCalls.push(readComponentCall(src, kind === KIND_COMPONENT_CALL));
      if (calls.length > 0 && componentCalls.length > 0) src.fail("both core and component calls in one record");
      continue;
    }
    let end: RecordedEnd | undefined;
    let cutAt: number | undefined;
    if (kind === KIND_END) {
      const reason = fromUtf8.decode(src.take(src.u8("the end's reason length"), "the end's reason"));
      end = { reason, status: src.i32("the exit status"), text: src.text("the exit text") };
    } else if (kind === KIND_CUT) cutAt = src.u32("the cut's limit");
    else src.fail(`unknown entry kind ${kind}`);
    if (src.left > 0) src.fail(`${src.left} bytes after the record's last entry`);
    return { sha256, module, memoryPages, argv, calls, componentCalls, end, cutAt };
  }
  return { sha256, module, memoryPages, argv, calls, componentCalls };
}
