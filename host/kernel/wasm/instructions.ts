// Finds instruction boundaries in function bodies. It only needs immediate
// lengths, not meanings, but it is strict: an opcode it does not know is an
// error, because guessing a length could hide a `loop` from the fuel
// instrumentation or splice code into the middle of an immediate.

import { DecodeError, Reader } from "./leb.ts";

// Immediate layouts. Shared by one-byte opcodes and prefixed (0xFB..0xFE) sub-opcodes.
const UNKNOWN = 0;
const NONE = 1;
const IDX = 2; // one u32
const IDX2 = 3; // two u32
const BLOCK = 4; // blocktype
const MEMARG = 5;
const I32 = 6;
const I64 = 7;
const F32 = 8;
const F64 = 9;
const BR_TABLE = 10;
const SELECT_T = 11;
const TRY_TABLE = 12;
const HEAPTYPE = 13;
const BYTE = 14; // lane index, atomic.fence's reserved byte
const V128 = 15; // v128.const and i8x16.shuffle: 16 raw bytes
const MEMARG_LANE = 16;
const BR_ON_CAST = 17;
const PREFIX = 18;

function table(size: number, entries: [number, number, number][]): Uint8Array {
  const t = new Uint8Array(size);
  for (const [from, to, kind] of entries) t.fill(kind, from, to + 1);
  return t;
}

const OPS = table(256, [
  [0x00, 0x01, NONE], // unreachable nop
  [0x02, 0x04, BLOCK], // block loop if
  [0x05, 0x05, NONE], // else
  [0x06, 0x06, BLOCK], // try (legacy exceptions)
  [0x07, 0x09, IDX], // catch throw rethrow
  [0x0a, 0x0b, NONE], // throw_ref end
  [0x0c, 0x0d, IDX], // br br_if
  [0x0e, 0x0e, BR_TABLE],
  [0x0f, 0x0f, NONE], // return
  [0x10, 0x10, IDX], // call
  [0x11, 0x11, IDX2], // call_indirect
  [0x12, 0x12, IDX], // return_call
  [0x13, 0x13, IDX2], // return_call_indirect
  [0x14, 0x15, IDX], // call_ref return_call_ref
  [0x18, 0x18, IDX], // delegate
  [0x19, 0x1b, NONE], // catch_all drop select
  [0x1c, 0x1c, SELECT_T],
  [0x1f, 0x1f, TRY_TABLE],
  [0x20, 0x26, IDX], // local.* global.* table.get table.set
  [0x28, 0x3e, MEMARG], // loads and stores
  [0x3f, 0x40, IDX], // memory.size memory.grow
  [0x41, 0x41, I32],
  [0x42, 0x42, I64],
  [0x43, 0x43, F32],
  [0x44, 0x44, F64],
  [0x45, 0xc4, NONE], // numeric and sign extension
  [0xd0, 0xd0, HEAPTYPE], // ref.null
  [0xd1, 0xd1, NONE], // ref.is_null
  [0xd2, 0xd2, IDX], // ref.func
  [0xd3, 0xd4, NONE], // ref.eq ref.as_non_null
  [0xd5, 0xd6, IDX], // br_on_null br_on_non_null
  [0xfb, 0xfe, PREFIX],
]);

const GC_OPS = table(31, [
  [0, 1, IDX], // struct.new struct.new_default
  [2, 5, IDX2], // struct.get* struct.set
  [6, 7, IDX], // array.new array.new_default
  [8, 10, IDX2], // array.new_fixed array.new_data array.new_elem
  [11, 14, IDX], // array.get* array.set
  [15, 15, NONE], // array.len
  [16, 16, IDX], // array.fill
  [17, 19, IDX2], // array.copy array.init_data array.init_elem
  [20, 23, HEAPTYPE], // ref.test ref.cast
  [24, 25, BR_ON_CAST],
  [26, 30, NONE], // extern/any conversion, i31
]);

const MISC_OPS = table(18, [
  [0, 7, NONE], // trunc_sat
  [8, 8, IDX2], // memory.init
  [9, 9, IDX], // data.drop
  [10, 10, IDX2], // memory.copy
  [11, 11, IDX], // memory.fill
  [12, 12, IDX2], // table.init
  [13, 13, IDX], // elem.drop
  [14, 14, IDX2], // table.copy
  [15, 17, IDX], // table.grow table.size table.fill
]);

const SIMD_OPS = table(0x114, [
  [0, 11, MEMARG], // v128.load* v128.store
  [12, 13, V128], // v128.const i8x16.shuffle
  [14, 20, NONE],
  [21, 34, BYTE], // extract_lane replace_lane
  [35, 83, NONE],
  [84, 91, MEMARG_LANE], // load*_lane store*_lane
  [92, 93, MEMARG], // load32_zero load64_zero
  [94, 255, NONE],
  [0x100, 0x113, NONE], // relaxed SIMD
]);
// Holes in the SIMD opcode space.
for (const op of [154, 162, 165, 166, 175, 176, 178, 179, 180, 187, 194, 197, 198, 207, 208, 210, 211, 212, 226, 238]) {
  SIMD_OPS[op] = UNKNOWN;
}

const ATOMIC_OPS = table(0x4f, [
  [0x00, 0x02, MEMARG], // notify wait32 wait64
  [0x03, 0x03, BYTE], // atomic.fence
  [0x10, 0x4e, MEMARG], // atomic loads, stores, rmw, cmpxchg
]);

const PREFIXED: Uint8Array[] = [GC_OPS, MISC_OPS, SIMD_OPS, ATOMIC_OPS]; // by prefix - 0xfb

// Shortcuts for the bulk of real code, where every immediate is a one-byte LEB.
// Instrumentation runs at load time, often before the JIT has warmed up, and
// a call per instruction roughly doubles the cold cost.
const FAST_NONE = 1;
const FAST_ONE = 2; // one LEB
const FAST_TWO = 3; // two LEBs
const FAST_MEMARG = 4; // alignment without a memory index, then offset
const FAST = OPS.map((kind) =>
  kind === NONE ? FAST_NONE
  : kind === IDX || kind === I32 || kind === I64 ? FAST_ONE
  : kind === IDX2 ? FAST_TWO
  : kind === MEMARG ? FAST_MEMARG
  : 0,
);
const OP_LOOP = 0x03;
const OP_MISC = 0xfc;

/** Sub-opcodes of the 0xFC prefix whose last operand is a size in bytes or table entries. */
export const MEMORY_INIT = 8;
export const MEMORY_COPY = 10;
export const MEMORY_FILL = 11;
export const TABLE_INIT = 12;
export const TABLE_COPY = 14;
export const TABLE_GROW = 15;
export const TABLE_FILL = 17;
const SIZED = new Set([MEMORY_INIT, MEMORY_COPY, MEMORY_FILL, TABLE_INIT, TABLE_COPY, TABLE_GROW, TABLE_FILL]);

/** What the instrumenter may need to charge for, found in a function body. */
export interface CodeVisitor {
  /** `offset` is just past a `loop blocktype`. */
  loopBody(offset: number): void;
  /**
   * A bulk memory or table instruction (one of the sub-opcodes above) spans
   * [offset, end); `a` and `b` are its index immediates (b is 0 when it has one).
   */
  sized(offset: number, end: number, sub: number, a: number, b: number): void;
}

/**
 * Calls `visit` for each loop body and each sized bulk instruction in
 * code[start, end), which must hold whole instructions.
 */
export function visitCode(code: Uint8Array, start: number, end: number, visit: CodeVisitor): void {
  let pos = start;
  while (pos < end) {
    const op = code[pos];
    const fast = FAST[op];
    if (fast === FAST_NONE) {
      pos++;
    } else if (fast === FAST_ONE && pos + 1 < end && code[pos + 1] < 0x80) {
      pos += 2;
    } else if (fast === FAST_TWO && pos + 2 < end && (code[pos + 1] | code[pos + 2]) < 0x80) {
      pos += 3;
    } else if (fast === FAST_MEMARG && pos + 2 < end && code[pos + 1] < 0x40 && code[pos + 2] < 0x80) {
      pos += 3;
    } else {
      const at = pos;
      pos = instructionEnd(code, pos, end);
      if (op === OP_LOOP) visit.loopBody(pos);
      else if (op === OP_MISC) visitMisc(code, at, end, visit);
    }
  }
}

function visitMisc(code: Uint8Array, at: number, end: number, visit: CodeVisitor): void {
  const r = reader;
  r.buf = code;
  r.pos = at + 1;
  r.end = end;
  const sub = r.u32();
  if (!SIZED.has(sub)) return;
  const a = r.u32();
  const b = sub === MEMORY_FILL || sub === TABLE_GROW || sub === TABLE_FILL ? 0 : r.u32();
  visit.sized(at, r.pos, sub, a, b);
}

const reader = new Reader(new Uint8Array(0), 0, 0, "function body");

/**
 * Returns the offset just past the instruction (opcode and immediates) that
 * starts at `offset`. Throws DecodeError for an unknown opcode or when the
 * instruction runs past `end`.
 */
export function instructionEnd(code: Uint8Array, offset: number, end: number): number {
  const r = reader;
  r.buf = code;
  r.pos = offset;
  r.end = end;
  const op = r.byte();
  let kind = OPS[op];
  if (kind === PREFIX) {
    const sub = r.u32();
    const ops = PREFIXED[op - 0xfb];
    kind = sub < ops.length ? ops[sub] : UNKNOWN;
    if (kind === UNKNOWN) {
      throw new DecodeError(`unknown opcode 0x${hex(op)} 0x${hex(sub)} at offset ${offset}`);
    }
  } else if (kind === UNKNOWN) {
    throw new DecodeError(`unknown opcode 0x${hex(op)} at offset ${offset}`);
  }
  skipImmediates(r, kind);
  return r.pos;
}

function skipImmediates(r: Reader, kind: number): void {
  switch (kind) {
    case NONE:
      return;
    case IDX:
      r.skipLeb(5);
      return;
    case IDX2:
      r.skipLeb(5);
      r.skipLeb(5);
      return;
    case BLOCK:
      skipBlockType(r);
      return;
    case MEMARG:
      skipMemarg(r);
      return;
    case I32:
      r.skipS32();
      return;
    case I64:
      r.skipS64();
      return;
    case F32:
      r.skip(4);
      return;
    case F64:
      r.skip(8);
      return;
    case BR_TABLE: {
      // n targets plus the default
      for (let n = r.u32(); n >= 0; n--) r.skipLeb(5);
      return;
    }
    case SELECT_T: {
      for (let n = r.u32(); n > 0; n--) skipValType(r);
      return;
    }
    case TRY_TABLE:
      skipBlockType(r);
      for (let n = r.u32(); n > 0; n--) skipCatchClause(r);
      return;
    case HEAPTYPE:
      r.skipS33();
      return;
    case BYTE:
      r.skip(1);
      return;
    case V128:
      r.skip(16);
      return;
    case MEMARG_LANE:
      skipMemarg(r);
      r.skip(1);
      return;
    case BR_ON_CAST:
      r.skip(1); // cast flags
      r.skipLeb(5);
      r.skipS33();
      r.skipS33();
      return;
  }
}

function skipMemarg(r: Reader): void {
  const align = r.u32();
  // Multi-memory flags a memory index with bit 6 of the alignment field.
  if (align & 0x40) r.skipLeb(5);
  r.skipLeb(10); // offset: u64 under memory64
}

function skipCatchClause(r: Reader): void {
  const at = r.pos;
  const kind = r.byte();
  if (kind > 3) throw new DecodeError(`unknown catch clause kind 0x${hex(kind)} at offset ${at}`);
  if (kind < 2) r.skipLeb(5); // catch and catch_ref name a tag
  r.skipLeb(5);
}

// A blocktype is either a value type (which may be a two-part reference type)
// or an s33 type index; one-byte value types are themselves valid s33s.
function skipBlockType(r: Reader): void {
  const b = r.peek();
  if (b === 0x63 || b === 0x64) skipValType(r);
  else r.skipS33();
}

/** Skips a value type, including `(ref null? ht)`; rejects unknown type bytes. */
export function skipValType(r: Reader): void {
  const at = r.pos;
  const b = r.byte();
  if (b === 0x63 || b === 0x64) {
    r.skipS33(); // heap type
    return;
  }
  // i32 i64 f32 f64 v128, and the one-byte reference type shorthands
  if ((b >= 0x7b && b <= 0x7f) || (b >= 0x69 && b <= 0x74)) return;
  throw new DecodeError(`unknown value type 0x${hex(b)} at offset ${at}`);
}

function hex(n: number): string {
  return n.toString(16).padStart(2, "0");
}
