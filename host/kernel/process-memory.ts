// A process's linear memories: the instrumenter turns a module's defined memories into
// imports (wasm/instrument.ts), and the kernel creates them here for each process under
// that process's own cap, so processes with different caps share one compiled module.

import { shareCap, minimaOf } from "./wasm/caps.ts";
import { MEMORY_IMPORT_MODULE, type MemoryImport } from "./wasm/instrument.ts";

export const PAGE_BYTES = 65536;

/** Why a process's memories cannot be created under its cap, in one line. */
export class MemoryCapError extends Error {}

/** Pages the memories need at start. */
export const initialPages = (memories: readonly MemoryImport[]): number => minimaOf(memories);

/**
 * The memories for one process, capped at `capPages` summed (each at most what the
 * module declares), as the import object's entry.
 */
export type ProcessMemories = { [MEMORY_IMPORT_MODULE]: Record<string, WebAssembly.Memory> };

export function createMemories(memories: readonly MemoryImport[], capPages: number): ProcessMemories {
  const maxima = shareCap(memories, capPages);
  if (!maxima) throw new MemoryCapError(`module needs ${initialPages(memories)} pages of memory at start; the process's limit is ${capPages}`);
  const created: Record<string, WebAssembly.Memory> = {};
  memories.forEach((m, i) => {
    const max = Math.min(maxima[i]!, m.max);
    // memory64 takes its page counts as BigInts and says so with `address`.
    const descriptor = m.is64
      ? { initial: BigInt(m.min), maximum: BigInt(max), shared: m.shared, address: "i64" }
      : { initial: m.min, maximum: max, shared: m.shared };
    created[m.name] = new WebAssembly.Memory(descriptor as WebAssembly.MemoryDescriptor);
  });
  return { [MEMORY_IMPORT_MODULE]: created };
}

/** Pages a process's memories hold now. */
export function pagesInUse(memories: Iterable<WebAssembly.Memory>): number {
  let pages = 0;
  for (const m of memories) pages += m.buffer.byteLength / PAGE_BYTES;
  return pages;
}
