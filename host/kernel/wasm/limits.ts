// Memory and table limits: reading them, capping them as a sum (caps.ts), and turning
// defined memories into imports the kernel creates per process.
import { minimaOf, shareCap } from "./caps.ts";
import { instructionEnd, skipValType } from "./instructions.ts";
import { ByteWriter, type Reader } from "./leb.ts";
import { expectEnd, ModuleFormatError, sectionReader, type Section, type Vec } from "./sections.ts";

/**
 * A defined memory turned into an import, so the host creates it with each process's
 * own cap while the compiled module is shared. `max` is what the module declares, the
 * node's cap shared among its memories; the host may give less.
 */
export interface MemoryImport {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly shared: boolean;
  readonly is64: boolean;
}

/** The import module the instrumenter's memory imports come from. */
export const MEMORY_IMPORT_MODULE = "onebox_memory";

const MEMORY_MODULE_NAME = new TextEncoder().encode(MEMORY_IMPORT_MODULE);

export interface Limits {
  at: number;
  flags: number;
  is64: boolean;
  min: number;
  max: number | undefined;
}

export function readLimits(r: Reader): Limits {
  const at = r.pos;
  const flags = r.byte();
  if (flags & 0x08) throw new ModuleFormatError(`limits at offset ${at} use custom page sizes, which are not supported`);
  if (flags > 0x07) throw new ModuleFormatError(`unknown limits flags 0x${flags.toString(16)} at offset ${at}`);
  const is64 = (flags & 0x04) !== 0;
  const min = is64 ? r.u64() : r.u32();
  const max = flags & 0x01 ? (is64 ? r.u64() : r.u32()) : undefined;
  return { at, flags, is64, min, max };
}

/** A defined memory or table: its limits and the bytes around them, kept as they are. */
export interface Limited extends Limits {
  /** A table's element type (and the 0x40 0x00 prefix of one with an initializer), before the limits. */
  before: Uint8Array;
  /** A table's initializer expression, after the limits. */
  after: Uint8Array;
}

export function readLimitsSection(bytes: Uint8Array, s: Section | undefined, what: "memory" | "table"): Limited[] | undefined {
  if (!s) return undefined;
  const r = sectionReader(bytes, s);
  const entries: Limited[] = [];
  for (let n = r.u32(); n > 0; n--) {
    const start = r.pos;
    const withInit = what === "table" && r.peek() === 0x40;
    if (withInit) {
      r.pos++;
      if (r.byte() !== 0x00) throw new ModuleFormatError(`table at offset ${start} has an unknown encoding`);
    }
    if (what === "table") skipValType(r);
    const before = bytes.subarray(start, r.pos);
    const limits = readLimits(r);
    const afterStart = r.pos;
    if (withInit) skipConstExpr(bytes, r);
    entries.push({ ...limits, before, after: bytes.subarray(afterStart, r.pos) });
  }
  expectEnd(r);
  return entries;
}

/** Skips a constant expression: instructions up to its `end` (constant expressions have no blocks). */
function skipConstExpr(bytes: Uint8Array, r: Reader): void {
  while (r.peek() !== 0x0b) r.pos = instructionEnd(bytes, r.pos, r.end);
  r.pos++;
}

/**
 * The maxima of the defined memories (or tables) under `cap`, summed (caps.ts), and
 * within their index space. A module whose minima alone exceed the cap is refused.
 */
function cappedMaxima(entries: Limited[], cap: number, what: "memory" | "table", unit: string): number[] {
  const maxima = shareCap(entries, cap);
  if (!maxima) {
    const needed = minimaOf(entries);
    throw new ModuleFormatError(
      entries.length === 1
        ? `module needs ${needed} ${unit} at start; the limit is ${cap}`
        : `module's ${entries.length} ${what === "memory" ? "memories" : "tables"} need ${needed} ${unit} at start together; the limit is ${cap}`,
    );
  }
  // A maximum beyond the index space would make the module invalid.
  return maxima.map((max, i) => {
    const e = entries[i];
    return Math.min(max, what === "memory" ? (e.is64 ? 2 ** 48 : 65536) : e.is64 ? 2 ** 53 : 0xffffffff);
  });
}

/** The tables with their capped maxima, as table section entries. */
export function cappedTables(tables: Limited[], cap: number): Vec {
  const maxima = cappedMaxima(tables, cap, "table", "table elements");
  const w = new ByteWriter(tables.length * 24);
  tables.forEach((t, i) => {
    w.copy(t.before, 0, t.before.length);
    writeLimits(w, t.flags, t.min, maxima[i]);
    w.copy(t.after, 0, t.after.length);
  });
  return { count: tables.length, entries: w.bytes() };
}

function writeLimits(w: ByteWriter, flags: number, min: number, max: number): void {
  w.byte(flags | 0x01);
  w.uleb(min);
  w.uleb(max);
}

/**
 * The defined memories as imports (see MemoryImport) with maxima capped under `cap`,
 * as import section entries, and what the host must give each.
 */
export function memoriesAsImports(memories: Limited[], cap: number): { vec: Vec; imports: MemoryImport[] } {
  const maxima = cappedMaxima(memories, cap, "memory", "pages of memory");
  const w = new ByteWriter(memories.length * 32);
  const imports = memories.map((m, i): MemoryImport => {
    const name = String(i);
    w.uleb(MEMORY_MODULE_NAME.length);
    w.copy(MEMORY_MODULE_NAME, 0, MEMORY_MODULE_NAME.length);
    w.uleb(name.length);
    w.copy(new TextEncoder().encode(name), 0, name.length);
    w.byte(0x02); // memory
    writeLimits(w, m.flags, m.min, maxima[i]);
    return { name, min: m.min, max: maxima[i], shared: (m.flags & 0x02) !== 0, is64: m.is64 };
  });
  return { vec: { count: memories.length, entries: w.bytes() }, imports };
}
