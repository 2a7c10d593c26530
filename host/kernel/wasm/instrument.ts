// Fuel instrumentation: lets one thread host many guests by making every loop
// iteration and function entry spend fuel, and calling out to the host (which
// can suspend the guest via JSPI) when the fuel runs out. Also caps defined
// memories so a guest cannot grow past its budget.
//
// Nothing is renumbered: the yield target is reached through call_indirect on
// a new table rather than a new function import, and the new type, table and
// global are appended after the existing ones.

import { ByteWriter, DecodeError, Reader, ulebSize } from "./leb.ts";
import { forEachLoopBody, skipValType } from "./instructions.ts";

export interface InstrumentOptions {
  fuelPerSlice: number;
  maxMemoryPages: number;
}

export interface Instrumented {
  bytes: Uint8Array;
  fuelGlobalExport: string;
  fuelTableExport: string;
}

/** The input is malformed or uses something the instrumenter does not support. */
export class ModuleFormatError extends Error {}

export const FUEL_GLOBAL_EXPORT = "onebox_fuel";
export const FUEL_TABLE_EXPORT = "onebox_fuel_table";

const GLOBAL_NAME = new TextEncoder().encode(FUEL_GLOBAL_EXPORT);
const TABLE_NAME = new TextEncoder().encode(FUEL_TABLE_EXPORT);

const TYPE = 1;
const IMPORT = 2;
const TABLE = 4;
const MEMORY = 5;
const GLOBAL = 6;
const EXPORT = 7;
const CODE = 10;
const SECTION_NAMES = [
  "custom", "type", "import", "function", "table", "memory", "global",
  "export", "start", "element", "code", "data", "data count", "tag",
];
// Position of each section id in the required order; custom sections (id 0) go anywhere.
const ORDER = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6];

const VOID_FUNC_TYPE = new Uint8Array([0x60, 0x00, 0x00]);
const FUEL_TABLE = new Uint8Array([0x70, 0x01, 0x01, 0x01]); // funcref, min 1, max 1

interface Section {
  id: number;
  headerStart: number;
  start: number;
  end: number;
}

interface CodePlan {
  count: number;
  bodyStart: Uint32Array;
  bodyEnd: Uint32Array;
  /** points[firstPoint[i]..firstPoint[i+1]) are body i's injection offsets. */
  firstPoint: Uint32Array;
  points: Uint32Array;
  contentSize: number;
}

/**
 * Returns a copy of `bytes` with fuel checks injected and defined memories
 * capped. A module without a code section cannot loop, so it only gets the
 * memory cap and none of the fuel exports. Throws ModuleFormatError for
 * malformed or unsupported input, RangeError for bad options.
 */
export function instrument(bytes: Uint8Array, opts: InstrumentOptions): Instrumented {
  checkOptions(opts);
  try {
    return { bytes: rewrite(bytes, opts), fuelGlobalExport: FUEL_GLOBAL_EXPORT, fuelTableExport: FUEL_TABLE_EXPORT };
  } catch (e) {
    if (e instanceof DecodeError) throw new ModuleFormatError(e.message);
    throw e;
  }
}

function checkOptions(opts: InstrumentOptions): void {
  const { fuelPerSlice, maxMemoryPages } = opts;
  if (!Number.isInteger(fuelPerSlice) || fuelPerSlice < 1 || fuelPerSlice > 0x7fffffff) {
    throw new RangeError(`fuelPerSlice must be an integer from 1 to 2^31-1, got ${fuelPerSlice}`);
  }
  if (!Number.isInteger(maxMemoryPages) || maxMemoryPages < 0) {
    throw new RangeError(`maxMemoryPages must be a non-negative integer, got ${maxMemoryPages}`);
  }
}

function rewrite(input: Uint8Array, opts: InstrumentOptions): Uint8Array {
  // A plain view, so subarray() on a Buffer or other subclass stays cheap.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  checkHeader(bytes);
  const sections = readSections(bytes);
  const byId: (Section | undefined)[] = [];
  for (const s of sections) byId[s.id] = s;
  const code = byId[CODE];

  if (!code) {
    // Nothing can loop, so only the memory cap applies.
    const memory = byId[MEMORY];
    if (!memory) return input;
    const w = new ByteWriter(bytes.length + 16);
    w.copy(bytes, 0, 8);
    for (const s of sections) {
      if (s === memory) writeMemorySection(w, bytes, s, opts.maxMemoryPages);
      else w.copy(bytes, s.headerStart, s.end);
    }
    return w.bytes();
  }

  const types = scanTypes(bytes, byId[TYPE]);
  const imported = countImports(bytes, byId[IMPORT]);
  const typeIdx = types.voidType >= 0 ? types.voidType : types.count;
  const tableIdx = imported.tables + vecCount(bytes, byId[TABLE]);
  const globalIdx = imported.globals + vecCount(bytes, byId[GLOBAL]);
  checkExportNames(bytes, byId[EXPORT]);

  const snippet = fuelSnippet(globalIdx, typeIdx, tableIdx);
  const plan = scanCode(bytes, code, snippet.length);

  const fuelGlobal = new ByteWriter(16);
  fuelGlobal.byte(0x7f); // i32
  fuelGlobal.byte(0x01); // mutable
  fuelGlobal.byte(0x41); // i32.const
  fuelGlobal.sleb(opts.fuelPerSlice);
  fuelGlobal.byte(0x0b);

  const fuelExports = new ByteWriter(48);
  writeExport(fuelExports, GLOBAL_NAME, 0x03, globalIdx);
  writeExport(fuelExports, TABLE_NAME, 0x01, tableIdx);

  // Sections to append to, or to create when the module lacks them.
  const additions: { id: number; count: number; entries: Uint8Array }[] = [];
  if (types.voidType < 0) additions.push({ id: TYPE, count: 1, entries: VOID_FUNC_TYPE });
  additions.push({ id: TABLE, count: 1, entries: FUEL_TABLE });
  additions.push({ id: GLOBAL, count: 1, entries: fuelGlobal.bytes() });
  additions.push({ id: EXPORT, count: 2, entries: fuelExports.bytes() });

  const w = new ByteWriter(bytes.length + plan.points.length * snippet.length + 256);
  w.copy(bytes, 0, 8);
  let next = 0; // first addition not yet written
  for (const s of sections) {
    if (s.id !== 0) {
      // Missing sections are created just before the first later-ordered one.
      while (next < additions.length && ORDER[additions[next].id] < ORDER[s.id]) {
        const a = additions[next++];
        writeVecSection(w, a.id, 0, bytes, 0, 0, a.count, a.entries);
      }
      if (next < additions.length && additions[next].id === s.id) {
        const a = additions[next++];
        const r = new Reader(bytes, s.start, s.end, `${SECTION_NAMES[s.id]} section`);
        const count = r.u32();
        writeVecSection(w, a.id, count, bytes, r.pos, s.end, a.count, a.entries);
        continue;
      }
    }
    if (s.id === MEMORY) writeMemorySection(w, bytes, s, opts.maxMemoryPages);
    else if (s === code) writeCodeSection(w, bytes, plan, snippet);
    else w.copy(bytes, s.headerStart, s.end);
  }
  return w.bytes();
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

function readSections(bytes: Uint8Array): Section[] {
  const sections: Section[] = [];
  const r = new Reader(bytes, 8, bytes.length, "module");
  let lastOrder = 0;
  while (r.pos < r.end) {
    const headerStart = r.pos;
    const id = r.byte();
    if (id >= SECTION_NAMES.length) throw new ModuleFormatError(`unknown section id ${id} at offset ${headerStart}`);
    const size = r.u32();
    const start = r.pos;
    if (size > r.end - start) {
      throw new ModuleFormatError(
        `${SECTION_NAMES[id]} section at offset ${headerStart} is truncated: it declares ${size} bytes but only ${r.end - start} remain`,
      );
    }
    if (id !== 0) {
      // Appending entries relies on each section appearing once, in order.
      if (ORDER[id] <= lastOrder) throw new ModuleFormatError(`${SECTION_NAMES[id]} section at offset ${headerStart} is duplicated or out of order`);
      lastOrder = ORDER[id];
    }
    r.pos = start + size;
    sections.push({ id, headerStart, start, end: r.pos });
  }
  return sections;
}

function sectionReader(bytes: Uint8Array, s: Section): Reader {
  return new Reader(bytes, s.start, s.end, `${SECTION_NAMES[s.id]} section`);
}

function expectEnd(r: Reader): void {
  if (r.pos !== r.end) throw new ModuleFormatError(`${r.what} has ${r.end - r.pos} unexpected trailing bytes at offset ${r.pos}`);
}

function vecCount(bytes: Uint8Array, s: Section | undefined): number {
  return s ? sectionReader(bytes, s).u32() : 0;
}

/**
 * Counts type indices, which differs from the entry count once GC rec groups
 * appear, and finds an existing standalone `[] -> []` to reuse.
 */
function scanTypes(bytes: Uint8Array, s: Section | undefined): { count: number; voidType: number } {
  let count = 0;
  let voidType = -1;
  if (!s) return { count, voidType };
  const r = sectionReader(bytes, s);
  for (let n = r.u32(); n > 0; n--) {
    if (r.peek() === 0x4e) {
      r.pos++;
      const members = r.u32();
      for (let i = 0; i < members; i++) skipSubType(r);
      count += members;
      continue;
    }
    const at = r.pos;
    skipSubType(r);
    if (voidType < 0 && r.pos - at === 3 && bytes[at] === 0x60 && bytes[at + 1] === 0 && bytes[at + 2] === 0) voidType = count;
    count++;
  }
  expectEnd(r);
  return { count, voidType };
}

function skipSubType(r: Reader): void {
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
  } else if (form === 0x5f) {
    for (let n = r.u32(); n > 0; n--) skipFieldType(r);
  } else if (form === 0x5e) {
    skipFieldType(r);
  } else {
    throw new ModuleFormatError(`unknown type form 0x${form.toString(16)} at offset ${at}`);
  }
}

function skipFieldType(r: Reader): void {
  const b = r.peek();
  if (b === 0x78 || b === 0x77) r.pos++; // packed i8, i16
  else skipValType(r);
  r.byte(); // mutability
}

function countImports(bytes: Uint8Array, s: Section | undefined): { tables: number; globals: number } {
  let tables = 0;
  let globals = 0;
  if (!s) return { tables, globals };
  const r = sectionReader(bytes, s);
  for (let n = r.u32(); n > 0; n--) {
    r.skip(r.u32()); // module name
    r.skip(r.u32()); // field name
    const at = r.pos;
    const kind = r.byte();
    if (kind === 0x00) {
      r.skipLeb(5);
    } else if (kind === 0x01) {
      skipValType(r);
      skipLimits(r);
      tables++;
    } else if (kind === 0x02) {
      skipLimits(r);
    } else if (kind === 0x03) {
      skipValType(r);
      r.byte();
      globals++;
    } else if (kind === 0x04) {
      r.byte(); // tag attribute
      r.skipLeb(5);
    } else {
      throw new ModuleFormatError(`unknown import kind 0x${kind.toString(16)} at offset ${at}`);
    }
  }
  expectEnd(r);
  return { tables, globals };
}

function skipLimits(r: Reader): void {
  const at = r.pos;
  const flags = r.byte();
  if (flags > 0x0f) throw new ModuleFormatError(`unknown limits flags 0x${flags.toString(16)} at offset ${at}`);
  const width = flags & 0x04 ? 10 : 5;
  r.skipLeb(width);
  if (flags & 0x01) r.skipLeb(width);
  if (flags & 0x08) r.skipLeb(5); // custom page size
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

/** Finds every injection point (each body's entry and the inside of each loop) in one decoding pass. */
function scanCode(bytes: Uint8Array, s: Section, snippetLength: number): CodePlan {
  const r = sectionReader(bytes, s);
  const count = r.u32();
  // Every body takes at least one byte, which bounds the allocations below.
  if (count > r.end - r.pos) {
    throw new ModuleFormatError(`code section at offset ${s.headerStart} declares ${count} bodies but holds only ${r.end - r.pos} bytes`);
  }
  const bodyStart = new Uint32Array(count);
  const bodyEnd = new Uint32Array(count);
  const firstPoint = new Uint32Array(count + 1);
  const points = new U32List(count * 2);
  const addPoint = (offset: number) => points.push(offset);
  let contentSize = ulebSize(count);

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
    points.push(r.pos);
    forEachLoopBody(bytes, r.pos, end, addPoint);
    bodyStart[i] = start;
    bodyEnd[i] = end;
    const grownSize = size + (points.length - firstPoint[i]) * snippetLength;
    contentSize += ulebSize(grownSize) + grownSize;
    r.pos = end;
    r.end = s.end;
  }
  r.what = "code section";
  expectEnd(r);
  firstPoint[count] = points.length;
  return { count, bodyStart, bodyEnd, firstPoint, points: points.view(), contentSize };
}

class U32List {
  items: Uint32Array;
  length = 0;

  constructor(capacity: number) {
    this.items = new Uint32Array(Math.max(64, capacity));
  }

  push(v: number): void {
    if (this.length === this.items.length) {
      const grown = new Uint32Array(this.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    this.items[this.length++] = v;
  }

  view(): Uint32Array {
    return this.items.subarray(0, this.length);
  }
}

function writeCodeSection(w: ByteWriter, bytes: Uint8Array, plan: CodePlan, snippet: Uint8Array): void {
  const { bodyStart, bodyEnd, firstPoint, points } = plan;
  const snippetLength = snippet.length;
  w.byte(CODE);
  w.uleb(plan.contentSize);
  w.uleb(plan.count);
  w.reserve(plan.contentSize);
  // Copies go straight into the buffer; later snippets are copied from the
  // first with copyWithin, which needs no temporary view.
  const out = w.buf;
  let snippetAt = -1;
  for (let i = 0; i < plan.count; i++) {
    const first = firstPoint[i];
    const last = firstPoint[i + 1];
    w.uleb(bodyEnd[i] - bodyStart[i] + (last - first) * snippetLength);
    let len = w.len;
    let from = bodyStart[i];
    for (let p = first; p < last; p++) {
      const to = points[p];
      out.set(bytes.subarray(from, to), len);
      len += to - from;
      if (snippetAt < 0) {
        out.set(snippet, len);
        snippetAt = len;
      } else {
        out.copyWithin(len, snippetAt, snippetAt + snippetLength);
      }
      len += snippetLength;
      from = to;
    }
    out.set(bytes.subarray(from, bodyEnd[i]), len);
    w.len = len + bodyEnd[i] - from;
  }
}

/** Writes a vector section holding `count` original entries (bytes[from, to)) followed by `added` new ones. */
function writeVecSection(
  w: ByteWriter, id: number, count: number, bytes: Uint8Array, from: number, to: number, added: number, entries: Uint8Array,
): void {
  w.byte(id);
  w.uleb(ulebSize(count + added) + (to - from) + entries.length);
  w.uleb(count + added);
  w.copy(bytes, from, to);
  w.copy(entries, 0, entries.length);
}

/** Gives every defined memory a maximum of at most maxPages. */
function writeMemorySection(w: ByteWriter, bytes: Uint8Array, s: Section, maxPages: number): void {
  const r = sectionReader(bytes, s);
  const count = r.u32();
  const content = new ByteWriter(s.end - s.start + 16);
  content.uleb(count);
  for (let i = 0; i < count; i++) {
    const at = r.pos;
    const flags = r.byte();
    if (flags & 0x08) throw new ModuleFormatError(`memory ${i} at offset ${at} uses custom page sizes, which are not supported`);
    if (flags > 0x07) throw new ModuleFormatError(`unknown memory limits flags 0x${flags.toString(16)} at offset ${at}`);
    const is64 = (flags & 0x04) !== 0;
    const min = is64 ? r.u64() : r.u32();
    const max = flags & 0x01 ? (is64 ? r.u64() : r.u32()) : Infinity;
    // A maximum beyond the address space would make the module invalid.
    const cap = Math.min(maxPages, is64 ? 2 ** 48 : 65536);
    if (min > cap) throw new ModuleFormatError(`module needs ${min} pages of memory at start; the limit is ${cap}`);
    content.byte(flags | 0x01);
    content.uleb(min);
    content.uleb(Math.min(max, cap));
  }
  expectEnd(r);
  w.byte(MEMORY);
  w.uleb(content.len);
  w.copy(content.buf, 0, content.len);
}
