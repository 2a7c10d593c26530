import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ABI_VERSION } from "../../abi/abi.ts";
import { blockingWitCalls, WIT_IMPORT, WIT_START } from "../../abi/wit.ts";
import { importOptional, MissingDependency } from "../optional-import.ts";
import { instrumentFor, ModuleError, type ModuleLimits } from "./module-cache.ts";
import { FUEL_GLOBAL_EXPORT, type MemoryImport } from "./wasm/instrument.ts";

/** jco's instantiate for one component: core modules by file name, imports by interface. */
export type JcoInstantiate = (
  getCoreModule: (name: string) => WebAssembly.Module,
  imports: Record<string, Record<string, Function>>,
  instantiateCore: (module: WebAssembly.Module, imports?: WebAssembly.Imports) => { exports: WebAssembly.Exports },
) => { [WIT_START]: () => Promise<void> } | Promise<unknown>;

/** A component transpiled by jco, its core modules compiled; shared by all its processes. */
export interface ComponentCode {
  readonly instantiate: JcoInstantiate;
  readonly coreModules: ReadonlyMap<string, WebAssembly.Module>;
  /** The guest's own code (the one with its memory): instrumented for fuel and the memory cap. */
  readonly main: WebAssembly.Module;
  /** main's memories, imported (see MemoryImport). */
  readonly memories: readonly MemoryImport[];
}

const NAME = "guest";
const GLUE = `${NAME}.js`;

/** Component binaries start like core modules but carry version 0x0d, layer 1. */
export const isComponent = (bytes: Uint8Array): boolean =>
  bytes.byteLength >= 8 && bytes[4] === 0x0d && bytes[5] === 0x00 && bytes[6] === 0x01 && bytes[7] === 0x00;

/** Where transpiled components are kept, by content hash: transpiling one takes seconds. */
export function componentCacheDir(): string {
  return process.env.ONEBOX_CACHE ?? path.join(os.tmpdir(), "onebox-cache");
}

const DEBUG_FLAG = "globalThis?.process?.env?.JCO_DEBUG";

/**
 * jco's glue logs through a function that reads process.env.JCO_DEBUG, a native
 * environment lookup, dozens of times per guest call; read once, a null syscall went from
 * about 25 to 12 us.
 */
function debugFlagOnce(glue: Uint8Array): Uint8Array {
  const text = new TextDecoder().decode(glue);
  if (!text.includes(DEBUG_FLAG)) return glue;
  return new TextEncoder().encode(`const JCO_DEBUG_AT_LOAD = ${DEBUG_FLAG};\n${text.replaceAll(DEBUG_FLAG, "JCO_DEBUG_AT_LOAD")}`);
}

/** jco's files for a component, transpiled now or found from an earlier run. */
async function transpiled(hash: string, bytes: Uint8Array): Promise<string> {
  const dir = path.join(componentCacheDir(), "components", hash);
  if (fs.existsSync(path.join(dir, GLUE))) return dir;
  // jco is large and optional: a node that only runs core modules never loads it.
  let transpile: typeof import("@bytecodealliance/jco").transpile;
  try {
    ({ transpile } = await importOptional<typeof import("@bytecodealliance/jco")>("@bytecodealliance/jco", "@bytecodealliance/jco", "running a component"));
  } catch (error) {
    if (error instanceof MissingDependency) throw new ModuleError(error.message);
    throw error;
  }
  let files: Record<string, Uint8Array>;
  try {
    ({ files } = await transpile(bytes, {
      name: NAME,
      instantiation: "async",
      asyncMode: "jspi",
      asyncImports: blockingWitCalls().map((call) => `${WIT_IMPORT}#${call}`),
      asyncExports: [WIT_START],
      noTypescript: true,
      quiet: true,
    }));
  } catch (error) {
    throw new ModuleError(`malformed component: ${(error as Error).message.split("\n")[0]}`);
  }
  // Written aside and renamed, so a concurrent run never imports half a directory.
  const tmp = `${dir}.${process.pid}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  for (const [name, data] of Object.entries(files)) {
    if (!name.endsWith(".js") && !name.endsWith(".wasm")) continue;
    fs.mkdirSync(path.dirname(path.join(tmp, name)), { recursive: true });
    fs.writeFileSync(path.join(tmp, name), name === GLUE ? debugFlagOnce(data) : data);
  }
  try {
    fs.renameSync(tmp, dir);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // another run got there first
  }
  return dir;
}

/** A component may import only the onebox interface of this ABI version. */
function checkImports(module: WebAssembly.Module): void {
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.module === WIT_IMPORT) continue;
    const version = imp.module.match(/^onebox:guest\/[^@]*@(\d+)\./)?.[1];
    if (version) throw new ModuleError(`component was built for onebox ABI v${version}; this host speaks v${ABI_VERSION}`);
    throw new ModuleError(`unknown import ${imp.module}#${imp.name}: a component guest may import only ${WIT_IMPORT} (build it with onebox build --component)`);
  }
}

const exportsMemory = (module: WebAssembly.Module): boolean => WebAssembly.Module.exports(module).some((e) => e.kind === "memory");

/** A component's compiled core modules and where jco's glue is: what the loader thread hands back. */
export interface ComponentParts {
  readonly dir: string;
  readonly coreModules: Map<string, WebAssembly.Module>;
  readonly main: WebAssembly.Module;
  readonly memories: readonly MemoryImport[];
}

/**
 * Transpile (or find in the cache), then compile every core module once. The guest's own
 * module is instrumented like any core module; jco's small glue modules are not: they
 * have no loops, and only calls through to the guest or the host. Seconds of work for a
 * JS component: the node runs it on its loader thread (loader-thread.ts).
 */
export async function compileComponent(hash: string, bytes: Uint8Array, limits: ModuleLimits): Promise<ComponentParts> {
  const dir = await transpiled(hash, bytes);
  const coreModules = new Map<string, WebAssembly.Module>();
  let main: WebAssembly.Module | undefined;
  let memories: readonly MemoryImport[] = [];
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith(".wasm"))) {
    let code: Uint8Array = fs.readFileSync(path.join(dir, name));
    let module = await WebAssembly.compile(code as Uint8Array<ArrayBuffer>);
    if (exportsMemory(module)) {
      if (main) throw new ModuleError("component has more than one core module with its own memory; onebox runs components built by onebox build --component");
      checkImports(module);
      const instrumented = instrumentFor(code, limits);
      code = instrumented.bytes;
      memories = instrumented.memories;
      module = main = await WebAssembly.compile(code as Uint8Array<ArrayBuffer>);
      if (!WebAssembly.Module.exports(module).some((e) => e.name === FUEL_GLOBAL_EXPORT)) throw new ModuleError("component has no code to run");
    }
    coreModules.set(name, module);
  }
  if (!main) throw new ModuleError("component has no core module with a memory");
  return { dir, coreModules, main, memories };
}

/** The component ready to instantiate: its parts and jco's glue, imported here. */
export async function loadComponent(parts: ComponentParts): Promise<ComponentCode> {
  const glue = (await import(pathToFileURL(path.join(parts.dir, GLUE)).href)) as { instantiate: JcoInstantiate };
  return { instantiate: glue.instantiate, coreModules: parts.coreModules, main: parts.main, memories: parts.memories };
}
