import fs from "node:fs";
import path from "node:path";
import type { Process } from "../process.ts";
import { GLOBAL_EXPORT_PREFIX } from "../wasm/instrument.ts";

/**
 * What `onebox replay --stop-at N --dump DIR` leaves: DIR/memory.bin, the process's
 * linear memory byte for byte as it was before call N ran, and DIR/globals.json,
 * `{ "call": N, "pid", "memoryBytes", "globals": { "global_I": value } }` with the value of
 * each of the module's globals by index I (an i64 as a decimal string; f32 and f64 as
 * numbers), which the replay's node exports (KernelOptions.exportGlobals).
 */
export function dumpProcess(dir: string, proc: Process, exports: WebAssembly.Exports | undefined, call: number): void {
  fs.mkdirSync(dir, { recursive: true });
  const memory = proc.memory.view8(0, proc.memory.byteLength);
  fs.writeFileSync(path.join(dir, "memory.bin"), memory);
  const globals: Record<string, number | string> = {};
  for (const [name, value] of Object.entries(exports ?? {})) {
    if (!(value instanceof WebAssembly.Global) || !name.startsWith(GLOBAL_EXPORT_PREFIX)) continue;
    const v: unknown = value.value;
    globals[`global_${name.slice(GLOBAL_EXPORT_PREFIX.length)}`] = typeof v === "bigint" ? v.toString() : Number(v);
  }
  const summary = { call, pid: proc.pid, memoryBytes: memory.byteLength, globals };
  fs.writeFileSync(path.join(dir, "globals.json"), JSON.stringify(summary, null, 2) + "\n");
}
