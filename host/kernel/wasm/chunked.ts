// memory.fill and memory.copy in chunks. Charged by size alone (charge.ts), one
// instruction over a large memory still runs whole: a 1 GiB fill is seconds of the
// node's event loop. The instrumenter replaces each with a call to a function that
// checks the bounds first (out of bounds, it runs the instruction itself, which
// traps before writing anything, as the spec says), then does the work a chunk at a
// time, charging each chunk, so the guest can yield between chunks.

import { ByteWriter } from "./leb.ts";

/** Bytes per chunk: about 0.1-1 ms of filling or copying, well under a slice. */
export const CHUNK_BYTES = 1 << 20;

/** A chunked instruction: memory.fill of one memory, or memory.copy between two. */
export type ChunkedOp =
  | { readonly op: "fill"; readonly memory: number; readonly is64: boolean }
  | { readonly op: "copy"; readonly dst: number; readonly src: number; readonly dst64: boolean; readonly src64: boolean };

export const chunkedKey = (c: ChunkedOp): string => (c.op === "fill" ? `fill ${c.memory}` : `copy ${c.dst} ${c.src}`);

const I32 = 0x7f;
const I64 = 0x7e;

/** [d, v, n] -> [] for fill; [d, s, n] -> [] for copy, each operand typed by its memory. */
export function chunkedType(c: ChunkedOp): Uint8Array {
  const params = c.op === "fill"
    ? [c.is64 ? I64 : I32, I32, c.is64 ? I64 : I32]
    : [c.dst64 ? I64 : I32, c.src64 ? I64 : I32, c.dst64 && c.src64 ? I64 : I32];
  return new Uint8Array([0x60, 0x03, ...params, 0x00]);
}

/** The code around one chunked instruction: locals 3.. are i64 copies of the operands. */
class Body {
  readonly w = new ByteWriter(160);
  op(...bytes: number[]): void {
    for (const b of bytes) this.w.byte(b);
  }
  idx(...bytes: number[]): void {
    for (const b of bytes) this.w.uleb(b);
  }
  /** local.get `from` (a param of the given width), as an i64 into local `to`. */
  widen(from: number, is64: boolean, to: number): void {
    this.op(0x20, from);
    if (!is64) this.op(0xad); // i64.extend_i32_u
    this.op(0x21, to);
  }
  /** local.get `from` (an i64), narrowed to i32 unless the operand is 64-bit. */
  narrow(from: number, is64: boolean): void {
    this.op(0x20, from);
    if (!is64) this.op(0xa7); // i32.wrap_i64
  }
  /** The memory's size in bytes, as an i64. */
  bytesOf(memory: number, is64: boolean): void {
    this.op(0x3f);
    this.idx(memory);
    if (!is64) this.op(0xad);
    this.op(0x42, 16, 0x86); // i64.const 16, i64.shl
  }
  /** br_if `depth` when local `at` + local `n` would pass the end of the memory (no overflow: compares first). */
  outOfBounds(at: number, n: number, memory: number, is64: boolean, depth: number): void {
    this.op(0x20, at);
    this.bytesOf(memory, is64);
    this.op(0x56, 0x0d, depth); // i64.gt_u, br_if
    this.op(0x20, n);
    this.bytesOf(memory, is64);
    this.op(0x20, at, 0x7d, 0x56, 0x0d, depth); // bytes - at, i64.gt_u, br_if
  }
  /** local c = min(local n, CHUNK_BYTES); then charge c. */
  takeChunk(n: number, c: number, charge64: number): void {
    this.op(0x20, n, 0x42);
    this.w.slebNonNegative(CHUNK_BYTES);
    this.op(0x20, n, 0x42);
    this.w.slebNonNegative(CHUNK_BYTES);
    this.op(0x54, 0x1b, 0x21, c); // i64.lt_u, select, local.set c
    this.op(0x20, c, 0x10);
    this.idx(charge64);
    this.op(0x1a); // drop
  }
  /** local x += (or -=) local c. */
  step(x: number, c: number, add: boolean): void {
    this.op(0x20, x, 0x20, c, add ? 0x7c : 0x7d, 0x21, x);
  }
}


/**
 * The function's body (locals and code). `charge64` is the index of the memory
 * kind's i64 charge function (charge.ts): [i64] -> [i64].
 */
export function chunkedBody(c: ChunkedOp, charge64: number): Uint8Array {
  const b = new Body();
  if (c.op === "fill") {
    const { memory, is64 } = c;
    const [D, N, C] = [3, 4, 5];
    b.op(0x01, 0x03, I64); // locals: 3 x i64
    b.widen(0, is64, D);
    b.widen(2, is64, N);
    b.op(0x02, 0x40, 0x02, 0x40); // block $ok, block $oob
    b.outOfBounds(D, N, memory, is64, 0);
    b.op(0x0c, 0x01, 0x0b); // br $ok, end $oob
    b.op(0x20, 0, 0x20, 1, 0x20, 2, 0xfc, 11); // the instruction itself: it traps
    b.idx(memory);
    b.op(0x0f, 0x0b); // return, end $ok
    b.op(0x02, 0x40, 0x03, 0x40); // block $done, loop
    b.op(0x20, N, 0x50, 0x0d, 0x01); // i64.eqz, br_if $done
    b.takeChunk(N, C, charge64);
    b.narrow(D, is64);
    b.op(0x20, 1);
    b.narrow(C, is64);
    b.op(0xfc, 11);
    b.idx(memory);
    b.step(D, C, true);
    b.step(N, C, false);
    b.op(0x0c, 0x00, 0x0b, 0x0b, 0x0b); // br loop, end loop, end block, end
    return b.w.bytes();
  }
  const { dst, src, dst64, src64 } = c;
  const n64 = dst64 && src64;
  const [D, S, N, C] = [3, 4, 5, 6];
  const copy = (d: () => void, s: () => void) => {
    d();
    s();
    b.narrow(C, n64);
    b.op(0xfc, 10);
    b.idx(dst, src);
  };
  b.op(0x01, 0x04, I64); // locals: 4 x i64
  b.widen(0, dst64, D);
  b.widen(1, src64, S);
  b.widen(2, n64, N);
  b.op(0x02, 0x40, 0x02, 0x40); // block $ok, block $oob
  b.outOfBounds(D, N, dst, dst64, 0);
  b.outOfBounds(S, N, src, src64, 0);
  b.op(0x0c, 0x01, 0x0b); // br $ok, end $oob
  b.op(0x20, 0, 0x20, 1, 0x20, 2, 0xfc, 10); // the instruction itself: it traps
  b.idx(dst, src);
  b.op(0x0f, 0x0b); // return, end $ok
  if (dst === src) {
    // Within one memory, a destination above the source is copied from the top down,
    // so no chunk overwrites source bytes a later chunk still has to read.
    b.op(0x20, D, 0x20, S, 0x56, 0x04, 0x40); // i64.gt_u, if
    b.op(0x02, 0x40, 0x03, 0x40); // block, loop
    b.op(0x20, N, 0x50, 0x0d, 0x01);
    b.takeChunk(N, C, charge64);
    b.step(N, C, false);
    const at = (x: number, is64: boolean) => () => {
      b.op(0x20, x, 0x20, N, 0x7c);
      if (!is64) b.op(0xa7);
    };
    copy(at(D, dst64), at(S, src64));
    b.op(0x0c, 0x00, 0x0b, 0x0b); // br loop, end loop, end block
    b.op(0x0f, 0x0b); // return, end if
  }
  b.op(0x02, 0x40, 0x03, 0x40); // block, loop
  b.op(0x20, N, 0x50, 0x0d, 0x01);
  b.takeChunk(N, C, charge64);
  copy(() => b.narrow(D, dst64), () => b.narrow(S, src64));
  b.step(D, C, true);
  b.step(S, C, true);
  b.step(N, C, false);
  b.op(0x0c, 0x00, 0x0b, 0x0b, 0x0b);
  return b.w.bytes();
}
