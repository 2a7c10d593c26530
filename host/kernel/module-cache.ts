import { createHash } from "node:crypto";
import { ABI_SECTION, ABI_VERSION, findSyscall, MODULE_ONEBOX } from "../../abi/abi.ts";
import { isComponent, loadComponent, type ComponentCode } from "./component-loader.ts";
import { loaderThread } from "./loader-thread.ts";
import { FUEL_GLOBAL_EXPORT, FUEL_TABLE_EXPORT, instrument, MEMORY_IMPORT_MODULE, ModuleFormatError, type Instrumented, type MemoryImport } from "./wasm/instrument.ts";

/** A module that passed every check, compiled once and shared by all its processes. */
export interface LoadedModule {
  /** sha256 of the bytes as given: how nodes name a module to each other. */
  readonly hash: string;
  readonly bytes: Uint8Array;
  /** Instrumented for preemption and the memory cap, then compiled; a component's own core module. */
  readonly module: WebAssembly.Module;
  /** ABI imports of a core module; a component's are its WIT imports, so none here. */
  readonly imports: readonly WebAssembly.ModuleImportDescriptor[];
  /** Its memories, which the kernel creates for each process under the process's cap. */
  readonly memories: readonly MemoryImport[];
  /** Set for a component guest (see component-loader.ts). */
  readonly component?: ComponentCode;
}

/** Why a module cannot run, in one line a person can act on. */
export class ModuleError extends Error {}

export interface ModuleLimits {
  readonly fuelPerSlice: number;
  /** The most memory any process on the node may have: what the module declares. */
  readonly maxMemoryPages: number;
  readonly tableElements: number;
  /** Export every global of each module (wasm/instrument.ts): only a replay asks, for its dump. */
  readonly exportGlobals?: boolean;
}

/** Modules at least this big are instrumented and compiled on the loader thread (loader-thread.ts). */
export const OFF_THREAD_BYTES = 256 * 1024;

/** A core module instrumented and compiled, with its memories; ModuleError if it cannot be. */
export async function compileCore(bytes: Uint8Array, limits: ModuleLimits): Promise<{ module: WebAssembly.Module; memories: MemoryImport[] }> {
  const { bytes: instrumented, memories } = instrumentFor(bytes, limits);
  try {
    return { module: await WebAssembly.compile(instrumented as Uint8Array<ArrayBuffer>), memories };
  } catch (error) {
    throw new ModuleError(`malformed module: ${(error as Error).message.replace(/^WebAssembly\.compile\(\): /, "")}`);
  }
}

/** `bytes` instrumented for fuel and the caps (wasm/instrument.ts); ModuleError if it cannot be. */
export function instrumentFor(bytes: Uint8Array, limits: ModuleLimits): Instrumented {
  try {
    return instrument(bytes, { fuelPerSlice: limits.fuelPerSlice, maxMemoryPages: limits.maxMemoryPages, maxTableElements: limits.tableElements, exportGlobals: limits.exportGlobals });
  } catch (error) {
    if (error instanceof ModuleFormatError) throw new ModuleError(error.message);
    throw error;
  }
}

function readAbiVersion(module: WebAssembly.Module): number | undefined {
  const sections = WebAssembly.Module.customSections(module, ABI_SECTION);
  if (sections.length === 0) return undefined;
  const bytes = new Uint8Array(sections[0]!);
  let value = 0;
  for (let i = 0, shift = 0; i < bytes.length && i < 5; i++, shift += 7) {
    value |= (bytes[i]! & 0x7f) << shift;
    if ((bytes[i]! & 0x80) === 0) return value >>> 0;
  }
  throw new ModuleError(`malformed ${ABI_SECTION} section`);
}

/** The module's ABI imports; the instrumenter's memory imports are the kernel's to give, not calls. */
function checkImports(module: WebAssembly.Module): WebAssembly.ModuleImportDescriptor[] {
  const imports = WebAssembly.Module.imports(module).filter((imp) => imp.module !== MEMORY_IMPORT_MODULE);
  const unknown = imports.filter((imp) => imp.kind !== "function" || !findSyscall(imp.module, imp.name));
  if (unknown.length > 0) {
    const names = unknown.map((imp) => `${imp.module}.${imp.name} (${imp.kind})`).join(", ");
    throw new ModuleError(`unknown import${unknown.length > 1 ? "s" : ""} ${names}: onebox provides only the calls in docs/ABI.md`);
  }
  const version = readAbiVersion(module);
  const usesOnebox = imports.some((imp) => imp.module === MODULE_ONEBOX);
  if (version === undefined && usesOnebox) {
    throw new ModuleError(`module imports onebox calls but does not state its ABI version (custom section "${ABI_SECTION}"); build it with onebox build`);
  }
  if (version !== undefined && version !== ABI_VERSION) {
    throw new ModuleError(`module was built for onebox ABI v${version}; this host speaks v${ABI_VERSION}`);
  }
  return imports;
}

function checkExports(module: WebAssembly.Module): void {
  const exports = new Map(WebAssembly.Module.exports(module).map((e) => [e.name, e.kind]));
  if (exports.get("_start") !== "function") throw new ModuleError("module exports no _start function");
  if (exports.get("memory") !== "memory") throw new ModuleError("module must define and export its memory as \"memory\"");
  if (!exports.has(FUEL_GLOBAL_EXPORT) || !exports.has(FUEL_TABLE_EXPORT)) throw new ModuleError("module has no code to run");
}

/** Loads, checks, instruments and compiles modules, once per content hash. */
export class ModuleCache {
  private readonly limits: ModuleLimits;
  private readonly byHash = new Map<string, Promise<LoadedModule>>();
  /** The module last loaded from each file of this node's export, and which file it was. */
  private readonly byFile = new Map<string, { readonly identity: string; readonly module: LoadedModule }>();

  constructor(limits: ModuleLimits) {
    this.limits = limits;
  }

  /**
   * The module loaded from `rel` before, if the file is still the one it was read from
   * (ExportDir.identity): a spawn of an unchanged file neither reads nor hashes it.
   */
  fromFile(rel: string, identity: string): LoadedModule | undefined {
    const known = this.byFile.get(rel);
    return known?.identity === identity ? known.module : undefined;
  }

  /** `identity` must be taken before the bytes were read, so a rewrite in between is seen next time. */
  rememberFile(rel: string, identity: string, module: LoadedModule): void {
    this.byFile.set(rel, { identity, module });
  }

  static hash(bytes: Uint8Array): string {
    return createHash("sha256").update(bytes).digest("hex");
  }

  get(hash: string): Promise<LoadedModule> | undefined {
    return this.byHash.get(hash);
  }

  load(bytes: Uint8Array): Promise<LoadedModule> {
    const hash = ModuleCache.hash(bytes);
    let loaded = this.byHash.get(hash);
    if (!loaded) {
      loaded = this.compile(hash, bytes);
      this.byHash.set(hash, loaded);
      loaded.catch(() => this.byHash.delete(hash));
    }
    return loaded;
  }

  private async compile(hash: string, bytes: Uint8Array): Promise<LoadedModule> {
    // Heavy work (a component's transpile, a big module's instrumentation) runs on the
    // loader thread, so the node's event loop (heartbeats, other processes) never waits on it.
    const { fuelPerSlice, maxMemoryPages, tableElements, exportGlobals } = this.limits;
    const limits = { fuelPerSlice, maxMemoryPages, tableElements, exportGlobals };
    if (isComponent(bytes)) {
      const component = await loadComponent(await loaderThread.component(hash, bytes, limits));
      return { hash, bytes, module: component.main, imports: [], memories: component.memories, component };
    }
    const { module, memories } = bytes.length >= OFF_THREAD_BYTES ? await loaderThread.core(bytes, limits) : await compileCore(bytes, limits);
    const imports = checkImports(module);
    checkExports(module);
    return { hash, bytes, module, imports, memories };
  }
}
