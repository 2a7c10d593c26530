// How long one slice of fuel runs, for a plain loop (the floor) and for a loop
// around the costliest instruction of each charged kind (wasm/charge.ts). Each
// kind's figure is a ratio against the floor: near 1 means its charge rate makes
// a unit cost what a loop iteration does. Run:
//   node bench/probe-fuel.ts [--help]
// It prints, per kind, ms per slice of the default size and the ratio.

import { DEFAULT_LIMITS } from "../host/kernel/kernel.ts";
import { fuelTrampolineBytes } from "../host/kernel/wasm/fuel-trampoline.ts";
import { FUEL_TABLE_EXPORT, instrument } from "../host/kernel/wasm/instrument.ts";
import { createMemories } from "../host/kernel/process-memory.ts";
import {
  body, CODE, DROP, ELEM, END, exportEntry, FUNC, FUNCREF, funcType, I32, I32_CONST, I32_SUB, LOCAL_GET, LOCAL_TEE, LOOP, BR_IF, EMPTY,
  MEMORY, MEMORY_COPY, MEMORY_FILL, MEMORY_INIT, MISC, REF_NULL, section, TABLE, TABLE_COPY, TABLE_FILL, TABLE_GROW, TABLE_INIT, TYPE,
  FUNCTION, sleb, uleb, vec, wasm,
} from "../test/helpers/wasm-asm.ts";

if (process.argv.includes("--help")) {
  console.log("usage: node bench/probe-fuel.ts\nMeasures ms per fuel slice for a plain loop and for each charged bulk instruction, as ratios to the loop,\nand the longest run without a yield inside one big instruction (PROBE_PAGES: memory for the fill, default 16384;\nPROBE_RUNS: instances, default 5).");
  process.exit(0);
}

const DATA_COUNT = 12;
const DATA = 11;
const MEMORY_PAGES = 1024; // 64 MiB, the default cap
const TABLE_SIZE = 65536;
const SEGMENT = 65536; // bytes in the passive data segment, entries in the passive element segment

interface Probe {
  readonly name: string;
  /** The loop body's operation; leaves nothing on the stack. Local 1 is the size. */
  readonly op: number[];
  readonly size: number;
}

const probes: Probe[] = [
  { name: "loop (floor)", op: [], size: 0 },
  { name: "memory.fill", op: [I32_CONST, 0, I32_CONST, 0, LOCAL_GET, 1, MISC, MEMORY_FILL, 0], size: 1 << 20 },
  { name: "memory.copy", op: [I32_CONST, 0, I32_CONST, ...sleb(1 << 21), LOCAL_GET, 1, MISC, MEMORY_COPY, 0, 0], size: 1 << 20 },
  { name: "memory.init", op: [I32_CONST, 0, I32_CONST, 0, LOCAL_GET, 1, MISC, MEMORY_INIT, 0, 0], size: SEGMENT },
  { name: "table.fill", op: [I32_CONST, 0, REF_NULL, FUNCREF, LOCAL_GET, 1, MISC, TABLE_FILL, 0], size: TABLE_SIZE },
  { name: "table.copy", op: [I32_CONST, 0, I32_CONST, 1, LOCAL_GET, 1, MISC, TABLE_COPY, 0, 0], size: TABLE_SIZE - 1 },
  { name: "table.init", op: [I32_CONST, 0, I32_CONST, 0, LOCAL_GET, 1, MISC, TABLE_INIT, 0, 0], size: SEGMENT },
  // Grows a second table that starts empty: each call of run makes it grow anew.
  { name: "table.grow", op: [REF_NULL, FUNCREF, LOCAL_GET, 1, MISC, TABLE_GROW, 1, DROP], size: 4096 },
];

/** (func (export "run") (param iters i32) (param size i32)) looping `op` iters times. */
function probeModule(op: number[], memoryPages = MEMORY_PAGES): Uint8Array {
  const code = [LOOP, EMPTY, ...op, LOCAL_GET, 0, I32_CONST, 1, I32_SUB, LOCAL_TEE, 0, BR_IF, 0, END];
  return wasm(
    section(TYPE, [funcType([I32, I32], [])]),
    section(FUNCTION, [[0]]),
    section(TABLE, [[FUNCREF, 0x00, ...uleb(TABLE_SIZE)], [FUNCREF, 0x00, 0]]),
    section(MEMORY, [[0x00, ...uleb(memoryPages)]]),
    section(0x07, [exportEntry("run", FUNC, 0)]),
    section(ELEM, [[0x01, 0x00, ...vec(new Array(SEGMENT).fill([0]))]]), // passive, funcref, function 0
    [DATA_COUNT, 1, 1],
    section(CODE, [body([], code)]),
    section(DATA, [[0x01, ...uleb(SEGMENT), ...new Array(SEGMENT).fill(7)]]), // passive
  );
}

const slice = DEFAULT_LIMITS.fuelPerSlice;
const trampoline = new WebAssembly.Module(fuelTrampolineBytes() as Uint8Array<ArrayBuffer>);

/** ms per slice over at least `minMs` of running. */
function measure(probe: Probe, minMs: number): number {
  const code = instrument(probeModule(probe.op), { fuelPerSlice: slice, maxMemoryPages: MEMORY_PAGES, maxTableElements: 1 << 30 });
  const module = new WebAssembly.Module(code.bytes as Uint8Array<ArrayBuffer>);
  let slices = 0;
  let ms = 0;
  while (ms < minMs) {
    const instance = new WebAssembly.Instance(module, createMemories(code.memories, Infinity));
    let fuel = instance.exports.onebox_fuel as WebAssembly.Global;
    const yielded = new WebAssembly.Instance(trampoline, {
      onebox: { fuel_yield: () => { slices++; fuel.value = slice; } },
    });
    (instance.exports[FUEL_TABLE_EXPORT] as WebAssembly.Table).set(0, yielded.exports.yield as Function);
    const run = instance.exports.run as (iters: number, size: number) => void;
    const iters = probe.name === "table.grow" ? 64 : probe.size === 0 ? 10 * slice : 200;
    const t0 = performance.now();
    run(iters, probe.size);
    ms += performance.now() - t0;
  }
  return ms / Math.max(1, slices);
}

/**
 * The longest the guest ran without yielding during one instruction of `size` (worst
 * of PROBE_RUNS fresh instances, default 5): a chunked fill or copy yields between its chunks.
 */
function longestStretch(probe: Probe, size: number, memoryPages: number): number {
  const code = instrument(probeModule(probe.op, memoryPages), { fuelPerSlice: slice, maxMemoryPages: memoryPages, maxTableElements: 1 << 30 });
  const module = new WebAssembly.Module(code.bytes as Uint8Array<ArrayBuffer>);
  let worst = 0;
  for (let i = 0; i < Number(process.env.PROBE_RUNS ?? 5); i++) {
    const instance = new WebAssembly.Instance(module, createMemories(code.memories, Infinity));
    const fuel = instance.exports.onebox_fuel as WebAssembly.Global;
    let last = 0;
    const yielded = new WebAssembly.Instance(trampoline, {
      onebox: {
        fuel_yield: () => {
          const now = performance.now();
          worst = Math.max(worst, now - last);
          last = now;
          fuel.value = slice;
        },
      },
    });
    (instance.exports[FUEL_TABLE_EXPORT] as WebAssembly.Table).set(0, yielded.exports.yield as Function);
    last = performance.now();
    (instance.exports.run as (iters: number, size: number) => void)(1, size);
    worst = Math.max(worst, performance.now() - last);
  }
  return worst;
}

const results = probes.map((p) => ({ name: p.name, msPerSlice: (measure(p, 50), measure(p, 300)) }));
const floor = results[0]!.msPerSlice;
console.log(`fuel slice ${slice} units`);
for (const r of results) {
  console.log(`${r.name.padEnd(14)} ${r.msPerSlice.toFixed(3).padStart(8)} ms/slice  ratio ${(r.msPerSlice / floor).toFixed(2)}`);
}
const byName = (name: string) => probes.find((p) => p.name === name)!;
const GIB_PAGES = Number(process.env.PROBE_PAGES ?? 16384);
console.log(`longest run without a yield in one memory.fill of ${GIB_PAGES / 16} MiB: ${longestStretch(byName("memory.fill"), (GIB_PAGES - 1) * 65536, GIB_PAGES).toFixed(2)} ms (worst of 5)`);
console.log(`... in one memory.copy of 32 MiB: ${longestStretch(byName("memory.copy"), 32 << 20, MEMORY_PAGES).toFixed(2)} ms`);
console.log(`... in one table.grow of ${DEFAULT_LIMITS.tableElements} entries: ${longestStretch(byName("table.grow"), DEFAULT_LIMITS.tableElements, MEMORY_PAGES).toFixed(2)} ms`);
