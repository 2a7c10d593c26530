import fs from "node:fs";
import path from "node:path";
import { stampAbiVersion } from "./abi-section.ts";
import { compileAssemblyScript } from "./assemblyscript.ts";
import { compileC } from "./c.ts";

export interface BuildResult {
  readonly out: string;
  readonly bytes: number;
  readonly ms: number;
}

/** Where a guest's binary goes unless told: next to the source, with .wasm. */
export function defaultOutput(source: string): string {
  return source.replace(/\.[^./]+$/, "") + ".wasm";
}

/** Build one guest source file into a stamped module. The language is chosen by extension. */
export async function buildGuest(source: string, out = defaultOutput(source)): Promise<BuildResult> {
  if (!fs.existsSync(source)) throw new Error(`no such file: ${source}`);
  const started = performance.now();
  const ext = path.extname(source);
  let module: Uint8Array;
  if (ext === ".ts") module = await compileAssemblyScript(source);
  else if (ext === ".c") module = await compileC(source);
  else throw new Error(`cannot build ${ext || "a file without extension"}: onebox builds AssemblyScript (.ts) and C (.c)`);
  const stamped = stampAbiVersion(module);
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, stamped);
  return { out, bytes: stamped.byteLength, ms: performance.now() - started };
}
