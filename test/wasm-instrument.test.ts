import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { FUEL_GLOBAL_EXPORT, FUEL_TABLE_EXPORT, GLOBAL_EXPORT_PREFIX, instrument, MEMORY_IMPORT_MODULE, ModuleFormatError, type Instrumented } from "../host/kernel/wasm/instrument.ts";
import { bulkModule, connectYield, fuelOf, instantiate } from "./helpers/fuel.ts";
import { createMemories, MemoryCapError } from "../host/kernel/process-memory.ts";

import {
  uleb, sleb, str, vec, rawSection, section, wasm, funcType, body, exportEntry, TYPE, IMPORT, FUNCTION, TABLE, MEMORY, GLOBAL, EXPORT, ELEM, CODE, TAG, FUNC, TABLE_KIND, MEMORY_KIND, GLOBAL_KIND, I32, I64, FUNCREF, EMPTY, UNREACHABLE, NOP, BLOCK, LOOP, IF, END, BR, BR_IF, BR_TABLE, RETURN, CALL_INDIRECT, DROP, LOCAL_GET, LOCAL_SET, LOCAL_TEE, GLOBAL_GET, GLOBAL_SET, I32_CONST, I64_CONST, F32_CONST, F64_CONST, I32_EQZ, I32_LE_U, I32_ADD, I32_SUB, I32_MUL, I32_AND, I32_SHR_U,
} from "./helpers/wasm-asm.ts";

const nodeBin = process.execPath;
// JSPI is not in the TypeScript DOM/Node typings yet.
const { Suspending, promising } = WebAssembly as unknown as {
  Suspending: new (fn: (...args: never[]) => unknown) => Function;
  promising: (fn: Function) => (...args: unknown[]) => Promise<unknown>;
};
const NO_MEMORY_CAP = 65536;

// ---- the sample module -------------------------------------------------------
// An imported global and table plus defined ones, so the appended fuel global and
// table must land after both, and every original index must keep working.

const sampleFuncs = {
  sum: 0, // 1 + 2 + ... + n, do-while loop: the loop head runs n times
  nested: 1, // a * b by nested loops: heads run a + a*b times
  fib: 2, // loop with block params [i32 i32] -> [i32]: heads run n times
  collatz: 3, // steps to reach 1, br_table inside a loop: heads run steps + 1 times
  classify: 4, // br_table, no loop
  dispatch: 5, // call_indirect through the module's own table
  globals: 6, // reads imported and defined globals, bumps g1 three times in a loop
  spin: 7, // endless loop bumping the "iters" global
};

function sampleModule(): Uint8Array {
  const types = [funcType([I32], [I32]), funcType([I32, I32], [I32]), funcType([], []), funcType([], [I32])];
  const imports = [
    [...str("env"), ...str("g0"), GLOBAL_KIND, I32, 0x00],
    [...str("env"), ...str("t0"), TABLE_KIND, FUNCREF, 0x00, 0x01],
  ];
  const sum = body([[1, I32]], [
    BLOCK, EMPTY,
    LOCAL_GET, 0, I32_EQZ, BR_IF, 0,
    LOOP, EMPTY,
    LOCAL_GET, 1, LOCAL_GET, 0, I32_ADD, LOCAL_SET, 1,
    LOCAL_GET, 0, I32_CONST, 1, I32_SUB, LOCAL_TEE, 0, BR_IF, 0,
    END,
    END,
    LOCAL_GET, 1,
  ]);
  const nested = body([[3, I32]], [
    LOCAL_GET, 0, LOCAL_SET, 2,
    LOOP, EMPTY,
    LOCAL_GET, 1, LOCAL_SET, 3,
    LOOP, EMPTY,
    LOCAL_GET, 4, I32_CONST, 1, I32_ADD, LOCAL_SET, 4,
    LOCAL_GET, 3, I32_CONST, 1, I32_SUB, LOCAL_TEE, 3, BR_IF, 0,
    END,
    LOCAL_GET, 2, I32_CONST, 1, I32_SUB, LOCAL_TEE, 2, BR_IF, 0,
    END,
    LOCAL_GET, 4,
  ]);
  const fib = body([[2, I32]], [
    I32_CONST, 0, I32_CONST, 1,
    LOOP, 1, // (param i32 i32) (result i32), via type 1
    LOCAL_SET, 2, LOCAL_SET, 1,
    LOCAL_GET, 2, LOCAL_GET, 1, LOCAL_GET, 2, I32_ADD,
    LOCAL_GET, 0, I32_CONST, 1, I32_SUB, LOCAL_TEE, 0, BR_IF, 0,
    DROP,
    END,
  ]);
  const collatz = body([[1, I32]], [
    BLOCK, EMPTY,
    LOOP, EMPTY,
    LOCAL_GET, 0, I32_CONST, 1, I32_LE_U, BR_IF, 1,
    LOCAL_GET, 1, I32_CONST, 1, I32_ADD, LOCAL_SET, 1,
    BLOCK, EMPTY,
    BLOCK, EMPTY,
    LOCAL_GET, 0, I32_CONST, 1, I32_AND,
    BR_TABLE, 2, 0, 1, 1, // even -> 0, odd -> 1, default -> 1
    END,
    LOCAL_GET, 0, I32_CONST, 1, I32_SHR_U, LOCAL_SET, 0, BR, 1,
    END,
    LOCAL_GET, 0, I32_CONST, 3, I32_MUL, I32_CONST, 1, I32_ADD, LOCAL_SET, 0, BR, 0,
    END,
    END,
    LOCAL_GET, 1,
  ]);
  const classify = body([], [
    BLOCK, EMPTY, BLOCK, EMPTY, BLOCK, EMPTY,
    LOCAL_GET, 0, BR_TABLE, 2, 0, 1, 2,
    END, I32_CONST, 10, RETURN,
    END, I32_CONST, 20, RETURN,
    END, I32_CONST, 30,
  ]);
  const dispatch = body([], [LOCAL_GET, 1, LOCAL_GET, 0, CALL_INDIRECT, 0, 1]);
  const globals = body([[1, I32]], [
    I32_CONST, 3, LOCAL_SET, 0,
    LOOP, EMPTY,
    GLOBAL_GET, 1, I32_CONST, 1, I32_ADD, GLOBAL_SET, 1,
    LOCAL_GET, 0, I32_CONST, 1, I32_SUB, LOCAL_TEE, 0, BR_IF, 0,
    END,
    GLOBAL_GET, 0, GLOBAL_GET, 1, I32_ADD, GLOBAL_GET, 2, I32_ADD,
  ]);
  const spin = body([], [LOOP, EMPTY, GLOBAL_GET, 3, I32_CONST, 1, I32_ADD, GLOBAL_SET, 3, BR, 0, END]);
  return wasm(
    section(TYPE, types),
    section(IMPORT, imports),
    section(FUNCTION, [[0], [1], [0], [0], [0], [1], [3], [2]]),
    section(TABLE, [[FUNCREF, 0x01, 4, 4]]),
    section(GLOBAL, [
      [I32, 0x01, I32_CONST, 7, END], // g1
      [I32, 0x00, I32_CONST, ...sleb(100), END], // g2
      [I32, 0x01, I32_CONST, 0, END], // g3 "iters"
    ]),
    section(EXPORT, [
      ...Object.entries(sampleFuncs).map(([name, index]) => exportEntry(name, FUNC, index)),
      exportEntry("g1", GLOBAL_KIND, 1),
      exportEntry("iters", GLOBAL_KIND, 3),
      exportEntry("tbl", TABLE_KIND, 1),
    ]),
    // table 1 = [sum, collatz, classify, fib]
    section(ELEM, [[0x02, 0x01, I32_CONST, 0, END, 0x00, ...vec([[0], [3], [4], [2]])]]),
    section(CODE, [sum, nested, fib, collatz, classify, dispatch, globals, spin]),
  );
}

type Fn = (...args: number[]) => number;
type Exports = Record<string, Fn> & { g1: WebAssembly.Global; iters: WebAssembly.Global };

function sampleImports() {
  return { env: { g0: 1000, t0: new WebAssembly.Table({ initial: 1, element: "anyfunc" }) } };
}

/** Occurrences of the injected fuel check for the given global, type and table. */
function countSnippets(bytes: Uint8Array, global: number, type: number, table: number): number {
  const snippet = [GLOBAL_GET, global, I32_CONST, 1, I32_SUB, GLOBAL_SET, global, GLOBAL_GET, global, I32_EQZ, IF, EMPTY, I32_CONST, 0, CALL_INDIRECT, type, table, END];
  let count = 0;
  outer: for (let i = 0; i + snippet.length <= bytes.length; i++) {
    for (let j = 0; j < snippet.length; j++) if (bytes[i + j] !== snippet[j]) continue outer;
    count++;
  }
  return count;
}

// ---- behaviour -----------------------------------------------------------------

test("the sample module validates before and after, with indices preserved", () => {
  const original = sampleModule();
  assert.ok(WebAssembly.validate(original as BufferSource));
  const out = instrument(original, { fuelPerSlice: 1000, maxMemoryPages: NO_MEMORY_CAP, maxTableElements: 100_000 });
  assert.ok(WebAssembly.validate(out.bytes as BufferSource));
  assert.equal(out.fuelGlobalExport, FUEL_GLOBAL_EXPORT);
  assert.equal(out.fuelTableExport, FUEL_TABLE_EXPORT);
  // Fuel global 4 (1 imported + 3 defined), existing [] -> [] type 2 reused, fuel table 2 (1 imported + 1 defined);
  // one check per function entry (8) and per loop (7).
  assert.equal(countSnippets(out.bytes, 4, 2, 2), 15);

  const instance = instantiate(out, sampleImports());
  const kinds = Object.fromEntries(WebAssembly.Module.exports(new WebAssembly.Module(out.bytes as BufferSource)).map((e) => [e.name, e.kind]));
  assert.equal(kinds[FUEL_GLOBAL_EXPORT], "global");
  assert.equal(kinds[FUEL_TABLE_EXPORT], "table");
  assert.equal(fuelOf(instance).value, 1000);
  assert.equal((instance.exports[FUEL_TABLE_EXPORT] as WebAssembly.Table).length, 1);
});

test("instrumented functions return the same results, even when fuel runs out constantly", () => {
  const original = sampleModule();
  const plain = instantiate(original, sampleImports()).exports as Exports;
  const fuelPerSlice = 3;
  const instance = instantiate(instrument(original, { fuelPerSlice, maxMemoryPages: NO_MEMORY_CAP, maxTableElements: 100_000 }), sampleImports());
  let yields = 0;
  connectYield(instance, () => {
    yields++;
    fuelOf(instance).value = fuelPerSlice;
  });
  const fuelled = instance.exports as Exports;

  for (let n = 0; n < 30; n++) {
    assert.equal(fuelled.sum(n), plain.sum(n), `sum(${n})`);
    assert.equal(fuelled.fib(n + 1), plain.fib(n + 1), `fib(${n + 1})`); // fib(0) would count down from 2^32
    assert.equal(fuelled.collatz(n), plain.collatz(n), `collatz(${n})`);
    assert.equal(fuelled.classify(n % 5), plain.classify(n % 5), `classify(${n % 5})`);
    for (let slot = 0; slot < 3; slot++) assert.equal(fuelled.dispatch(slot, n), plain.dispatch(slot, n), `dispatch(${slot}, ${n})`);
  }
  for (const [a, b] of [[1, 1], [3, 4], [7, 5]]) assert.equal(fuelled.nested(a, b), plain.nested(a, b));
  assert.equal(plain.sum(10), 55);
  assert.equal(plain.fib(10), 55);
  assert.equal(plain.collatz(27), 111);
  assert.equal(plain.nested(7, 5), 35);
  assert.deepEqual([0, 1, 2, 3].map((x) => plain.classify(x)), [10, 20, 30, 30]);
  // globals(): g0 (imported, 1000) + g1 (7, bumped 3 times) + g2 (100)
  assert.equal(fuelled.globals(), plain.globals());
  assert.equal(fuelled.globals(), 1113);
  assert.equal(fuelled.g1.value, 13);
  assert.ok(yields > 100, `expected many yields, got ${yields}`);
});

test("exportGlobals exports every global, imported and defined, by index, and leaves them working", () => {
  const out = instrument(sampleModule(), { fuelPerSlice: 1000, maxMemoryPages: NO_MEMORY_CAP, maxTableElements: 100_000, exportGlobals: true });
  const instance = instantiate(out, sampleImports());
  const exports = instance.exports as Exports & Record<string, WebAssembly.Global>;
  const names = Object.keys(exports).filter((name) => name.startsWith(GLOBAL_EXPORT_PREFIX)).sort();
  // 1 imported + 3 defined; the fuel global (4) is not one of the module's own.
  assert.deepEqual(names, [0, 1, 2, 3].map((i) => `${GLOBAL_EXPORT_PREFIX}${i}`));
  const plain = instantiate(sampleModule(), sampleImports()).exports as Exports;
  assert.equal(exports.globals(), plain.globals());
  assert.equal(exports[`${GLOBAL_EXPORT_PREFIX}1`]!.value, exports.g1.value);
  assert.equal(exports[`${GLOBAL_EXPORT_PREFIX}0`]!.value, 1000);
});

test("fuel drops by exactly one per function entry and per loop iteration", () => {
  const start = 1_000_000;
  const instance = instantiate(instrument(sampleModule(), { fuelPerSlice: start, maxMemoryPages: NO_MEMORY_CAP, maxTableElements: 100_000 }), sampleImports());
  const fuel = fuelOf(instance);
  const f = instance.exports as Exports;
  const spent = (run: () => void) => {
    fuel.value = start;
    run();
    return start - (fuel.value as number);
  };
  assert.equal(spent(() => f.sum(0)), 1);
  assert.equal(spent(() => f.sum(10)), 1 + 10);
  assert.equal(spent(() => f.nested(3, 4)), 1 + 3 + 3 * 4);
  assert.equal(spent(() => f.fib(10)), 1 + 10);
  assert.equal(spent(() => f.collatz(6)), 1 + 8 + 1); // 8 steps
  assert.equal(spent(() => f.classify(1)), 1);
  assert.equal(spent(() => f.dispatch(0, 10)), 1 + (1 + 10)); // dispatch + sum(10)
  assert.equal(spent(() => f.globals()), 1 + 3);
});

test("an endless loop calls the fuel table's slot 0 every fuelPerSlice units", () => {
  const fuelPerSlice = 1000;
  const instance = instantiate(instrument(sampleModule(), { fuelPerSlice, maxMemoryPages: NO_MEMORY_CAP, maxTableElements: 100_000 }), sampleImports());
  const f = instance.exports as Exports;
  const itersAtYield: number[] = [];
  connectYield(instance, () => {
    itersAtYield.push(f.iters.value as number);
    fuelOf(instance).value = fuelPerSlice;
    if (itersAtYield.length === 5) throw new Error("enough");
  });
  assert.throws(() => f.spin(), /enough/);
  // Slice one pays for the function entry, and the head that runs out comes before the increment.
  assert.equal(itersAtYield[0], fuelPerSlice - 2);
  for (let i = 1; i < itersAtYield.length; i++) assert.equal(itersAtYield[i] - itersAtYield[i - 1], fuelPerSlice);
});

test("JSPI: a looping guest yields to the event loop and can be stopped by rejecting", async () => {
  const fuelPerSlice = 10_000;
  const instance = instantiate(instrument(sampleModule(), { fuelPerSlice, maxMemoryPages: NO_MEMORY_CAP, maxTableElements: 100_000 }), sampleImports());
  const f = instance.exports as Exports;
  let stop = false;
  let yields = 0;
  connectYield(
    instance,
    new Suspending(async () => {
      yields++;
      if (stop) throw new Error("stopped by the host");
      fuelOf(instance).value = fuelPerSlice;
      await new Promise((resolve) => setImmediate(resolve));
    }),
  );

  let settled = false;
  const running = promising(f.spin)();
  running.then(() => (settled = true), () => (settled = true));
  const timer = await new Promise<{ iters: number; settled: boolean }>((resolve) =>
    setTimeout(() => {
      stop = true;
      resolve({ iters: f.iters.value as number, settled });
    }, 30),
  );
  await assert.rejects(running, /stopped by the host/);
  assert.equal(timer.settled, false, "the guest was still running when the timer fired");
  assert.ok(timer.iters > 0, `the guest made progress before the timer (${timer.iters} iterations)`);
  assert.ok(yields >= 2);
  assert.ok((f.iters.value as number) >= timer.iters);
});

// ---- proposals and encodings --------------------------------------------------------

test("SIMD, atomics, bulk memory, reference types, exceptions, GC instructions and tail calls decode correctly", () => {
  const zero16 = new Array(16).fill(0);
  const SIMD = 0xfd, ATOMIC = 0xfe, MISC = 0xfc, GC = 0xfb;
  const loop = [LOOP, EMPTY, END];
  const funcs: number[][] = [
    // SIMD: v128.const, i8x16.shuffle, extract_lane, memarg, memarg + lane, relaxed swizzle (a two-byte sub-opcode)
    body([], [
      SIMD, 12, ...zero16, SIMD, 12, ...zero16, SIMD, 13, ...zero16.map((_, i) => i * 2), SIMD, 22, 3, DROP,
      I32_CONST, 0, SIMD, 0, 4, 0, DROP,
      I32_CONST, 0, SIMD, 12, ...zero16, SIMD, 84, 0, 0, 5,
      SIMD, 12, ...zero16, SIMD, ...uleb(0x100), SIMD, 27, 0, DROP,
      ...loop, LOCAL_GET, 0,
    ]),
    // atomics: rmw with memarg, fence with its reserved byte, notify
    body([], [
      I32_CONST, 0, I32_CONST, 1, ATOMIC, 0x1e, 2, 0, DROP,
      ATOMIC, 0x03, 0x00,
      I32_CONST, 0, I32_CONST, 0, ATOMIC, 0x00, 2, 0, DROP,
      ...loop, LOCAL_GET, 0,
    ]),
    // bulk memory, saturating truncation, sign extension, multi-memory memarg, wide constants
    body([], [
      I32_CONST, 0, I32_CONST, 0, I32_CONST, 0, MISC, 10, 0, 0,
      I32_CONST, 0, I32_CONST, 0, I32_CONST, 0, MISC, 11, 0,
      F32_CONST, 0, 0, 0xc0, 0x3f, MISC, 0, DROP,
      MISC, 16, 0, DROP,
      LOCAL_GET, 0, 0xc0, DROP,
      I32_CONST, 0, 0x28, 0x42, 1, ...uleb(1 << 20), DROP, // i32.load align=2 memory 1 offset 2^20
      I64_CONST, ...sleb(-123456789012345n), DROP,
      F64_CONST, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, DROP,
      ...loop, LOCAL_GET, 0,
    ]),
    // reference types, typed select, multi-value block
    body([], [
      0xd0, FUNCREF, 0xd1, DROP,
      0xd2, 3, DROP,
      I32_CONST, 0, 0x25, 0, 0xd1, DROP,
      LOCAL_GET, 0, I32_CONST, 1, LOCAL_GET, 0, 0x1c, 1, I32, DROP,
      BLOCK, 1, I32_CONST, 1, I32_CONST, 2, END, I32_ADD, DROP,
      ...loop, LOCAL_GET, 0,
    ]),
    // exceptions: try_table with catch clauses, legacy try/catch/catch_all/delegate/rethrow, throw_ref
    body([], [
      BLOCK, I32,
      0x1f, EMPTY, 1, 0x00, 0, 0, // try_table (catch tag 0 -> label 0)
      LOCAL_GET, 0, 0x08, 0,
      END,
      I32_CONST, 0x7f,
      END,
      0x06, I32, LOCAL_GET, 0, 0x08, 0, 0x07, 0, 0x19, I32_CONST, 7, END, // try/catch/catch_all
      I32_ADD, DROP,
      0x06, EMPTY, NOP, 0x18, 0, // try ... delegate 0
      0x06, EMPTY, 0x19, 0x09, 0, END, // try catch_all rethrow 0 end
      ...loop,
      BLOCK, 0x69, 0x1f, EMPTY, 1, 0x03, 0, END, UNREACHABLE, END, // catch_all_ref into an exnref block
      0x0a, // throw_ref
    ]),
    // GC instructions that need no GC types: typed locals and block types, i31, ref.test, br_on_cast
    body([[1, 0x63, FUNCREF]], [
      I32_CONST, 3, GC, 0x1c, GC, 0x1d, DROP,
      0xd0, 0x6e, GC, 0x14, 0x6c, DROP,
      BLOCK, 0x6e, 0xd0, 0x6e, GC, 24, 0x03, 0, 0x6e, 0x6c, END, DROP,
      BLOCK, 0x63, FUNCREF, 0xd0, FUNCREF, END, LOCAL_SET, 1,
      ...loop, LOCAL_GET, 0,
    ]),
    // tail calls
    body([], [LOCAL_GET, 0, 0x12, 7]),
    body([], [LOCAL_GET, 0, I32_CONST, 0, 0x13, 0, 0]),
    // br_table with many targets around a loop
    body([], [BLOCK, EMPTY, LOOP, EMPTY, LOCAL_GET, 0, BR_TABLE, 5, 0, 1, 0, 1, 0, 1, END, END, LOCAL_GET, 0]),
  ];
  const loops = 7;
  const module = wasm(
    section(TYPE, [
      funcType([I32], [I32]), // 0
      funcType([], [I32, I32]), // 1
      funcType([I32], []), // 2
    ]),
    section(FUNCTION, funcs.map(() => [0])),
    section(TABLE, [[FUNCREF, 0x00, 2]]),
    section(MEMORY, [[0x03, 1, 1], [0x00, 1]]), // shared memory 0, memory 1
    section(TAG, [[0x00, 2]]),
    section(EXPORT, [exportEntry("f0", FUNC, 0)]),
    section(ELEM, [[0x03, 0x00, ...vec([[3]])]]), // declares function 3 for ref.func
    section(CODE, funcs),
  );
  assert.ok(WebAssembly.validate(module as BufferSource), "the hand-written module is valid");
  const out = instrument(module, { fuelPerSlice: 100, maxMemoryPages: 10, maxTableElements: 100_000 }).bytes;
  assert.ok(WebAssembly.validate(out as BufferSource));
  // No globals or [] -> [] type before: fuel global 0, type 3, fuel table 1.
  assert.equal(countSnippets(out, 0, 3, 1), funcs.length + loops);
});

test("missing table, global and export sections are created in canonical order", () => {
  const module = wasm(
    rawSection(0, [...str("before"), 1, 2, 3]),
    section(TYPE, [funcType([], [I32])]),
    rawSection(0, str("middle")),
    section(FUNCTION, [[0]]),
    section(CODE, [body([], [LOOP, EMPTY, END, I32_CONST, 42])]),
    rawSection(0, str("after")),
  );
  const out = instrument(module, { fuelPerSlice: 5, maxMemoryPages: 1, maxTableElements: 100_000 }).bytes;
  assert.ok(WebAssembly.validate(out as BufferSource));
  const m = new WebAssembly.Module(out as BufferSource);
  assert.equal(WebAssembly.Module.customSections(m, "before").length, 1);
  assert.deepEqual(WebAssembly.Module.exports(m).map((e) => e.name), [FUEL_GLOBAL_EXPORT, FUEL_TABLE_EXPORT]);
  // [] -> [] appended as type 1
  assert.equal(countSnippets(out, 0, 1, 0), 2);
  const ids: number[] = [];
  for (let pos = 8; pos < out.length; ) {
    ids.push(out[pos++]);
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const b = out[pos++];
      size |= (b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    pos += size;
  }
  assert.deepEqual(ids, [0, TYPE, 0, FUNCTION, TABLE, GLOBAL, EXPORT, CODE, 0]);
});

test("instrumenting twice is refused because the fuel export names are taken", () => {
  const once = instrument(sampleModule(), { fuelPerSlice: 5, maxMemoryPages: 1, maxTableElements: 100_000 }).bytes;
  assert.throws(() => instrument(once, { fuelPerSlice: 5, maxMemoryPages: 1, maxTableElements: 100_000 }), (e: unknown) =>
    e instanceof ModuleFormatError && /already exports "onebox_fuel"/.test(e.message));
});

// ---- memory cap ----------------------------------------------------------------------

function memoryModule(limits: number[], code = true): Uint8Array {
  return wasm(
    section(TYPE, [funcType([I32], [I32])]),
    ...(code ? [section(FUNCTION, [[0]])] : []),
    section(MEMORY, [limits]),
    section(EXPORT, [exportEntry("memory", MEMORY_KIND, 0), ...(code ? [exportEntry("grow", FUNC, 0)] : [])]),
    ...(code ? [section(CODE, [body([], [LOCAL_GET, 0, 0x40, 0])])] : []),
  );
}

function pagesAllowed(code: Instrumented): number {
  const memory = instantiate(code).exports.memory as WebAssembly.Memory;
  let pages = memory.buffer.byteLength / 65536;
  while (pages < 70000) {
    try {
      memory.grow(1);
      pages++;
    } catch {
      return pages;
    }
  }
  return pages;
}

test("memory cap: a missing maximum is added, a larger one lowered, a smaller one kept", () => {
  const cap = { fuelPerSlice: 100, maxMemoryPages: 10, maxTableElements: 100_000 };
  assert.equal(pagesAllowed(instrument(memoryModule([0x00, 1]), cap)), 10);
  assert.equal(pagesAllowed(instrument(memoryModule([0x01, 1, 100]), cap)), 10);
  assert.equal(pagesAllowed(instrument(memoryModule([0x01, 1, 5]), cap)), 5);
  // Without a code section only the memory changes.
  const noCode = instrument(memoryModule([0x00, 2], false), cap);
  assert.equal(pagesAllowed(noCode), 10);
  assert.deepEqual(WebAssembly.Module.exports(new WebAssembly.Module(noCode.bytes as BufferSource)).map((e) => e.name), ["memory"]);
  // Shared memory keeps its flag.
  const shared = instantiate(instrument(memoryModule([0x03, 1, 50]), cap)).exports.memory as WebAssembly.Memory;
  assert.ok(shared.buffer instanceof SharedArrayBuffer);
  assert.throws(() => shared.grow(10));
});

test("memory cap: defined memories become imports the host creates, so one compiled module serves any cap", () => {
  const out = instrument(memoryModule([0x01, 2, 100]), { fuelPerSlice: 100, maxMemoryPages: 50, maxTableElements: 100_000 });
  const module = new WebAssembly.Module(out.bytes as BufferSource);
  assert.deepEqual(WebAssembly.Module.imports(module), [{ module: MEMORY_IMPORT_MODULE, name: "0", kind: "memory" }]);
  assert.deepEqual(out.memories, [{ name: "0", min: 2, max: 50, shared: false, is64: false }]);
  for (const cap of [2, 7, 50]) {
    const memory = new WebAssembly.Instance(module, createMemories(out.memories, cap)).exports.memory as WebAssembly.Memory;
    assert.throws(() => memory.grow(cap - 1));
    if (cap > 2) memory.grow(cap - 2);
    assert.equal(memory.buffer.byteLength, cap * 65536);
  }
  // Beyond what the module declares (the node's cap) the host cannot go.
  const wide = new WebAssembly.Instance(module, createMemories(out.memories, 80)).exports.memory as WebAssembly.Memory;
  assert.throws(() => wide.grow(49));
  assert.throws(() => createMemories(out.memories, 1), (e: unknown) => e instanceof MemoryCapError && /needs 2 pages/.test(e.message));
});

test("memory cap: memory64 limits are capped too", () => {
  const module = wasm(
    section(TYPE, [funcType([I64], [I64])]),
    section(FUNCTION, [[0]]),
    section(MEMORY, [[0x04, 1]]),
    section(EXPORT, [exportEntry("grow", FUNC, 0)]),
    section(CODE, [body([], [LOCAL_GET, 0, 0x40, 0])]),
  );
  assert.ok(WebAssembly.validate(module as BufferSource));
  const grow = instantiate(instrument(module, { fuelPerSlice: 100, maxMemoryPages: 4, maxTableElements: 100_000 })).exports.grow as (n: bigint) => bigint;
  assert.equal(grow(4n), -1n);
  assert.equal(grow(3n), 1n);
  assert.throws(() => instrument(wasm(section(MEMORY, [[0x04, 9]])), { fuelPerSlice: 1, maxMemoryPages: 4, maxTableElements: 100_000 }), /needs 9 pages/);
});

test("memory cap: a minimum above the limit is refused", () => {
  assert.throws(
    () => instrument(memoryModule([0x00, 20]), { fuelPerSlice: 100, maxMemoryPages: 10, maxTableElements: 100_000 }),
    (e: unknown) => e instanceof ModuleFormatError && e.message === "module needs 20 pages of memory at start; the limit is 10",
  );
});

test("memory cap: imported memories are left alone", () => {
  const module = wasm(
    section(TYPE, [funcType([], [])]),
    section(IMPORT, [[...str("env"), ...str("memory"), MEMORY_KIND, 0x00, 1]]),
    section(FUNCTION, [[0]]),
    section(CODE, [body([], [])]),
  );
  const out = instrument(module, { fuelPerSlice: 100, maxMemoryPages: 10, maxTableElements: 100_000 }).bytes;
  // A memory without a maximum is only accepted if the import still declares none.
  instantiate(out, { env: { memory: new WebAssembly.Memory({ initial: 1 }) } });
  assert.deepEqual(out.subarray(0, 30), module.subarray(0, 30));
});

// ---- malformed input ----------------------------------------------------------------

function rejects(bytes: Uint8Array, message: RegExp): void {
  assert.throws(() => instrument(bytes, { fuelPerSlice: 100, maxMemoryPages: 10, maxTableElements: 100_000 }), (e: unknown) => {
    assert.ok(e instanceof ModuleFormatError, `expected ModuleFormatError, got ${e}`);
    assert.match(e.message, message);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
}

test("malformed modules give a one-line ModuleFormatError", () => {
  rejects(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 0, 0, 0]), /^not a WebAssembly module \(bad magic\)$/);
  rejects(new Uint8Array([0x00, 0x61, 0x73]), /bad magic/);
  rejects(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]), /WebAssembly component .* not supported/);
  rejects(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00]), /unsupported WebAssembly version 2/);

  const good = sampleModule();
  rejects(good.subarray(0, good.length - 3), /code section at offset \d+ is truncated/);
  rejects(wasm([TYPE, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), /LEB128 at offset 9/);
  rejects(wasm([TYPE, 0x80, 0x80, 0x80, 0x80, 0x10]), /LEB128 at offset 9 does not fit in 32 bits/);
  rejects(wasm([TYPE, 0x80, 0x80]), /unexpected end of module at offset 11/);

  const withOpcode = (code: number[]) =>
    wasm(section(TYPE, [funcType([], [])]), section(FUNCTION, [[0]]), section(CODE, [body([], code)]));
  const bodyStart = withOpcode([]).length - 1; // first instruction byte
  rejects(withOpcode([NOP, 0x16]), new RegExp(`^unknown opcode 0x16 at offset ${bodyStart + 1}$`));
  rejects(withOpcode([0xfc, 0x30]), new RegExp(`^unknown opcode 0xfc 0x30 at offset ${bodyStart}$`));
  rejects(withOpcode([0xfd, ...uleb(154)]), /unknown opcode 0xfd 0x9a/);
  rejects(withOpcode([F64_CONST, 1, 2]), new RegExp(`^unexpected end of function body at offset ${bodyStart + 4}$`));
  rejects(
    wasm(section(TYPE, [funcType([0x55], [])]), section(FUNCTION, [[0]]), section(CODE, [body([], [])])),
    /^unknown value type 0x55 at offset 13$/,
  );
  rejects(wasm([13, 0], [TYPE, 0]), /type section at offset 10 is duplicated or out of order/);
  rejects(wasm([14, 0]), /unknown section id 14 at offset 8/);
});

test("truncated and corrupted modules only ever throw ModuleFormatError, and valid ones stay valid", () => {
  for (const good of [sampleModule(), bulkModule()]) fuzz(good);
});

function fuzz(good: Uint8Array): void {
  const opts = { fuelPerSlice: 100, maxMemoryPages: NO_MEMORY_CAP, maxTableElements: 100_000 };
  const check = (bytes: Uint8Array) => {
    let out: Uint8Array;
    try {
      out = instrument(bytes, opts).bytes;
    } catch (e) {
      assert.ok(e instanceof ModuleFormatError, `non-ModuleFormatError for input ${Buffer.from(bytes).toString("hex")}: ${e}`);
      assert.ok(!WebAssembly.validate(bytes as BufferSource), `valid input refused: ${e}`);
      return;
    }
    if (WebAssembly.validate(bytes as BufferSource)) assert.ok(WebAssembly.validate(out as BufferSource), Buffer.from(bytes).toString("hex"));
  };
  for (let len = 0; len < good.length; len++) check(good.subarray(0, len));
  let seed = 1;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 3000; i++) {
    const bytes = good.slice();
    for (let k = 1 + Math.floor(random() * 3); k > 0; k--) bytes[8 + Math.floor(random() * (bytes.length - 8))] = Math.floor(random() * 256);
    check(bytes);
  }
}

test("bad options are programming errors, not module errors", () => {
  assert.throws(() => instrument(sampleModule(), { fuelPerSlice: 0, maxMemoryPages: 1, maxTableElements: 100_000 }), RangeError);
  assert.throws(() => instrument(sampleModule(), { fuelPerSlice: 2 ** 31, maxMemoryPages: 1, maxTableElements: 100_000 }), RangeError);
  assert.throws(() => instrument(sampleModule(), { fuelPerSlice: 1, maxMemoryPages: -1, maxTableElements: 100_000 }), RangeError);
  assert.throws(() => instrument(sampleModule(), { fuelPerSlice: 1, maxMemoryPages: 1, maxTableElements: 2 ** 32 }), RangeError);
});

// ---- AssemblyScript output -------------------------------------------------------------

const ascSource = `
export function sieve(n: i32): i32 {
  const composite = new Array<bool>(n + 1);
  let count = 0;
  for (let i = 2; i <= n; i++) {
    if (!composite[i]) {
      count++;
      for (let j = i * 2; j <= n; j += i) composite[j] = true;
    }
  }
  return count;
}
export function digits(n: i32): i32 {
  let s = "";
  for (let i = 0; i < n; i++) s += i.toString();
  return s.length;
}
export function collatzMax(limit: i32): i32 {
  let best = 0;
  for (let start = 1; start < limit; start++) {
    let n = <i64>start;
    let steps = 0;
    while (n != 1) { n = n & 1 ? 3 * n + 1 : n >> 1; steps++; }
    if (steps > best) best = steps;
  }
  return best;
}
let spins = 0;
export function spin(): void { while (true) spins++; }
export function grab(bytes: i32): i32 { return new ArrayBuffer(bytes).byteLength; }
`;

function findAsc(): string | undefined {
  return [process.env.ASC, join(process.cwd(), "node_modules/.bin/asc"), "/tmp/probe/node_modules/.bin/asc"].find(
    (p): p is string => !!p && existsSync(p),
  );
}

test("AssemblyScript modules (-O3 and debug) stay valid and behave the same", async (t) => {
  const asc = findAsc();
  if (!asc) return t.skip("asc not found (set ASC to its path)");
  const dir = mkdtempSync(join(tmpdir(), "onebox-asc-"));
  try {
    writeFileSync(join(dir, "guest.ts"), ascSource);
    const run = promisify(execFile);
    const builds = { O3: ["-O3"], debug: ["--debug"] };
    await Promise.all(
      Object.entries(builds).map(([name, flags]) =>
        run(nodeBin, [asc, join(dir, "guest.ts"), ...flags, "-o", join(dir, `${name}.wasm`)]),
      ),
    );
    for (const name of Object.keys(builds)) {
      const original = new Uint8Array(readFileSync(join(dir, `${name}.wasm`)));
      const out = instrument(original, { fuelPerSlice: 50, maxMemoryPages: 64, maxTableElements: 100_000 });
      assert.ok(WebAssembly.validate(out.bytes as BufferSource), `${name} output validates`);
      const imports = { env: { abort: () => { throw new Error("abort"); } } };
      const plain = instantiate(original, imports).exports as Record<string, Fn>;
      const instance = instantiate(out, imports);
      let yields = 0;
      let stopAt = Infinity;
      connectYield(instance, () => {
        yields++;
        fuelOf(instance).value = 50;
        if (yields >= stopAt) throw new Error("spun long enough");
      });
      const fuelled = instance.exports as Record<string, Fn>;
      for (const [fn, arg] of [["sieve", 10000], ["digits", 500], ["collatzMax", 3000]] as const) {
        assert.equal(fuelled[fn](arg), plain[fn](arg), `${name} ${fn}(${arg})`);
      }
      assert.equal(plain.sieve(10000), 1229);
      assert.ok(yields > 1000, `${name}: yields ${yields}`);
      stopAt = yields + 100;
      assert.throws(() => fuelled.spin(), /spun long enough/);
      stopAt = Infinity;
      // The 64-page (4 MiB) cap holds against the AssemblyScript allocator too.
      assert.equal(plain.grab(8 << 20), 8 << 20);
      assert.equal(fuelled.grab(1 << 20), 1 << 20);
      assert.throws(() => fuelled.grab(8 << 20), /abort|unreachable/i);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- speed ------------------------------------------------------------------------------------

/** About 1 MiB of varied code: loads, wide constants, branches, br_table and nested loops. */
function bigModule(): Uint8Array {
  const chunk = [
    BLOCK, EMPTY, LOOP, EMPTY,
    LOCAL_GET, 0, I32_CONST, ...sleb(123456), I32_ADD, LOCAL_TEE, 1,
    I32_CONST, 4, 0x28, 2, 8, I32_ADD, LOCAL_SET, 1,
    LOCAL_GET, 1, 0xad, I64_CONST, ...sleb(1234567890123n), 0x7e, DROP,
    F64_CONST, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0x9f, DROP,
    LOOP, EMPTY, LOCAL_GET, 1, I32_CONST, 1, I32_SUB, LOCAL_TEE, 1, BR_IF, 0, END,
    LOCAL_GET, 0, BR_TABLE, 4, 0, 1, 0, 1, 1,
    END, END,
  ];
  const perFunction = 200;
  const functions = Math.ceil((1 << 20) / (chunk.length * perFunction));
  const code = body([[1, I32]], [...new Array(perFunction).fill(chunk).flat(), LOCAL_GET, 0]);
  return wasm(
    section(TYPE, [funcType([I32], [I32])]),
    section(FUNCTION, new Array(functions).fill([0])),
    section(MEMORY, [[0x00, 1]]),
    section(CODE, new Array(functions).fill(code)),
  );
}

test("a 1 MiB module instruments quickly", (t) => {
  const module = bigModule();
  assert.ok(module.length >= 1 << 20);
  assert.ok(WebAssembly.validate(module as BufferSource));
  const opts = { fuelPerSlice: 10000, maxMemoryPages: 100, maxTableElements: 100_000 };
  let out = instrument(module, opts).bytes; // warm up
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const started = performance.now();
    out = instrument(module, opts).bytes;
    times.push(performance.now() - started);
  }
  assert.ok(WebAssembly.validate(out as BufferSource));
  const best = Math.min(...times);
  t.diagnostic(`${(module.length / 1048576).toFixed(2)} MiB: best ${best.toFixed(1)} ms, first ${times[0].toFixed(1)} ms`);
  assert.ok(best < 50, `took ${best.toFixed(1)} ms`);
});
