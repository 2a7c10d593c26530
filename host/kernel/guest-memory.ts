import { fail } from "./errors.ts";

const utf8 = new TextDecoder("utf-8", { fatal: false });
const utf8Encoder = new TextEncoder();
const SHORT_STRING = 64;
/** Doubles peek copies without a loop: the journal's prefix (JOURNAL_PREFIX, 48 bytes). */
const UNROLLED_DOUBLES = 6;

/**
 * Bounds-checked access to one guest's linear memory. Every pointer a guest hands the
 * host passes through here, so a bad one is EFAULT and never a host exception.
 * Views are refreshed lazily because memory.grow detaches the old ArrayBuffer.
 */
export class GuestMemory {
  private readonly memory: WebAssembly.Memory;
  private u8: Uint8Array;
  private view: DataView;
  /** The memory as doubles: peek's eight-byte steps. */
  private doubles: Float64Array;
  /**
   * Told of every range the host may write during a call: each write and each live view
   * handed out (a view may be filled in place). Recording (kernel/replay/) keeps those
   * bytes; unset, it costs one check per access.
   */
  onWrite: ((start: number, length: number) => void) | undefined;

  constructor(memory: WebAssembly.Memory) {
    this.memory = memory;
    this.u8 = new Uint8Array(memory.buffer);
    this.view = new DataView(memory.buffer);
    this.doubles = new Float64Array(memory.buffer);
  }

  get byteLength(): number {
    return this.refresh().byteLength;
  }

  // memory.grow detaches the old buffer, which empties every view on it: reading the
  // view's length is far cheaper than the memory.buffer getter on every access.
  private refresh(): Uint8Array {
    if (this.u8.byteLength === 0) {
      this.u8 = new Uint8Array(this.memory.buffer);
      this.view = new DataView(this.memory.buffer);
      this.doubles = new Float64Array(this.memory.buffer);
    }
    return this.u8;
  }

  private check(ptr: number, len: number): Uint8Array {
    const u8 = this.refresh();
    const start = ptr >>> 0;
    const size = len >>> 0;
    if (start + size > u8.byteLength) fail("EFAULT", `[${start}, +${size}) outside ${u8.byteLength} bytes`);
    return u8;
  }

  /** EFAULT unless the range is in memory: checked before a call commits to anything. */
  probe(ptr: number, len: number): void {
    this.check(ptr, len);
  }

  /** A live view into guest memory: valid only until the guest runs again. */
  view8(ptr: number, len: number): Uint8Array {
    const bytes = this.unwatched8(ptr, len);
    this.onWrite?.(ptr >>> 0, len >>> 0);
    return bytes;
  }

  /** A view the host only reads (a string), so recording need not keep it. */
  private unwatched8(ptr: number, len: number): Uint8Array {
    const start = ptr >>> 0;
    return this.check(ptr, len).subarray(start, start + (len >>> 0));
  }

  /**
   * Copy up to `len` bytes at `ptr` into `target` at `at` (a multiple of 8; `doubles` is
   * `target` as a Float64Array), without allocating (the journal's prefix of a buffer); 0
   * when the range is outside memory: never EFAULT. From an 8-aligned pointer it copies
   * eight bytes a step between Float64Arrays, which keeps every bit, NaNs' too
   * (test/guest-memory.test.ts): each typed-array access costs a dozen instructions of
   * checks, so fewer, wider steps are what makes a recv's record cheap. The journal's
   * usual copy, a whole 48-byte prefix (UNROLLED_DOUBLES) from an aligned pointer, is a
   * path of its own, small enough to inline into the journaled entries, its six steps
   * written out: a call and a loop's counter and per-step checks cost more than the copies.
   */
  peek(ptr: number, len: number, target: Uint8Array, doubles: Float64Array, at: number): number {
    const from = this.doubles;
    const source = ptr >>> 3;
    // A grown memory's old view is empty, so this falls to peekAny, which refreshes it.
    if (len === UNROLLED_DOUBLES * 8 && (ptr & 7) === 0 && source + UNROLLED_DOUBLES <= from.length) {
      const dest = at >>> 3;
      doubles[dest] = from[source]!;
      doubles[dest + 1] = from[source + 1]!;
      doubles[dest + 2] = from[source + 2]!;
      doubles[dest + 3] = from[source + 3]!;
      doubles[dest + 4] = from[source + 4]!;
      doubles[dest + 5] = from[source + 5]!;
      return len;
    }
    return this.peekAny(ptr, len, target, doubles, at);
  }

  /** peek of any range: eight bytes a step from an aligned pointer, the rest a byte a step. */
  private peekAny(ptr: number, len: number, target: Uint8Array, doubles: Float64Array, at: number): number {
    const u8 = this.refresh();
    const start = ptr >>> 0;
    const size = len >>> 0;
    if (start + size > u8.byteLength) return 0;
    let i = 0;
    if ((start & 7) === 0) {
      const from = this.doubles;
      const source = start >>> 3;
      const dest = at >>> 3;
      const count = size >>> 3;
      for (let k = 0; k < count; k++) doubles[dest + k] = from[source + k]!;
      i = count << 3;
    }
    for (; i < size; i++) target[at + i] = u8[start + i]!;
    return size;
  }

  /** A copy that outlives the call (messages, writes that complete later). */
  copy(ptr: number, len: number): Uint8Array {
    const start = ptr >>> 0;
    return this.check(ptr, len).slice(start, start + (len >>> 0));
  }

  string(ptr: number, len: number): string {
    const bytes = this.unwatched8(ptr, len);
    // Names and paths are short and mostly ASCII: decoding them here skips TextDecoder's
    // native call, which costs more than the rest of a syscall.
    if (bytes.byteLength > SHORT_STRING) return utf8.decode(bytes);
    let text = "";
    for (let i = 0; i < bytes.byteLength; i++) {
      const c = bytes[i]!;
      if (c >= 0x80) return utf8.decode(bytes);
      text += String.fromCharCode(c);
    }
    return text;
  }

  write(ptr: number, bytes: Uint8Array): void {
    this.check(ptr, bytes.byteLength).set(bytes, ptr >>> 0);
    this.onWrite?.(ptr >>> 0, bytes.byteLength);
  }

  writeString(ptr: number, text: string): number {
    const bytes = utf8Encoder.encode(text);
    this.write(ptr, bytes);
    return bytes.byteLength;
  }

  i32(ptr: number): number {
    this.check(ptr, 4);
    return this.view.getInt32(ptr >>> 0, true);
  }

  setI32(ptr: number, value: number): void {
    this.check(ptr, 4);
    this.view.setInt32(ptr >>> 0, value, true);
    this.onWrite?.(ptr >>> 0, 4);
  }

  setU32(ptr: number, value: number): void {
    this.check(ptr, 4);
    this.view.setUint32(ptr >>> 0, value, true);
    this.onWrite?.(ptr >>> 0, 4);
  }

  setU64(ptr: number, value: bigint | number): void {
    this.check(ptr, 8);
    this.view.setBigUint64(ptr >>> 0, BigInt(value), true);
    this.onWrite?.(ptr >>> 0, 8);
  }

  setU16(ptr: number, value: number): void {
    this.check(ptr, 2);
    this.view.setUint16(ptr >>> 0, value, true);
    this.onWrite?.(ptr >>> 0, 2);
  }

  setU8(ptr: number, value: number): void {
    this.check(ptr, 1);
    this.u8[ptr >>> 0] = value;
    this.onWrite?.(ptr >>> 0, 1);
  }
}

export const encodeUtf8 = (text: string): Uint8Array => utf8Encoder.encode(text);
