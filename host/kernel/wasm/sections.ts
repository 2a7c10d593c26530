// A module's sections: where each is, in the required order, and reading one.
import { Reader } from "./leb.ts";

/** The input is malformed or uses something the instrumenter does not support. */
export class ModuleFormatError extends Error {}

export const TYPE = 1;
export const IMPORT = 2;
export const FUNCTION = 3;
export const TABLE = 4;
export const MEMORY = 5;
export const GLOBAL = 6;
export const EXPORT = 7;
export const CODE = 10;
export const SECTION_NAMES = [
  "custom", "type", "import", "function", "table", "memory", "global",
  "export", "start", "element", "code", "data", "data count", "tag",
];
// Position of each section id in the required order; custom sections (id 0) go anywhere.
export const ORDER = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6];

export interface Section {
  id: number;
  headerStart: number;
  start: number;
  end: number;
}

/** A vector section's entries, new or rewritten: `entries` holds `count` of them, encoded. */
export interface Vec {
  count: number;
  entries: Uint8Array;
}

export function readSections(bytes: Uint8Array): Section[] {
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

export function sectionReader(bytes: Uint8Array, s: Section): Reader {
  return new Reader(bytes, s.start, s.end, `${SECTION_NAMES[s.id]} section`);
}

export function expectEnd(r: Reader): void {
  if (r.pos !== r.end) throw new ModuleFormatError(`${r.what} has ${r.end - r.pos} unexpected trailing bytes at offset ${r.pos}`);
}

export function vecCount(bytes: Uint8Array, s: Section | undefined): number {
  return s ? sectionReader(bytes, s).u32() : 0;
}
