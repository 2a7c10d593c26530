import fs from "node:fs";
import path from "node:path";
import { stampAbiVersion } from "./abi-section.ts";
import { compileAssemblyScript } from "./assemblyscript.ts";
import { compileC, type CFlags } from "./c.ts";
import { compileComponent } from "./component.ts";
import { compileCargo, compileRust } from "./rust.ts";

export interface BuildResult {
  readonly out: string;
  readonly bytes: number;
  readonly ms: number;
}

/** Where a guest's binary goes unless told: next to the source (or Cargo package directory), with .wasm. */
export function defaultOutput(source: string): string {
  return source.replace(/[\\/]+$/, "").replace(/\.[^./]+$/, "") + ".wasm";
}

export interface BuildOptions {
  /** Build a .ts file as a JavaScript component rather than as AssemblyScript. */
  readonly component?: boolean;
  /** More sources and compiler flags for a C build. */
  readonly c?: CFlags;
}

/** One guest source file (or Cargo package) as a module: the language is chosen by extension, and --component. */
async function compile(source: string, options: BuildOptions): Promise<Uint8Array> {
  if (fs.statSync(source).isDirectory()) {
    if (options.component || !fs.existsSync(path.join(source, "Cargo.toml"))) throw new Error(`cannot build ${source}: a directory is built only as a Cargo package (with a Cargo.toml)`);
    return stampAbiVersion(await compileCargo(source));
  }
  const ext = path.extname(source);
  if (options.c && ext !== ".c") throw new Error(`several sources and -D, -I, -l, -O are for C builds, not ${ext || "a file without extension"}`);
  // A component states its ABI version in its WIT package name, not in a custom section.
  if (ext === ".js" || (ext === ".ts" && options.component)) return compileComponent(source);
  if (options.component) throw new Error(`cannot build ${ext || "a file without extension"} as a component: components are built from .js or .ts`);
  if (ext === ".ts") return stampAbiVersion(await compileAssemblyScript(source));
  if (ext === ".c") return stampAbiVersion(await compileC(source, options.c));
  if (ext === ".rs") return stampAbiVersion(await compileRust(source));
  throw new Error(`cannot build ${ext || "a file without extension"}: onebox builds AssemblyScript (.ts), C (.c), Rust (.rs, or a Cargo package directory) and JavaScript components (.js, or .ts with --component)`);
}

/** Build one guest source file into a module onebox runs. */
export async function buildGuest(source: string, out = defaultOutput(source), options: BuildOptions = {}): Promise<BuildResult> {
  if (!fs.existsSync(source)) throw new Error(`no such file: ${source}`);
  const started = performance.now();
  const stamped = await compile(source, options);
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, stamped);
  return { out, bytes: stamped.byteLength, ms: performance.now() - started };
}
