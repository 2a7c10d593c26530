import { WIT_IMPORT, WIT_START } from "../../abi/wit.ts";
import type { ComponentCode } from "./component-loader.ts";
import type { FuelTrampolines } from "./fuel.ts";
import type { Process } from "./process.ts";
import { componentImportsFor } from "./syscalls/component-calls.ts";
import type { Journal } from "./journal/journal.ts";
import type { Tracer } from "./syscalls/dispatch.ts";
import { FUEL_GLOBAL_EXPORT, FUEL_TABLE_EXPORT } from "./wasm/instrument.ts";
import { createMemories } from "./process-memory.ts";

/** jco keys the import object by interface name without its version. */
const IMPORT_KEY = WIT_IMPORT.replace(/@.*$/, "");

/**
 * Exports jco's glue calls synchronously (cabi_realloc while lowering a result, the
 * post-return cleanup), counted so the fuel trampoline knows not to suspend in them.
 */
function guardExports(exports: WebAssembly.Exports, depth: { n: number }): WebAssembly.Exports {
  const guarded: WebAssembly.Exports = {};
  for (const [name, value] of Object.entries(exports)) {
    if (typeof value !== "function" || name === WIT_START) {
      guarded[name] = value;
      continue;
    }
    const fn = value as (...args: unknown[]) => unknown;
    guarded[name] = (...args: unknown[]) => {
      depth.n++;
      try {
        return fn(...args);
      } finally {
        depth.n--;
      }
    };
  }
  return guarded;
}

/**
 * Instantiate a component for one process with the kernel's calls behind its imports.
 * Synchronous, as a core module's instantiation: jco's generator runs to the end when
 * no core module or instance is a promise. Returns the guest's entry.
 */
export function instantiateComponent(proc: Process, code: ComponentCode, trampolines: FuelTrampolines, trace: () => Tracer | undefined, journal: Journal | undefined): () => Promise<unknown> {
  const depth = { n: 0 };
  const instantiateCore = (module: WebAssembly.Module, imports?: WebAssembly.Imports) => {
    if (module !== code.main) return new WebAssembly.Instance(module, imports);
    const memories = createMemories(code.memories, proc.memoryCap);
    const instance = new WebAssembly.Instance(module, { ...imports, ...memories });
    proc.adoptMemories(memories);
    proc.fuel = instance.exports[FUEL_GLOBAL_EXPORT] as WebAssembly.Global;
    (instance.exports[FUEL_TABLE_EXPORT] as WebAssembly.Table).set(0, trampolines.take(proc, () => depth.n > 0));
    return { exports: guardExports(instance.exports, depth) };
  };
  const component = code.instantiate((name) => code.coreModules.get(name)!, { [IMPORT_KEY]: componentImportsFor(proc, trace, journal) }, instantiateCore);
  if (component instanceof Promise) throw new Error("jco's instantiation did not complete synchronously");
  return () => component[WIT_START]();
}
