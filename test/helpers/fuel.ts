// Running instrumented modules in a test without a kernel: the fuel table's slot 0 wired to a function.
import { fuelTrampolineBytes } from "../../host/kernel/wasm/fuel-trampoline.ts";
import { FUEL_GLOBAL_EXPORT, FUEL_TABLE_EXPORT, type Instrumented } from "../../host/kernel/wasm/instrument.ts";
import { createMemories } from "../../host/kernel/process-memory.ts";
import {
  body, CODE, EXPORT, exportEntry, FUNC, FUNCREF, funcType, FUNCTION, I32, I32_CONST, LOCAL_GET, MEMORY, MEMORY_COPY, MEMORY_FILL, MEMORY_KIND,
  MISC, REF_NULL, section, TABLE, TABLE_FILL, TABLE_GROW, TABLE_KIND, TYPE, wasm,
} from "./wasm-asm.ts";

/** Instantiates the trampoline with `onYield` behind it and puts it into the fuel table. */
export function connectYield(instance: WebAssembly.Instance, onYield: Function): void {
  const trampoline = new WebAssembly.Instance(new WebAssembly.Module(fuelTrampolineBytes() as BufferSource), {
    onebox: { fuel_yield: onYield },
  });
  (instance.exports[FUEL_TABLE_EXPORT] as WebAssembly.Table).set(0, trampoline.exports.yield);
}

export function fuelOf(instance: WebAssembly.Instance): WebAssembly.Global {
  return instance.exports[FUEL_GLOBAL_EXPORT] as WebAssembly.Global;
}

/** An instance of plain bytes, or of an instrumented module with its memories as the kernel would make them (uncapped). */
export function instantiate(code: Uint8Array | Instrumented, imports: WebAssembly.Imports = {}): WebAssembly.Instance {
  if (code instanceof Uint8Array) return new WebAssembly.Instance(new WebAssembly.Module(code as BufferSource), imports);
  return new WebAssembly.Instance(new WebAssembly.Module(code.bytes as BufferSource), { ...imports, ...createMemories(code.memories, Infinity) });
}

/** fill(n), copy(n), grow(n), tfill(n): one bulk instruction each, no loop; memory 2 pages, table 100 entries. */
export function bulkModule(): Uint8Array {
  return wasm(
    section(TYPE, [funcType([I32], []), funcType([I32], [I32])]),
    section(FUNCTION, [[0], [0], [1], [0]]),
    section(TABLE, [[FUNCREF, 0x00, 100]]),
    section(MEMORY, [[0x00, 2]]),
    section(EXPORT, [
      exportEntry("fill", FUNC, 0), exportEntry("copy", FUNC, 1), exportEntry("grow", FUNC, 2), exportEntry("tfill", FUNC, 3),
      exportEntry("memory", MEMORY_KIND, 0), exportEntry("table", TABLE_KIND, 0),
    ]),
    section(CODE, [
      body([], [I32_CONST, 0, I32_CONST, 7, LOCAL_GET, 0, MISC, MEMORY_FILL, 0]),
      body([], [I32_CONST, 0, I32_CONST, 1, LOCAL_GET, 0, MISC, MEMORY_COPY, 0, 0]),
      body([], [REF_NULL, FUNCREF, LOCAL_GET, 0, MISC, TABLE_GROW, 0]),
      body([], [I32_CONST, 0, REF_NULL, FUNCREF, LOCAL_GET, 0, MISC, TABLE_FILL, 0]),
    ]),
  );
}
