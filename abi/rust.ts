// The Rust guest crate (guest-sdk/rust/src/lib.rs), generated from abi/abi.ts by abi/gen.ts:
// raw imports of the onebox module, constants, errno values, layouts, and a thin safe wrapper
// for each call. WASI calls are not declared here: a Rust guest reaches them through std.
import { ABI_SECTION, ABI_VERSION, ERRNO, EXIT_REASONS, FLAGS, LAYOUTS, MODULE_ONEBOX, SYSCALLS, type ParamDef, type Syscall } from "./abi.ts";

/** What a onebox call's lone pointer points at; a pointer with a _len or _count is a slice. */
const POINTEES: Record<string, { type: string; written: boolean }> = {
  status_ptr: { type: "WaitStatus", written: true },
  info_ptr: { type: "RecvInfo", written: true },
  stat_ptr: { type: "Stat", written: true },
  pos_ptr: { type: "u64", written: true },
  token_ptr: { type: "u64", written: true },
  monitor_ref_ptr: { type: "i32", written: true },
  tags_ptr: { type: "i32", written: false },
};
/** Buffers a onebox call reads as text: the Rust call takes &str for each. */
const TEXT = new Set(["path", "node", "from", "to", "name"]);
/** Buffers the host writes into: the Rust call takes &mut [u8]. Every other buffer is read. */
const WRITTEN = new Set(["buf"]);
/** Rust keywords among call names: the safe wrapper's name, as std names its own. */
const RENAMED: Record<string, string> = { yield: "yield_now" };
const KEYWORDS = new Set(("as async await break const continue crate dyn else enum extern false fn for if impl in let loop match mod move mut pub " +
  "ref return self static struct super trait true type unsafe use where while abstract become box do final macro override priv try typeof unsized virtual yield").split(" "));
/** A name as a Rust identifier: a keyword (demonitor's `ref`) is written raw. */
const ident = (name: string): string => (KEYWORDS.has(name) ? `r#${name}` : name);

const layoutType = (name: string): string => name.replace(/(^|_)(\w)/g, (_, __, c: string) => c.toUpperCase());
const fieldType: Record<"i32" | "u32" | "u64", { type: string; bytes: number }> = {
  i32: { type: "i32", bytes: 4 },
  u32: { type: "u32", bytes: 4 },
  u64: { type: "u64", bytes: 8 },
};
const safeName = (name: string): string => RENAMED[name] ?? ident(name);

/** The slice a pointer parameter opens, with its length parameter, if the next parameter is one. */
function sliceOf(params: readonly ParamDef[], i: number): { base: string; count: boolean } | undefined {
  const ptr = params[i]!;
  const base = ptr.name.replace(/_ptr$/, "");
  const next = params[i + 1];
  if (ptr.kind !== "ptr" || !next) return undefined;
  if (next.name === `${base}_len` && next.kind === "len") return { base, count: false };
  if (next.name === `${base}_count` && next.kind === "i32") return { base, count: true };
  return undefined;
}

function pointee(s: Syscall, name: string): { type: string; written: boolean } {
  const p = POINTEES[name];
  if (!p) throw new Error(`abi/rust.ts: ${s.name}'s pointer ${name} has no Rust type: add it to POINTEES`);
  return p;
}

function rawParam(s: Syscall, params: readonly ParamDef[], i: number): string {
  const p = params[i]!;
  if (p.kind === "i32" || p.kind === "i64") return `${ident(p.name)}: ${p.kind}`;
  if (p.kind === "len") return `${p.name}: usize`;
  const slice = sliceOf(params, i);
  if (slice) {
    const element = slice.count ? pointee(s, p.name).type : "u8";
    return `${p.name}: *${WRITTEN.has(slice.base) ? "mut" : "const"} ${element}`;
  }
  const target = pointee(s, p.name);
  return `${p.name}: *${target.written ? "mut" : "const"} ${target.type}`;
}

const rawReturn = (s: Syscall): string => (s.returns === "never" ? " -> !" : " -> i32");

/** What the safe wrapper returns on success: nothing for "0", a length as usize, else the i32. */
function okType(s: Syscall): string {
  if (s.returns === "0") return "()";
  if (/^(length|bytes)\b/.test(s.returns)) return "usize";
  return "i32";
}

/** The safe wrapper's parameters and the raw call's arguments made from them. */
function safeParts(s: Syscall): { params: string[]; args: string[] } {
  const params: string[] = [];
  const args: string[] = [];
  const list = s.params as readonly ParamDef[];
  for (let i = 0; i < list.length; i++) {
    const p = list[i]!;
    if (p.kind === "i32" || p.kind === "i64") {
      params.push(`${ident(p.name)}: ${p.kind}`);
      args.push(ident(p.name));
      continue;
    }
    const slice = sliceOf(list, i);
    if (slice) {
      const { base } = slice;
      if (slice.count) {
        params.push(`${base}: &[${pointee(s, p.name).type}]`);
        args.push(`${base}.as_ptr()`, `${base}.len() as i32`);
      } else if (TEXT.has(base)) {
        params.push(`${base}: &str`);
        args.push(`${base}.as_ptr()`, `${base}.len()`);
      } else if (WRITTEN.has(base)) {
        params.push(`${base}: &mut [u8]`);
        args.push(`${base}.as_mut_ptr()`, `${base}.len()`);
      } else {
        params.push(`${base}: &[u8]`);
        args.push(`${base}.as_ptr()`, `${base}.len()`);
      }
      i++;
      continue;
    }
    const target = pointee(s, p.name);
    const base = p.name.replace(/_ptr$/, "");
    params.push(`${base}: &${target.written ? "mut " : ""}${target.type}`);
    args.push(base);
  }
  return { params, args };
}

/** The Rust function a guest calls for a onebox call, without `fn`: `getpid() -> i32`. */
export function rustSignature(s: Syscall): string {
  const { params } = safeParts(s);
  const result = s.returns === "never" ? " -> !" : s.errors.length ? ` -> Result<${okType(s)}, Errno>` : okType(s) === "()" ? "" : ` -> ${okType(s)}`;
  return `${safeName(s.name)}(${params.join(", ")})${result}`;
}

function safeWrapper(s: Syscall): string[] {
  const { args } = safeParts(s);
  const call = `unsafe { sys::${ident(s.name)}(${args.join(", ")}) }`;
  const ok = okType(s);
  let body: string;
  if (s.returns === "never") body = call;
  else if (s.errors.length) body = `check(${call})${ok === "()" ? ".map(drop)" : ok === "usize" ? ".map(|n| n as usize)" : ""}`;
  else body = ok === "()" ? `${call};` : ok === "usize" ? `${call} as usize` : call;
  return [`/// ${s.doc}`, `pub fn ${rustSignature(s)} {`, `    ${body}`, "}"];
}

/** guest-sdk/rust/src/lib.rs. */
export function rustCrate(header: string): string {
  const calls = (SYSCALLS as readonly Syscall[]).filter((s) => s.module === MODULE_ONEBOX);
  const lines = [
    header,
    "//",
    "//! The onebox ABI for Rust guests. `onebox build main.rs` (or a Cargo package) compiles this",
    "//! crate and passes it to rustc as `onebox`, so `use onebox::...` needs no Cargo dependency;",
    `//! the build stamps ABI_VERSION into the custom section "${ABI_SECTION}".`,
    "//!",
    "//! `sys::NAME` is the raw import; `NAME` is the call to use: &str for text, slices for buffers,",
    "//! and `Result<T, Errno>` where the raw call returns a negated errno. Output, arguments,",
    "//! clocks and the environment come from std, whose WASI calls onebox serves.",
    "#![no_std]",
    "",
    "use core::fmt;",
    "",
    `pub const ABI_VERSION: i32 = ${ABI_VERSION};`,
    "",
    "/// Why a onebox call failed: WASI preview1's errno values.",
    "#[derive(Clone, Copy, PartialEq, Eq, Hash)]",
    "pub struct Errno(pub i32);",
    "",
    "impl Errno {",
  ];
  for (const [name, e] of Object.entries(ERRNO)) lines.push(`    /// ${e.doc}`, `    pub const ${name}: Errno = Errno(${e.code});`);
  lines.push(
    "",
    "    /// The errno's name, as the ABI spells it: \"ESRCH\".",
    "    pub fn name(self) -> &'static str {",
    "        match self.0 {",
    ...Object.entries(ERRNO).map(([name, e]) => `            ${e.code} => "${name}",`),
    '            _ => "unknown errno",',
    "        }",
    "    }",
    "}",
    "",
    "impl fmt::Debug for Errno {",
    "    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {",
    "        f.write_str(self.name())",
    "    }",
    "}",
    "",
    "impl fmt::Display for Errno {",
    "    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {",
    "        f.write_str(self.name())",
    "    }",
    "}",
    "",
    "/// A raw call's result: non-negative is success, negative a negated errno.",
    "fn check(r: i32) -> Result<i32, Errno> {",
    "    if r < 0 { Err(Errno(-r)) } else { Ok(r) }",
    "}",
    "",
  );
  for (const [name, r] of Object.entries(EXIT_REASONS)) lines.push(`/// ${r.doc}`, `pub const REASON_${name}: i32 = ${r.code};`);
  lines.push(
    "",
    "/// Name of an exit reason, as wait and down messages report it.",
    "pub fn reason_name(reason: i32) -> &'static str {",
    "    match reason {",
    ...Object.entries(EXIT_REASONS).map(([name, r]) => `        ${r.code} => "${name.toLowerCase()}",`),
    '        _ => "unknown reason",',
    "    }",
    "}",
    "",
  );
  for (const group of Object.values(FLAGS)) {
    for (const [name, f] of Object.entries(group)) lines.push(`/// ${f.doc}`, `pub const ${name}: i32 = ${f.value};`);
  }
  for (const [name, layout] of Object.entries(LAYOUTS)) {
    const upper = name.toUpperCase();
    const type = layoutType(name);
    const fields = Object.entries<{ offset: number; type: keyof typeof fieldType }>(layout.fields);
    lines.push("", `/// ${layout.doc}`, "#[repr(C)]", "#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]", `pub struct ${type} {`);
    let end = 0;
    for (const [field, f] of fields) {
      if (f.offset > end) lines.push(`    _pad${end}: [u8; ${f.offset - end}],`);
      lines.push(`    pub ${field}: ${fieldType[f.type].type},`);
      end = f.offset + fieldType[f.type].bytes;
    }
    if (layout.size > end) lines.push(`    _pad${end}: [u8; ${layout.size - end}],`);
    lines.push("}", `pub const ${upper}_SIZE: usize = ${layout.size};`, `const _: () = assert!(core::mem::size_of::<${type}>() == ${upper}_SIZE);`);
    for (const [field, f] of fields) lines.push(`pub const ${upper}_${field.toUpperCase()}_OFFSET: usize = ${f.offset};`);
    lines.push(
      "",
      `impl ${type} {`,
      `    /// Read one from the first ${layout.size} bytes of a buffer (little-endian); None if it is shorter.`,
      `    pub fn from_bytes(bytes: &[u8]) -> Option<${type}> {`,
      `        if bytes.len() < ${upper}_SIZE {`,
      "            return None;",
      "        }",
      `        let mut out = ${type}::default();`,
      ...fields.map(([field, f]) => {
        const t = fieldType[f.type];
        return `        out.${field} = ${t.type}::from_le_bytes(bytes[${upper}_${field.toUpperCase()}_OFFSET..${upper}_${field.toUpperCase()}_OFFSET + ${t.bytes}].try_into().ok()?);`;
      }),
      "        Some(out)",
      "    }",
      "}",
    );
  }
  lines.push("", "/// The raw imports of the onebox module: pointers and lengths, a negated errno on failure.", "pub mod sys {", "    use super::*;", "");
  lines.push(`    #[link(wasm_import_module = "${MODULE_ONEBOX}")]`, '    extern "C" {');
  calls.forEach((s, i) => {
    const params = (s.params as readonly ParamDef[]).map((_, j, list) => rawParam(s, list, j));
    if (i > 0) lines.push("");
    lines.push(`        /// ${s.doc}`, `        pub fn ${ident(s.name)}(${params.join(", ")})${rawReturn(s)};`);
  });
  lines.push("    }", "}");
  for (const s of calls) lines.push("", ...safeWrapper(s));
  return lines.join("\n") + "\n";
}
