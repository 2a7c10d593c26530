// The instrumenter's bounds beyond loops: bulk instructions charged by size, memories
// and tables capped as a sum, and GC types refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { instrument, ModuleFormatError, type Instrumented, type InstrumentOptions } from "../host/kernel/wasm/instrument.ts";
import { CHARGE_RATES } from "../host/kernel/wasm/charge.ts";
import { CHUNK_BYTES } from "../host/kernel/wasm/chunked.ts";
import { bulkModule, connectYield, fuelOf, instantiate } from "./helpers/fuel.ts";
import {
  body, CODE, EXPORT, exportEntry, FUNC, FUNCREF, funcType, FUNCTION, I32, I32_CONST, I64, LOCAL_GET, MEMORY, MEMORY_COPY, MEMORY_FILL,
  MEMORY_KIND, MISC, section, TABLE, TABLE_KIND, TYPE, vec, wasm,
} from "./helpers/wasm-asm.ts";

const options = (o: Partial<InstrumentOptions> = {}): InstrumentOptions => ({
  fuelPerSlice: 1_000_000, maxMemoryPages: 16, maxTableElements: 1000, ...o,
});
const units = (rate: { mul: number; shift: number }, n: number) => Math.floor((n * rate.mul) / 2 ** rate.shift);

type Bulk = Record<"fill" | "copy" | "grow" | "tfill", (n: number) => number>;

function running(o: Partial<InstrumentOptions> = {}) {
  const code = instrument(bulkModule(), options(o));
  assert.ok(WebAssembly.validate(code.bytes as BufferSource));
  const instance = instantiate(code);
  let yields = 0;
  const fuel = fuelOf(instance);
  const slice = options(o).fuelPerSlice;
  connectYield(instance, () => {
    yields++;
    fuel.value = slice;
  });
  return { f: instance.exports as unknown as Bulk, fuel, yields: () => yields, instance };
}

test("bulk instructions are charged by their size operand, before they run", () => {
  const { f, fuel } = running();
  const cases: [keyof Bulk, number, number][] = [
    ["fill", 100_000, units(CHARGE_RATES.memory, 100_000)],
    ["copy", 60_000, units(CHARGE_RATES.memory, 60_000)],
    ["tfill", 100, units(CHARGE_RATES.table, 100)],
    ["grow", 300, units(CHARGE_RATES.tableGrow, 300)],
  ];
  for (const [name, n, charge] of cases) {
    const before = fuel.value as number;
    f[name](n);
    assert.equal(before - (fuel.value as number), 1 + charge, `${name}(${n}): one for the call, ${charge} for the size`);
  }
});

test("a charge above the fuel left yields once per slice owed before the instruction runs", () => {
  const slice = 100;
  const { f, fuel, yields, instance } = running({ fuelPerSlice: slice });
  const memory = new Uint8Array((instance.exports.memory as WebAssembly.Memory).buffer);
  const n = 16 * 1000; // 1000 units
  f.fill(n);
  // 99 left after the call's unit: 1000 - 99 owed, 100 per slice, so 10 yields; 100 - 1 left.
  assert.equal(yields(), 10);
  assert.equal(fuel.value, 99);
  assert.equal(memory[n - 1], 7);
  assert.equal(memory[n], 0);
});

test("out of bounds costs nothing but the call; a table size beyond the cap costs what the cap would", () => {
  const { f, fuel, yields } = running({ maxMemoryPages: 4, maxTableElements: 150 });
  let before = fuel.value as number;
  assert.throws(() => f.fill(0xffffffff), WebAssembly.RuntimeError);
  assert.equal(before - (fuel.value as number), 1, "a fill that traps does no work");
  before = fuel.value as number;
  assert.equal(f.grow(-1), -1, "table.grow past the cap returns -1");
  assert.equal(before - (fuel.value as number), 1 + units(CHARGE_RATES.tableGrow, 150));
  assert.equal(f.grow(50), 100, "up to the cap it grows");
  assert.equal(f.grow(1), -1);
  assert.equal(yields(), 0);
});

test("memory64 sizes are charged as i64", () => {
  const module = wasm(
    section(TYPE, [funcType([I64], [])]),
    section(FUNCTION, [[0]]),
    section(MEMORY, [[0x04, 1]]),
    section(EXPORT, [exportEntry("fill", FUNC, 0)]),
    section(CODE, [body([], [0x42, 0, I32_CONST, 0, LOCAL_GET, 0, MISC, MEMORY_FILL, 0])]),
  );
  assert.ok(WebAssembly.validate(module as BufferSource));
  const instance = instantiate(instrument(module, options()));
  const fuel = fuelOf(instance);
  (instance.exports.fill as (n: bigint) => void)(32_000n);
  assert.equal(1_000_000 - (fuel.value as number), 1 + units(CHARGE_RATES.memory, 32_000));
});

/** The most each of `count` tables (or memories) can grow to, by growing until it fails. */
function maxima(code: Instrumented, kind: "table" | "memory", count: number): number[] {
  const exports = instantiate(code).exports;
  return Array.from({ length: count }, (_, i) => {
    const thing = exports[`${kind}${i}`] as WebAssembly.Table | WebAssembly.Memory;
    for (;;) {
      try {
        thing.grow(1);
      } catch {
        return thing instanceof WebAssembly.Table ? thing.length : thing.buffer.byteLength / 65536;
      }
    }
  });
}

test("tables are capped as a sum: each keeps its minimum and shares the rest", () => {
  const module = wasm(
    section(TABLE, [[FUNCREF, 0x00, 10], [FUNCREF, 0x01, 20, 25], [FUNCREF, 0x00, 0]]),
    section(EXPORT, [0, 1, 2].map((i) => exportEntry(`table${i}`, TABLE_KIND, i))),
  );
  const capped = instrument(module, options({ maxTableElements: 100 }));
  // (100 - 30) / 3 = 23 each on top of its minimum; the second's own maximum is lower.
  assert.deepEqual(maxima(capped, "table", 3), [33, 25, 23]);
  assert.throws(() => instrument(module, options({ maxTableElements: 29 })), (e: unknown) =>
    e instanceof ModuleFormatError && e.message === "module's 3 tables need 30 table elements at start together; the limit is 29");
});

test("memories are capped as a sum: eight memories share one cap", () => {
  const module = wasm(
    section(MEMORY, new Array(8).fill([0x00, 0])),
    section(EXPORT, [...Array(8).keys()].map((i) => exportEntry(`memory${i}`, MEMORY_KIND, i))),
  );
  const pages = maxima(instrument(module, options({ maxMemoryPages: 80 })), "memory", 8);
  assert.deepEqual(pages, new Array(8).fill(10));
  const wide = wasm(section(MEMORY, [[0x00, 9], [0x00, 9]]));
  assert.throws(() => instrument(wide, options({ maxMemoryPages: 16 })), /module's 2 memories need 18 pages of memory at start together; the limit is 16$/);
});

test("GC struct and array types are refused at load with one line", () => {
  const STRUCT = 0x5f, ARRAY = 0x5e, REC = 0x4e;
  const cases: [number[], RegExp][] = [
    [[STRUCT, ...vec([[I32, 0x01]])], /^type 0 at offset \d+ is a GC struct type: onebox refuses the GC proposal/],
    [[ARRAY, I32, 0x01], /^type 0 at offset \d+ is a GC array type/],
    [[REC, ...vec([funcType([], []), [ARRAY, 0x78, 0x01]])], /^type 1 at offset \d+ is a GC array type/],
  ];
  for (const [type, message] of cases) {
    const module = wasm(section(TYPE, [type]));
    assert.throws(() => instrument(module, options()), (e: unknown) => {
      assert.ok(e instanceof ModuleFormatError);
      assert.match(e.message, message);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
  }
});

/** fill(d, v, n) and copy(d, s, n) on a 64-page memory, instrumented or not. */
function chunkModule(): Uint8Array {
  return wasm(
    section(TYPE, [funcType([I32, I32, I32], [])]),
    section(FUNCTION, [[0], [0]]),
    section(MEMORY, [[0x00, 64]]),
    section(EXPORT, [exportEntry("fill", FUNC, 0), exportEntry("copy", FUNC, 1), exportEntry("memory", MEMORY_KIND, 0)]),
    section(CODE, [
      body([], [LOCAL_GET, 0, LOCAL_GET, 1, LOCAL_GET, 2, MISC, MEMORY_FILL, 0]),
      body([], [LOCAL_GET, 0, LOCAL_GET, 1, LOCAL_GET, 2, MISC, MEMORY_COPY, 0, 0]),
    ]),
  );
}

type Chunky = { fill(d: number, v: number, n: number): void; copy(d: number, s: number, n: number): void; memory: WebAssembly.Memory };

test("memory.fill and memory.copy run in chunks, each charged, and the guest yields between them", () => {
  const slice = 10_000;
  const instance = instantiate(instrument(chunkModule(), options({ fuelPerSlice: slice, maxMemoryPages: 64 })));
  const f = instance.exports as unknown as Chunky;
  const bytes = () => new Uint8Array(f.memory.buffer);
  const fuel = fuelOf(instance);
  const seen: [number, number][] = [];
  connectYield(instance, () => {
    seen.push([bytes()[0]!, bytes()[3 * CHUNK_BYTES - 1]!]);
    fuel.value = slice;
  });
  f.fill(0, 7, 3 * CHUNK_BYTES);
  assert.ok(bytes().subarray(0, 3 * CHUNK_BYTES).every((b) => b === 7));
  assert.equal(bytes()[3 * CHUNK_BYTES], 0);
  assert.ok(seen.some(([first, last]) => first === 7 && last === 0), "it yielded with the first chunk written and the last not yet");
  // Charged as a whole: 3 MiB at the memory rate, spread over the chunks.
  assert.equal(seen.length, Math.floor((1 + units(CHARGE_RATES.memory, 3 * CHUNK_BYTES)) / slice));
});

test("chunked fills and copies do what the instructions do: overlap both ways, and out of bounds traps before writing", () => {
  const plain = instantiate(chunkModule()).exports as unknown as Chunky;
  const chunked = instantiate(instrument(chunkModule(), options({ maxMemoryPages: 64 }))).exports as unknown as Chunky;
  for (const f of [plain, chunked]) {
    const bytes = new Uint8Array(f.memory.buffer);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 251;
    f.copy(100, 0, 2.5 * CHUNK_BYTES); // destination above the source: from the top down
    f.copy(3, 5000, 2.5 * CHUNK_BYTES); // below: from the bottom up
    f.copy(0, 0, CHUNK_BYTES + 1);
    assert.throws(() => f.fill(64 * 65536 - 10, 1, 20), WebAssembly.RuntimeError);
    assert.throws(() => f.copy(0, 64 * 65536 - 10, 20), WebAssembly.RuntimeError);
    assert.throws(() => f.copy(0xfffffff0, 0, 0x20), WebAssembly.RuntimeError);
    f.fill(64 * 65536, 1, 0); // zero bytes at the very end: allowed
  }
  assert.ok(Buffer.from(plain.memory.buffer).equals(Buffer.from(chunked.memory.buffer)), "same memory after the same calls");
});
