// A tiny WebAssembly assembler for tests and probes that need exact bytes.

export function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v % 128;
    v = Math.floor(v / 128);
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}

export function sleb(value: number | bigint): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && !(b & 0x40)) || (v === -1n && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
}

export const str = (s: string) => {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
};
export const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
export const rawSection = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
export const section = (id: number, items: number[][]) => rawSection(id, vec(items));
export const wasm = (...sections: number[][]) => new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...sections.flat()]);
export const funcType = (params: number[], results: number[]) => [0x60, ...vec(params.map((p) => [p])), ...vec(results.map((r) => [r]))];
/** locals are [count, ...valtype] entries; the closing `end` is added. */
export const body = (locals: number[][], code: number[]) => {
  const b = [...vec(locals), ...code, END];
  return [...uleb(b.length), ...b];
};
export const exportEntry = (name: string, kind: number, index: number) => [...str(name), kind, ...uleb(index)];

export const [TYPE, IMPORT, FUNCTION, TABLE, MEMORY, GLOBAL, EXPORT, ELEM, CODE, TAG] = [1, 2, 3, 4, 5, 6, 7, 9, 10, 13];
export const [FUNC, TABLE_KIND, MEMORY_KIND, GLOBAL_KIND] = [0, 1, 2, 3];
export const [I32, I64, FUNCREF, EMPTY] = [0x7f, 0x7e, 0x70, 0x40];

export const UNREACHABLE = 0x00, NOP = 0x01, BLOCK = 0x02, LOOP = 0x03, IF = 0x04, END = 0x0b;
export const BR = 0x0c, BR_IF = 0x0d, BR_TABLE = 0x0e, RETURN = 0x0f, CALL_INDIRECT = 0x11, DROP = 0x1a;
export const LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOCAL_TEE = 0x22, GLOBAL_GET = 0x23, GLOBAL_SET = 0x24;
export const I32_CONST = 0x41, I64_CONST = 0x42, F32_CONST = 0x43, F64_CONST = 0x44;
export const I32_EQZ = 0x45, I32_LE_U = 0x4d, I32_ADD = 0x6a, I32_SUB = 0x6b, I32_MUL = 0x6c, I32_AND = 0x71, I32_SHR_U = 0x76;
export const MISC = 0xfc;
/** 0xFC sub-opcodes of the bulk memory and table instructions. */
export const [MEMORY_INIT, MEMORY_COPY, MEMORY_FILL, TABLE_INIT, TABLE_COPY, TABLE_GROW, TABLE_FILL] = [8, 10, 11, 12, 14, 15, 17];
export const REF_NULL = 0xd0;

/** A core module of about `size` bytes that onebox runs: a _start that returns, a memory, and many functions full of loops. */
export function bigCoreModule(size: number): Uint8Array {
  const chunk = [
    BLOCK, EMPTY, LOOP, EMPTY, LOCAL_GET, 0, I32_CONST, ...sleb(123456), I32_ADD, LOCAL_TEE, 0,
    LOOP, EMPTY, LOCAL_GET, 0, I32_CONST, 1, I32_SUB, LOCAL_TEE, 0, BR_IF, 0, END, DROP, END, END,
  ];
  const code = body([], [...new Array(200).fill(chunk).flat()]);
  const functions = Math.ceil(size / code.length);
  return wasm(
    section(TYPE, [funcType([I32], []), funcType([], [])]),
    section(FUNCTION, [[1], ...new Array(functions).fill([0])]),
    section(MEMORY, [[0x00, 1]]),
    section(EXPORT, [exportEntry("_start", FUNC, 0), exportEntry("memory", MEMORY_KIND, 0)]),
    section(CODE, [body([], []), ...new Array(functions).fill(code)]),
  );
}
