// Fuel instrumentation: lets one thread host many guests by making every loop
// iteration and function entry spend fuel, and calling out to the host (which
// can suspend the guest via JSPI) when the fuel runs out. Bulk memory and table
// instructions are charged by their size operand (see charge.ts), so a slice of
// fuel bounds time, not instructions. Also caps the defined memories and tables,
// summed, so a guest cannot grow past its budget, and refuses GC types, whose
// heap no cap could bound.
//
// Nothing is renumbered: the yield target is reached through call_indirect on
// a new table rather than a new function import, and the new types, functions,
// table and global are appended after the existing ones.

import { ByteWriter, DecodeError, Reader, ulebSize } from "./leb.ts";
import { MEMORY_COPY, MEMORY_FILL, skipValType, visitCode } from "./instructions.ts";
import { chunkedBody, chunkedKey, chunkedType, type ChunkedOp } from "./chunked.ts";
import { chargeFunctionBody, chargeFunctionType, chargeKindOf, CHARGE_KINDS } from "./charge.ts";
import { cappedTables, memoriesAsImports, readLimits, readLimitsSection, type MemoryImport } from "./limits.ts";
import {
  CODE, EXPORT, expectEnd, FUNCTION, GLOBAL, IMPORT, MEMORY, ModuleFormatError, ORDER, readSections, sectionReader, TABLE, TYPE, vecCount,
  type Section, type Vec,
} from "./sections.ts";

export { MEMORY_IMPORT_MODULE, type MemoryImport } from "./limits.ts";
export { ModuleFormatError } from "./sections.ts";

export interface InstrumentOptions {
  fuelPerSlice: number;
  /** Linear memory cap in 64 KiB pages, summed over the module's defined memories. */
  maxMemoryPages: number;
  /** Table cap in elements, summed over the module's defined tables (the fuel table aside). */
  maxTableElements: number;
  /** Also export each of the module's own globals as GLOBAL_EXPORT_PREFIX + its index (replay's dump reads them). */
  exportGlobals?: boolean;
}

export interface Instrumented {
  bytes: Uint8Array;
  fuelGlobalExport: string;
  fuelTableExport: string;
  /** The module's defined memories, now imported from MEMORY_IMPORT_MODULE, in index order. */
  memories: MemoryImport[];
}

export const FUEL_GLOBAL_EXPORT = "onebox_fuel";
export const FUEL_TABLE_EXPORT = "onebox_fuel_table";
export const GLOBAL_EXPORT_PREFIX = "onebox_global_";

const GLOBAL_NAME = new TextEncoder().encode(FUEL_GLOBAL_EXPORT);
const TABLE_NAME = new TextEncoder().encode(FUEL_TABLE_EXPORT);

const VOID_FUNC_TYPE = new Uint8Array([0x60, 0x00, 0x00]);
const FUEL_TABLE = new Uint8Array([0x70, 0x01, 0x01, 0x01]); // funcref, min 1, max 1
/** Marks an injection point that takes the fuel snippet rather than a charge call. */
const FUEL_POINT = 15;
/** Point kinds from here on stand for the chunked instruction CodePlan.chunked[kind - CHUNKED_POINT]. */
const CHUNKED_POINT = 16;

interface CodePlan {
  count: number;
  bodyStart: Uint32Array;
  bodyEnd: Uint32Array;
  /** points[firstPoint[i]..firstPoint[i+1]) are body i's injection offsets, in order. */
  firstPoint: Uint32Array;
  points: Uint32Array;
  /** What goes at each point: FUEL_POINT, the index of a charge kind (charge.ts), or a chunked instruction. */
  kinds: Uint32Array;
  /** Bytes of the original code a point replaces: the instruction a chunked call stands for, else 0. */
  skips: Uint32Array;
  /** The distinct memory.fill and memory.copy forms the code uses (chunked.ts). */
  chunked: ChunkedOp[];
  /** Which charge kinds the code uses. */
  used: boolean[];
}

/**
 * Returns a copy of `bytes` with fuel checks and charges injected and defined
 * memories and tables capped. A module without a code section cannot loop, so it
 * only gets the caps and none of the fuel exports. Throws ModuleFormatError for
 * malformed or unsupported input, RangeError for bad options.
 */
export function instrument(bytes: Uint8Array, opts: InstrumentOptions): Instrumented {
  checkOptions(opts);
  try {
    const { bytes: out, memories } = rewrite(bytes, opts);
    return { bytes: out, fuelGlobalExport: FUEL_GLOBAL_EXPORT, fuelTableExport: FUEL_TABLE_EXPORT, memories };
  } catch (e) {
    if (e instanceof DecodeError) throw new ModuleFormatError(e.message);
    throw e;
  }
}

function checkOptions(opts: InstrumentOptions): void {
  const { fuelPerSlice, maxMemoryPages, maxTableElements } = opts;
  if (!Number.isInteger(fuelPerSlice) || fuelPerSlice < 1 || fuelPerSlice > 0x7fffffff) {
    throw new RangeError(`fuelPerSlice must be an integer from 1 to 2^31-1, got ${fuelPerSlice}`);
  }
  if (!Number.isInteger(maxMemoryPages) || maxMemoryPages < 0) {
    throw new RangeError(`maxMemoryPages must be a non-negative integer, got ${maxMemoryPages}`);
  }
  if (!Number.isInteger(maxTableElements) || maxTableElements < 0 || maxTableElements > 0xffffffff) {
    throw new RangeError(`maxTableElements must be an integer from 0 to 2^32-1, got ${maxTableElements}`);
  }
}

function rewrite(input: Uint8Array, opts: InstrumentOptions): { bytes: Uint8Array; memories: MemoryImport[] } {
  // A plain view, so subarray() on a Buffer or other subclass stays cheap.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  checkHeader(bytes);
  const sections = readSections(bytes);
  const byId: (Section | undefined)[] = [];
  for (const s of sections) byId[s.id] = s;
  const code = byId[CODE];

  const types = scanTypes(bytes, byId[TYPE]);
  const imported = scanImports(bytes, byId[IMPORT]);
  const memories = readLimitsSection(bytes, byId[MEMORY], "memory");
  const tables = readLimitsSection(bytes, byId[TABLE], "table");
  // Sections whose entries are replaced, by id (an empty one is left out).
  const replaced = new Map<number, Vec>();
  // Entries appended to a section, which is created when the module lacks it; in section order.
  const additions: { id: number; vec: Vec }[] = [];
  let memoryImports: MemoryImport[] = [];
  if (memories) {
    const { vec, imports } = memoriesAsImports(memories, opts.maxMemoryPages);
    memoryImports = imports;
    additions.push({ id: IMPORT, vec });
    replaced.set(MEMORY, { count: 0, entries: new Uint8Array(0) });
  }
  if (tables) replaced.set(TABLE, cappedTables(tables, opts.maxTableElements));

  if (!code) return { bytes: writeModule(bytes, sections, replaced, additions, undefined), memories: memoryImports };

  const memory64 = [...imported.memory64, ...(memories?.map((m) => m.is64) ?? [])];
  const table64 = [...imported.table64, ...(tables?.map((t) => t.is64) ?? [])];
  const plan = scanCode(bytes, code, memory64, table64);
  const usedKinds = CHARGE_KINDS.flatMap((_, i) => (plan.used[i] ? [i] : []));

  // Types to append, and the index each needed one ends up at.
  const newTypes: Uint8Array[] = [];
  const typeIndex = (encoded: Uint8Array): number => {
    const known = types.standalone.get(key(encoded));
    if (known !== undefined) return known;
    newTypes.push(encoded);
    types.standalone.set(key(encoded), types.count + newTypes.length - 1);
    return types.count + newTypes.length - 1;
  };
  const voidType = typeIndex(VOID_FUNC_TYPE);
  const functionTypes = [
    ...usedKinds.map((k) => typeIndex(chargeFunctionType(CHARGE_KINDS[k]))),
    ...plan.chunked.map((c) => typeIndex(chunkedType(c))),
  ];
  const fuelTable = imported.tables + (tables?.length ?? 0);
  const fuelGlobal = imported.globals + vecCount(bytes, byId[GLOBAL]);
  const firstCharge = imported.funcs + vecCount(bytes, byId[FUNCTION]);
  checkExportNames(bytes, byId[EXPORT]);

  const snippets: Uint8Array[] = [];
  const bodies: Uint8Array[] = [];
  usedKinds.forEach((k, i) => {
    snippets[k] = callSnippet(firstCharge + i);
    const limit = CHARGE_KINDS[k].group === "memory" ? opts.maxMemoryPages * 65536 : opts.maxTableElements;
    bodies.push(chargeFunctionBody(CHARGE_KINDS[k], { fuelGlobal, voidType, fuelTable, limit }));
  });
  const charge64 = firstCharge + usedKinds.indexOf(chargeKindOf(MEMORY_FILL, 0, 0, [true], []));
  plan.chunked.forEach((c, j) => {
    snippets[CHUNKED_POINT + j] = callSnippet(firstCharge + usedKinds.length + j);
    bodies.push(chunkedBody(c, charge64));
  });
  snippets[FUEL_POINT] = fuelSnippet(fuelGlobal, voidType, fuelTable);

  const globalEntry = new ByteWriter(16);
  globalEntry.byte(0x7f); // i32
  globalEntry.byte(0x01); // mutable
  globalEntry.byte(0x41); // i32.const
  globalEntry.sleb(opts.fuelPerSlice);
  globalEntry.byte(0x0b);

  const fuelExports = new ByteWriter(48);
  writeExport(fuelExports, GLOBAL_NAME, 0x03, fuelGlobal);
  writeExport(fuelExports, TABLE_NAME, 0x01, fuelTable);
  // Imported and defined alike, in index order: every global below the fuel's.
  const exportedGlobals = opts.exportGlobals ? fuelGlobal : 0;
  for (let i = 0; i < exportedGlobals; i++) writeExport(fuelExports, new TextEncoder().encode(`${GLOBAL_EXPORT_PREFIX}${i}`), 0x03, i);

  const functionEntries = new ByteWriter(8);
  for (const t of functionTypes) functionEntries.uleb(t);

  if (newTypes.length > 0) additions.unshift({ id: TYPE, vec: { count: newTypes.length, entries: concat(newTypes) } });
  if (functionTypes.length > 0) additions.push({ id: FUNCTION, vec: { count: functionTypes.length, entries: functionEntries.bytes() } });
  additions.push({ id: TABLE, vec: { count: 1, entries: FUEL_TABLE } });
  additions.push({ id: GLOBAL, vec: { count: 1, entries: globalEntry.bytes() } });
  additions.push({ id: EXPORT, vec: { count: 2 + exportedGlobals, entries: fuelExports.bytes() } });

  return { bytes: writeModule(bytes, sections, replaced, additions, { section: code, plan, snippets, bodies }), memories: memoryImports };
}

const key = (encoded: Uint8Array): string => encoded.join(",");

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const w = new ByteWriter(parts.reduce((n, p) => n + p.length, 0));
  for (const p of parts) w.copy(p, 0, p.length);
  return w.bytes();
}

interface CodeRewrite {
  section: Section;
  plan: CodePlan;
  /** By point kind (FUEL_POINT or a charge kind). */
  snippets: Uint8Array[];
  /** Charge functions' bodies, appended after the module's own. */
  bodies: Uint8Array[];
}

/** The module with `replaced` sections' entries swapped, `additions` appended and the code rewritten. */
function writeModule(
  bytes: Uint8Array, sections: Section[], replaced: Map<number, Vec>, additions: { id: number; vec: Vec }[], code: CodeRewrite | undefined,
): Uint8Array {
  if (replaced.size === 0 && additions.length === 0 && !code) return bytes;
  const w = new ByteWriter(bytes.length + (code ? code.plan.points.length * 8 : 0) + 256);
  w.copy(bytes, 0, 8);
  let next = 0; // first addition not yet written
  for (const s of sections) {
    if (s.id !== 0) {
      // Missing sections are created just before the first later-ordered one.
      while (next < additions.length && ORDER[additions[next].id] < ORDER[s.id]) {
        const a = additions[next++];
        writeVecSection(w, a.id, { count: 0, entries: new Uint8Array(0) }, a.vec);
      }
    }
    const added = next < additions.length && additions[next].id === s.id ? additions[next++].vec : undefined;
    const own = replaced.get(s.id);
    if (s === code?.section) {
      writeCodeSection(w, bytes, code);
    } else if (own?.count === 0 && !added) {
      // Emptied (the memories, now imported): left out.
    } else if (own || added) {
      writeVecSection(w, s.id, own ?? originalEntries(bytes, s), added);
    } else {
      w.copy(bytes, s.headerStart, s.end);
    }
  }
  // Every addition orders before a section that caused it (memory, code).
  if (next < additions.length) throw new Error("instrument: an addition was left unwritten");
  return w.bytes();
}

function originalEntries(bytes: Uint8Array, s: Section): Vec {
  const r = sectionReader(bytes, s);
  const count = r.u32();
  return { count, entries: bytes.subarray(r.pos, s.end) };
}

function checkHeader(b: Uint8Array): void {
  if (b.length < 4 || b[0] !== 0x00 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d) {
    throw new ModuleFormatError("not a WebAssembly module (bad magic)");
  }
  if (b.length < 8) throw new ModuleFormatError("truncated WebAssembly header: the version at offset 4 is incomplete");
  const version = b[4] | (b[5] << 8);
  const layer = b[6] | (b[7] << 8);
  if (layer === 1) {
    throw new ModuleFormatError(
      `this is a WebAssembly component (version 0x${version.toString(16)}, layer 1), not a core module; components are not supported`,
    );
  }
  if (version !== 1 || layer !== 0) {
    throw new ModuleFormatError(`unsupported WebAssembly version ${version} (layer ${layer}); only version 1 core modules are supported`);
  }
}

/**
 * Counts type indices, which differs from the entry count once rec groups
 * appear, and indexes the standalone function types so they can be reused.
 * Refuses GC struct and array types: a guest could allocate from V8's heap
 * without limit, and nothing short of refusing them bounds that.
 */
function scanTypes(bytes: Uint8Array, s: Section | undefined): { count: number; standalone: Map<string, number> } {
  let count = 0;
  const standalone = new Map<string, number>();
  if (!s) return { count, standalone };
  const r = sectionReader(bytes, s);
  for (let n = r.u32(); n > 0; n--) {
    if (r.peek() === 0x4e) {
      r.pos++;
      const members = r.u32();
      for (let i = 0; i < members; i++) skipSubType(r, count + i);
      count += members;
      continue;
    }
    const at = r.pos;
    skipSubType(r, count);
    if (r.pos - at <= 8 && bytes[at] === 0x60) {
      const k = key(bytes.subarray(at, r.pos));
      if (!standalone.has(k)) standalone.set(k, count);
    }
    count++;
  }
  expectEnd(r);
  return { count, standalone };
}

function skipSubType(r: Reader, index: number): void {
  const b = r.peek();
  if (b === 0x50 || b === 0x4f) {
    r.pos++;
    for (let n = r.u32(); n > 0; n--) r.skipLeb(5); // supertypes
  }
  const at = r.pos;
  const form = r.byte();
  if (form === 0x60) {
    for (let n = r.u32(); n > 0; n--) skipValType(r);
    for (let n = r.u32(); n > 0; n--) skipValType(r);
  } else if (form === 0x5f || form === 0x5e) {
    throw new ModuleFormatError(
      `type ${index} at offset ${at} is a GC ${form === 0x5f ? "struct" : "array"} type: onebox refuses the GC proposal, whose heap no memory cap bounds`,
    );
  } else {
    throw new ModuleFormatError(`unknown type form 0x${form.toString(16)} at offset ${at}`);
  }
}

interface Imports {
  funcs: number;
  tables: number;
  globals: number;
  /** Per imported memory and table: whether it is 64-bit (its size operands are i64). */
  memory64: boolean[];
  table64: boolean[];
}

function scanImports(bytes: Uint8Array, s: Section | undefined): Imports {
  const found: Imports = { funcs: 0, tables: 0, globals: 0, memory64: [], table64: [] };
  if (!s) return found;
  const r = sectionReader(bytes, s);
  for (let n = r.u32(); n > 0; n--) {
    r.skip(r.u32()); // module name
    r.skip(r.u32()); // field name
    const at = r.pos;
    const kind = r.byte();
    if (kind === 0x00) {
      r.skipLeb(5);
      found.funcs++;
    } else if (kind === 0x01) {
      skipValType(r);
      found.table64.push(readLimits(r).is64);
      found.tables++;
    } else if (kind === 0x02) {
      found.memory64.push(readLimits(r).is64);
    } else if (kind === 0x03) {
      skipValType(r);
      r.byte();
      found.globals++;
    } else if (kind === 0x04) {
      r.byte(); // tag attribute
      r.skipLeb(5);
    } else {
      throw new ModuleFormatError(`unknown import kind 0x${kind.toString(16)} at offset ${at}`);
    }
  }
  expectEnd(r);
  return found;
}

function checkExportNames(bytes: Uint8Array, s: Section | undefined): void {
  if (!s) return;
  const r = sectionReader(bytes, s);
  for (let n = r.u32(); n > 0; n--) {
    const len = r.u32();
    const at = r.pos;
    r.skip(len);
    if (sameBytes(bytes, at, len, GLOBAL_NAME) || sameBytes(bytes, at, len, TABLE_NAME)) {
      const name = new TextDecoder().decode(bytes.subarray(at, at + len));
      throw new ModuleFormatError(`module already exports "${name}", a name reserved for fuel instrumentation`);
    }
    r.byte();
    r.skipLeb(5);
  }
  expectEnd(r);
}

function sameBytes(bytes: Uint8Array, at: number, len: number, name: Uint8Array): boolean {
  if (len !== name.length) return false;
  for (let i = 0; i < len; i++) if (bytes[at + i] !== name[i]) return false;
  return true;
}

function writeExport(w: ByteWriter, name: Uint8Array, kind: number, index: number): void {
  w.uleb(name.length);
  w.copy(name, 0, name.length);
  w.byte(kind);
  w.uleb(index);
}

/** fuel -= 1; if (fuel == 0) call_indirect (type void) (table fuel) slot 0 */
function fuelSnippet(globalIdx: number, typeIdx: number, tableIdx: number): Uint8Array {
  const w = new ByteWriter(32);
  w.byte(0x23); // global.get
  w.uleb(globalIdx);
  w.byte(0x41); // i32.const 1
  w.byte(0x01);
  w.byte(0x6b); // i32.sub
  w.byte(0x24); // global.set
  w.uleb(globalIdx);
  w.byte(0x23); // global.get
  w.uleb(globalIdx);
  w.byte(0x45); // i32.eqz
  w.byte(0x04); // if, empty blocktype
  w.byte(0x40);
  w.byte(0x41); // i32.const 0
  w.byte(0x00);
  w.byte(0x11); // call_indirect
  w.uleb(typeIdx);
  w.uleb(tableIdx);
  w.byte(0x0b); // end
  return w.bytes();
}

/** call funcIdx: the charge function for a bulk instruction, which leaves its size operand in place. */
function callSnippet(funcIdx: number): Uint8Array {
  const w = new ByteWriter(6);
  w.byte(0x10);
  w.uleb(funcIdx);
  return w.bytes();
}

/**
 * Finds every injection point (each body's entry, the inside of each loop, and
 * just before each sized bulk instruction) in one decoding pass.
 */
function scanCode(bytes: Uint8Array, s: Section, memory64: readonly boolean[], table64: readonly boolean[]): CodePlan {
  const r = sectionReader(bytes, s);
  const count = r.u32();
  // Every body takes at least one byte, which bounds the allocations below.
  if (count > r.end - r.pos) {
    throw new ModuleFormatError(`code section at offset ${s.headerStart} declares ${count} bodies but holds only ${r.end - r.pos} bytes`);
  }
  const bodyStart = new Uint32Array(count);
  const bodyEnd = new Uint32Array(count);
  const firstPoint = new Uint32Array(count + 1);
  const points = new NumberList((n) => new Uint32Array(n), count * 2);
  const kinds = new NumberList((n) => new Uint32Array(n), count * 2);
  const skips = new NumberList((n) => new Uint32Array(n), count * 2);
  const used = CHARGE_KINDS.map(() => false);
  const chunked: ChunkedOp[] = [];
  const chunkedIndex = new Map<string, number>();
  const visitor = {
    loopBody(offset: number): void {
      points.push(offset);
      kinds.push(FUEL_POINT);
      skips.push(0);
    },
    sized(offset: number, end: number, sub: number, a: number, b: number): void {
      points.push(offset);
      const op: ChunkedOp | undefined =
        sub === MEMORY_FILL ? { op: "fill", memory: a, is64: memory64[a] === true }
        : sub === MEMORY_COPY ? { op: "copy", dst: a, src: b, dst64: memory64[a] === true, src64: memory64[b] === true }
        : undefined;
      // An index past the module's memories makes it invalid: compiling it says so.
      if (!op || a >= memory64.length || b >= memory64.length) {
        const kind = chargeKindOf(sub, a, b, memory64, table64);
        used[kind] = true;
        kinds.push(kind);
        skips.push(0);
        return;
      }
      // Its chunks are charged through the memory kind's i64 charge function.
      used[chargeKindOf(MEMORY_FILL, 0, 0, [true], [])] = true;
      let index = chunkedIndex.get(chunkedKey(op));
      if (index === undefined) {
        index = chunked.push(op) - 1;
        chunkedIndex.set(chunkedKey(op), index);
      }
      kinds.push(CHUNKED_POINT + index);
      skips.push(end - offset);
    },
  };

  for (let i = 0; i < count; i++) {
    r.what = "code section";
    const size = r.u32();
    const start = r.pos;
    const end = start + size;
    if (size > s.end - start) throw new ModuleFormatError(`function body ${i} at offset ${start} runs past the end of the code section`);
    r.end = end;
    r.what = "function body";
    for (let n = r.u32(); n > 0; n--) {
      r.skipLeb(5);
      skipValType(r);
    }
    firstPoint[i] = points.length;
    visitor.loopBody(r.pos);
    visitCode(bytes, r.pos, end, visitor);
    bodyStart[i] = start;
    bodyEnd[i] = end;
    r.pos = end;
    r.end = s.end;
  }
  r.what = "code section";
  expectEnd(r);
  firstPoint[count] = points.length;
  return { count, bodyStart, bodyEnd, firstPoint, points: points.view(), kinds: kinds.view(), skips: skips.view(), used, chunked };
}

/** A growable list of numbers in a typed array of the kind `make` creates. */
class NumberList<A extends Uint8Array | Uint32Array> {
  items: A;
  length = 0;
  private readonly make: (length: number) => A;

  constructor(make: (length: number) => A, capacity: number) {
    this.make = make;
    this.items = make(Math.max(64, capacity));
  }

  push(v: number): void {
    if (this.length === this.items.length) {
      const grown = this.make(this.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    this.items[this.length++] = v;
  }

  view(): A {
    return this.items.subarray(0, this.length) as A;
  }
}

function writeCodeSection(w: ByteWriter, bytes: Uint8Array, code: CodeRewrite): void {
  const { plan, snippets, bodies } = code;
  const { bodyStart, bodyEnd, firstPoint, points, kinds, skips } = plan;
  const grown = new Float64Array(plan.count);
  let contentSize = ulebSize(plan.count + bodies.length);
  for (let i = 0; i < plan.count; i++) {
    let size = bodyEnd[i] - bodyStart[i];
    for (let p = firstPoint[i]; p < firstPoint[i + 1]; p++) size += snippets[kinds[p]].length - skips[p];
    grown[i] = size;
    contentSize += ulebSize(size) + size;
  }
  for (const b of bodies) contentSize += ulebSize(b.length) + b.length;

  w.byte(CODE);
  w.uleb(contentSize);
  const contentStart = w.len;
  w.uleb(plan.count + bodies.length);
  w.reserve(contentSize);
  // Copies go straight into the buffer; later fuel snippets are copied from the
  // first with copyWithin, which needs no temporary view.
  const out = w.buf;
  const fuel = snippets[FUEL_POINT];
  let fuelAt = -1;
  for (let i = 0; i < plan.count; i++) {
    w.uleb(grown[i]);
    let len = w.len;
    let from = bodyStart[i];
    for (let p = firstPoint[i]; p < firstPoint[i + 1]; p++) {
      const to = points[p];
      out.set(bytes.subarray(from, to), len);
      len += to - from;
      const kind = kinds[p];
      if (kind !== FUEL_POINT) {
        out.set(snippets[kind], len);
        len += snippets[kind].length;
      } else if (fuelAt < 0) {
        out.set(fuel, len);
        fuelAt = len;
        len += fuel.length;
      } else {
        out.copyWithin(len, fuelAt, fuelAt + fuel.length);
        len += fuel.length;
      }
      from = to + skips[p];
    }
    out.set(bytes.subarray(from, bodyEnd[i]), len);
    w.len = len + bodyEnd[i] - from;
  }
  for (const b of bodies) {
    w.uleb(b.length);
    w.copy(b, 0, b.length);
  }
  if (w.len - contentStart !== contentSize) throw new Error(`instrument: code section is ${w.len - contentStart} bytes, planned ${contentSize}`);
}

/** Writes a vector section holding `own` entries followed by `added` ones. */
function writeVecSection(w: ByteWriter, id: number, own: Vec, added: Vec | undefined): void {
  const count = own.count + (added?.count ?? 0);
  w.byte(id);
  w.uleb(ulebSize(count) + own.entries.length + (added?.entries.length ?? 0));
  w.uleb(count);
  w.copy(own.entries, 0, own.entries.length);
  if (added) w.copy(added.entries, 0, added.entries.length);
}
