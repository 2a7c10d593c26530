// What a bulk memory or table instruction costs in fuel, and the function the
// instrumenter calls before each one to charge it (memory.fill and memory.copy call it
// per chunk, from chunked.ts).
//
// A loop iteration costs one unit. A bulk instruction's time grows with its size
// operand, so it costs (size * mul) >> shift units, the rate chosen by measurement
// (bench/probe-fuel.ts) so that a unit takes about as long as a short loop
// iteration. The charge is taken before the instruction runs; when it is more than
// the fuel left, the guest yields once per slice it owes, so a guest doing bulk work
// gets the same share of the node as one that loops.

import { ByteWriter } from "./leb.ts";
import { MEMORY_COPY, MEMORY_FILL, MEMORY_INIT, TABLE_COPY, TABLE_FILL, TABLE_GROW, TABLE_INIT } from "./instructions.ts";

export interface ChargeRate {
  readonly mul: number;
  readonly shift: number;
}

/**
 * Units = (size * mul) >> shift. Measured with bench/probe-fuel.ts, a loop
 * iteration taking about 1.4 ns: memory.copy, the slowest of the memory kind, moves
 * 16 bytes in 0.7 of that; table.init, the slowest of fill, copy and init, takes
 * about 48 iterations' time per entry; table.grow, which also copies the entries
 * the table had, about 250 at the default table cap.
 */
export const CHARGE_RATES = {
  memory: { mul: 1, shift: 4 },
  table: { mul: 48, shift: 0 },
  tableGrow: { mul: 256, shift: 0 },
} as const satisfies Record<string, ChargeRate>;

export type ChargeGroup = keyof typeof CHARGE_RATES;

export interface ChargeKind {
  readonly group: ChargeGroup;
  /** The size operand is an i64 (memory64, table64) rather than an i32. */
  readonly is64: boolean;
}

/** Every kind, so a kind is also its index here. */
export const CHARGE_KINDS: readonly ChargeKind[] = (Object.keys(CHARGE_RATES) as ChargeGroup[]).flatMap((group) => [
  { group, is64: false },
  { group, is64: true },
]);

const kindIndex = (group: ChargeGroup, is64: boolean): number => CHARGE_KINDS.findIndex((k) => k.group === group && k.is64 === is64);

/**
 * The charge kind of a sized 0xFC instruction (sub, immediates a and b as
 * visitCode gives them), given which memories and tables are 64-bit.
 */
export function chargeKindOf(sub: number, a: number, b: number, memory64: readonly boolean[], table64: readonly boolean[]): number {
  // An index out of range makes the module invalid; compiling it will say so.
  const mem = (i: number) => memory64[i] === true;
  const tab = (i: number) => table64[i] === true;
  switch (sub) {
    case MEMORY_FILL: return kindIndex("memory", mem(a));
    case MEMORY_COPY: return kindIndex("memory", mem(a) && mem(b));
    case MEMORY_INIT: return kindIndex("memory", false); // a data segment's length is an i32
    case TABLE_GROW: return kindIndex("tableGrow", tab(a));
    case TABLE_FILL: return kindIndex("table", tab(a));
    case TABLE_COPY: return kindIndex("table", tab(a) && tab(b));
    case TABLE_INIT: return kindIndex("table", false);
  }
  throw new RangeError(`0xfc ${sub} takes no size operand`);
}

export interface ChargeTargets {
  readonly fuelGlobal: number;
  readonly voidType: number;
  readonly fuelTable: number;
  /** The largest size that can succeed (the memory or table cap); a larger one costs as much, then fails. */
  readonly limit: number;
}

const I64_CONST = 0x42;


/**
 * The body (locals and code) of `(func (param T) (result T))` that charges its
 * argument's cost and returns it, so it can sit just before the instruction:
 *
 *   c := min(n, limit) * mul >> shift            ;; i64 local 1
 *   while fuel <= c: c -= fuel; yield            ;; yield refills fuel
 *   fuel -= c; return n
 */
export function chargeFunctionBody(kind: ChargeKind, t: ChargeTargets): Uint8Array {
  const { mul, shift } = CHARGE_RATES[kind.group];
  // The clamp keeps size * mul exact in an i64 and the loop short.
  const limit = Math.min(t.limit, 2 ** 40);
  const w = new ByteWriter(96);
  const op = (...bytes: number[]) => bytes.forEach((b) => w.byte(b));
  const getFuelAsI64 = () => {
    op(0x23);
    w.uleb(t.fuelGlobal);
    op(0xac); // i64.extend_i32_s
  };
  op(0x01, 0x01, 0x7e); // one local: i64
  op(0x20, 0x00); // local.get 0
  if (!kind.is64) op(0xad); // i64.extend_i32_u
  op(0x21, 0x01); // local.set 1
  op(0x20, 0x01, I64_CONST);
  w.slebNonNegative(limit);
  op(0x20, 0x01, I64_CONST);
  w.slebNonNegative(limit);
  op(0x54, 0x1b); // i64.lt_u, select: min(c, limit)
  op(I64_CONST);
  w.slebNonNegative(mul);
  op(0x7e, I64_CONST); // i64.mul
  w.slebNonNegative(shift);
  op(0x88, 0x21, 0x01); // i64.shr_u, local.set 1
  op(0x02, 0x40, 0x03, 0x40); // block, loop
  getFuelAsI64();
  op(0x20, 0x01, 0x55, 0x0d, 0x01); // local.get 1, i64.gt_s, br_if 1: fuel > c, done
  op(0x20, 0x01);
  getFuelAsI64();
  op(0x7d, 0x21, 0x01); // i64.sub, local.set 1: c -= fuel
  op(0x41, 0x00, 0x11); // i32.const 0, call_indirect: yield
  w.uleb(t.voidType);
  w.uleb(t.fuelTable);
  op(0x0c, 0x00, 0x0b, 0x0b); // br 0, end loop, end block
  op(0x23);
  w.uleb(t.fuelGlobal);
  op(0x20, 0x01, 0xa7, 0x6b, 0x24); // local.get 1, i32.wrap_i64, i32.sub, global.set
  w.uleb(t.fuelGlobal);
  op(0x20, 0x00, 0x0b); // local.get 0, end
  return w.bytes();
}

/** The charge function's type, [T] -> [T], as a type section entry. */
export function chargeFunctionType(kind: ChargeKind): Uint8Array {
  const t = kind.is64 ? 0x7e : 0x7f;
  return new Uint8Array([0x60, 0x01, t, 0x01, t]);
}
