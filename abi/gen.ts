#!/usr/bin/env node
// Writes every file derived from abi/abi.ts (and host/transport/wire-types.ts from abi/wire.proto). `node abi/gen.ts --check` exits 1 naming
// any file that is out of date, so a change to the ABI cannot leave one behind.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ABI_SECTION, ABI_VERSION, ERRNO, EXIT_REASONS, FLAGS, LAYOUTS, MODULE_ONEBOX, SYSCALLS, type ParamKind, type Syscall } from "./abi.ts";
import { rustCrate, rustSignature } from "./rust.ts";
import { wireTypes } from "./wire-types.ts";
import { blockingWitCalls, jsName, WIT_CALLS, WIT_IMPORT, WIT_INTERFACE, WIT_PACKAGE, WIT_START, WIT_WORLD, witErrno, type WitCallName } from "./wit.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const HEADER = "// Generated from abi/abi.ts by abi/gen.ts. Do not edit.";

const asType: Record<ParamKind, string> = { i32: "i32", i64: "i64", ptr: "usize", len: "usize" };

function assemblyscript(): string {
  const lines = [HEADER, "", `export const ABI_VERSION: i32 = ${ABI_VERSION};`, ""];
  for (const [name, e] of Object.entries(ERRNO)) lines.push(`/** ${e.doc} */`, `export const ${name}: i32 = ${e.code};`);
  lines.push("");
  for (const [name, r] of Object.entries(EXIT_REASONS)) lines.push(`/** ${r.doc} */`, `export const REASON_${name}: i32 = ${r.code};`);
  lines.push("");
  for (const group of Object.values(FLAGS)) {
    for (const [name, f] of Object.entries(group)) lines.push(`/** ${f.doc} */`, `export const ${name}: i32 = ${f.value};`);
  }
  lines.push("");
  for (const [name, layout] of Object.entries(LAYOUTS)) {
    const upper = name.toUpperCase();
    lines.push(`export const ${upper}_SIZE: i32 = ${layout.size};`);
    for (const [field, f] of Object.entries(layout.fields)) lines.push(`export const ${upper}_${field.toUpperCase()}_OFFSET: i32 = ${f.offset};`);
  }
  for (const s of SYSCALLS as readonly Syscall[]) {
    const params = s.params.map((p) => `${p.name}: ${asType[p.kind]}`).join(", ");
    lines.push("", `/** ${s.doc} */`, `@external("${s.module}", "${s.name}")`, `export declare function sys_${s.name}(${params}): ${s.returns === "never" ? "void" : "i32"};`);
  }
  return lines.join("\n") + "\n";
}

/** C types of what a onebox call reads or writes through a pointer; other buffers are bytes it reads. */
const C_POINTERS: Record<string, string> = {
  status_ptr: "onebox_wait_status_t *",
  info_ptr: "onebox_recv_info_t *",
  stat_ptr: "onebox_stat_t *",
  pos_ptr: "uint64_t *",
  token_ptr: "uint64_t *",
  monitor_ref_ptr: "int32_t *",
  tags_ptr: "const int32_t *",
  buf_ptr: "void *",
  args_ptr: "const char *",
  env_ptr: "const char *",
};
/** Buffers a onebox call reads as text: the C call takes a NUL-terminated string for each. */
const C_STRINGS = new Set(["path", "node", "from", "to", "name"]);
const bufferOf = (param: string): string | undefined => param.match(/^(.*)_(ptr|len)$/)?.[1];
const cField: Record<"i32" | "u32" | "u64", { type: string; bytes: number }> = {
  i32: { type: "int32_t", bytes: 4 },
  u32: { type: "uint32_t", bytes: 4 },
  u64: { type: "uint64_t", bytes: 8 },
};
const isCString = (param: string): boolean => C_STRINGS.has(bufferOf(param) ?? "");

function cParam(s: Syscall, name: string, kind: ParamKind): string {
  if (kind === "i32") return `int32_t ${name}`;
  if (kind === "i64") return `int64_t ${name}`;
  if (kind === "len") return `size_t ${name}`;
  // WASI's own structs are wasi-libc's business (wasi/api.h); onebox's are declared here.
  if (s.module !== MODULE_ONEBOX) return `void *${name}`;
  const type = isCString(name) ? "const char *" : (C_POINTERS[name] ?? "const void *");
  return `${type}${type.endsWith("*") ? "" : " "}${name}`;
}

const cReturn = (s: Syscall): string => (s.returns === "never" ? "void" : "int32_t");

function cRawSignature(s: Syscall): string {
  return `${cReturn(s)} onebox_sys_${s.name}(${s.params.map((p) => cParam(s, p.name, p.kind)).join(", ") || "void"})`;
}

/** The function a C guest calls: onebox_NAME for a onebox call; a WASI call is wasi-libc's, or the raw import. */
function cSignature(s: Syscall): string {
  if (s.module !== MODULE_ONEBOX) return cRawSignature(s);
  const params = s.params.filter((p) => !isCString(p.name) || p.kind === "ptr")
    .map((p) => (isCString(p.name) ? `const char *${bufferOf(p.name)}` : cParam(s, p.name, p.kind)));
  return `${cReturn(s)} onebox_${s.name}(${params.join(", ") || "void"})`;
}

/** A switch from a code to a string, for the helpers that name errno values and exit reasons. */
function cNamer(fn: string, arg: string, key: string, doc: string, cases: readonly (readonly [number, string])[], fallback: string): string[] {
  return [
    `/** ${doc} */`,
    `static inline const char *${fn}(int32_t ${arg}) {`,
    `  switch (${key}) {`,
    ...cases.map(([code, text]) => `  case ${code}: return "${text}";`),
    `  default: return "${fallback}";`,
    "  }",
    "}",
  ];
}

function cHeader(): string {
  const lines = [
    HEADER,
    "//",
    "// The onebox ABI for C guests. `onebox build FILE.c` compiles with clang --target=wasm32-wasi,",
    `// puts this directory on the include path and stamps ABI_VERSION into the custom section "${ABI_SECTION}";`,
    "// a module built any other way must carry that section or the host refuses it.",
    "//",
    "// onebox_sys_NAME is the raw import; onebox_NAME is the call to use, the same but taking a C",
    "// string for each text buffer. A onebox call returns a non-negative result or a negated errno (-ONEBOX_ESRCH).",
    "#ifndef ONEBOX_H",
    "#define ONEBOX_H",
    "",
    "#include <stddef.h>",
    "#include <stdint.h>",
    "#include <string.h>",
    "",
    `#define ONEBOX_ABI_VERSION ${ABI_VERSION}`,
    "",
    "// onebox build says which ABI it stamps; a stale copy of this header must not pass for current.",
    "#if defined(ONEBOX_BUILD_ABI_VERSION) && ONEBOX_BUILD_ABI_VERSION != ONEBOX_ABI_VERSION",
    '#error "this onebox.h is for another ABI version than onebox build: include guest-sdk/c/onebox.h"',
    "#endif",
    "",
  ];
  const define = (name: string, value: number, doc?: string) => {
    if (doc) lines.push(`/** ${doc} */`);
    lines.push(`#define ONEBOX_${name} ${value < 0 ? `(${value})` : value}`);
  };
  for (const [name, e] of Object.entries(ERRNO)) define(name, e.code, e.doc);
  lines.push("");
  for (const [name, r] of Object.entries(EXIT_REASONS)) define(`REASON_${name}`, r.code, r.doc);
  lines.push("");
  for (const group of Object.values(FLAGS)) {
    for (const [name, f] of Object.entries(group)) define(name, f.value, f.doc);
  }
  for (const [name, layout] of Object.entries(LAYOUTS)) {
    const upper = name.toUpperCase();
    const type = `onebox_${name}_t`;
    lines.push("", `/** ${layout.doc} */`, `typedef struct ${type} {`);
    const fields = Object.entries<{ offset: number; type: keyof typeof cField }>(layout.fields);
    let end = 0;
    for (const [field, f] of fields) {
      if (f.offset > end) lines.push(`  uint8_t _pad${end}[${f.offset - end}];`);
      lines.push(`  ${cField[f.type].type} ${field};`);
      end = f.offset + cField[f.type].bytes;
    }
    if (layout.size > end) lines.push(`  uint8_t _pad${end}[${layout.size - end}];`);
    lines.push(`} ${type};`);
    define(`${upper}_SIZE`, layout.size);
    lines.push(`_Static_assert(sizeof(${type}) == ONEBOX_${upper}_SIZE, "${name} layout");`);
    for (const [field, f] of fields) {
      define(`${upper}_${field.toUpperCase()}_OFFSET`, f.offset);
      lines.push(`_Static_assert(offsetof(${type}, ${field}) == ONEBOX_${upper}_${field.toUpperCase()}_OFFSET, "${name}.${field} offset");`);
    }
  }
  for (const s of SYSCALLS as readonly Syscall[]) {
    const never = s.returns === "never";
    const attrs = `import_module("${s.module}"), import_name("${s.name}")${never ? ", noreturn" : ""}`;
    lines.push("", `/** ${s.doc} */`, `__attribute__((${attrs}))`, `${cRawSignature(s)};`);
    if (s.module !== MODULE_ONEBOX) continue;
    if (!s.params.some((p) => isCString(p.name))) {
      lines.push(`#define onebox_${s.name} onebox_sys_${s.name}`);
      continue;
    }
    const args = s.params.map((p) => (!isCString(p.name) ? p.name : p.kind === "len" ? `strlen(${bufferOf(p.name)})` : bufferOf(p.name)));
    lines.push(`static inline ${cSignature(s)} {`, `  return onebox_sys_${s.name}(${args.join(", ")});`, "}");
  }
  lines.push(
    "",
    ...cNamer("onebox_errno_name", "err", "err < 0 ? -err : err", "Name of an errno value, either sign: onebox_errno_name(-ONEBOX_ESRCH) is \"ESRCH\".",
      Object.entries(ERRNO).map(([name, e]) => [e.code, name] as const), "unknown errno"),
    "",
    ...cNamer("onebox_reason_name", "reason", "reason", "Name of an exit reason, as wait and down messages report it.",
      Object.entries(EXIT_REASONS).map(([name, r]) => [r.code, name.toLowerCase()] as const), "unknown reason"),
    "",
    "#endif",
  );
  return lines.join("\n") + "\n";
}

/** Constants for JavaScript component guests; their calls come from the WIT import itself. */
function componentConstants(): string {
  const lines = [HEADER, "// Errors are thrown: a failed call throws with .payload, the errno's name in lower case.", "", `export const ABI_VERSION = ${ABI_VERSION};`, `export const WIT_IMPORT = "${WIT_IMPORT}";`, ""];
  for (const [name, r] of Object.entries(EXIT_REASONS)) lines.push(`/** ${r.doc} */`, `export const REASON_${name} = ${r.code};`);
  lines.push("");
  for (const group of Object.values(FLAGS)) {
    for (const [name, f] of Object.entries(group)) lines.push(`/** ${f.doc} */`, `export const ${name} = ${f.value};`);
  }
  lines.push("");
  const down = LAYOUTS.down_message;
  lines.push(`export const DOWN_MESSAGE_SIZE = ${down.size};`);
  for (const [field, f] of Object.entries(down.fields)) lines.push(`export const DOWN_MESSAGE_${field.toUpperCase()}_OFFSET = ${f.offset};`);
  return lines.join("\n") + "\n";
}

/** A call's line in the WIT interface, e.g. `kill: func(pid: s32) -> result<_, errno>`. */
function witSignature(name: WitCallName): string {
  const c = WIT_CALLS[name];
  const result = c.ok === undefined ? "" : c.fails ? ` -> result<${c.ok === "_" ? "_" : c.ok}, errno>` : c.ok === "_" ? "" : ` -> ${c.ok}`;
  return `${WIT_KEYWORDS.has(name) ? "%" : ""}${name}: func(${c.params})${result}`;
}

/** WIT keywords a call is named after, written with WIT's `%` escape (jco names the import without it). */
const WIT_KEYWORDS = new Set<string>(["record"]);

/** How a JavaScript component calls it: jco's camelCase names, `%` (WIT's keyword escape) dropped. */
function jsCall(name: WitCallName): string {
  const params = WIT_CALLS[name].params.split(", ").filter(Boolean).map((p) => jsName(p.split(":")[0]!.replace("%", "")));
  return `sys.${jsName(name)}(${params.join(", ")})`;
}

/** abi/onebox.wit: the world a component guest is built against (see abi/wit.ts). */
function wit(): string {
  const docOf = new Map<string, string>((SYSCALLS as readonly Syscall[]).map((s) => [s.name, s.doc]));
  const blocking = new Set<string>(blockingWitCalls());
  const lines = [
    "// Generated from abi/abi.ts and abi/wit.ts by abi/gen.ts. Do not edit.",
    "//",
    "// The onebox ABI for component guests: the same calls as the core-module imports, with",
    "// WIT values instead of pointers. A call that can fail returns result<T, errno>.",
    "// Calls marked blocking suspend the guest (an async import under JSPI).",
    `package ${WIT_PACKAGE};`,
    "",
    `interface ${WIT_INTERFACE} {`,
    "  /** Why a call failed: the ABI's errno names, lower-case. */",
    "  enum errno {",
    ...Object.keys(ERRNO).map((name) => `    ${witErrno(name as keyof typeof ERRNO)},`),
    "  }",
    "",
    `  /** What wait reports: the child's pid, its exit status and reason code (${Object.entries(EXIT_REASONS).map(([n, r]) => `${n}=${r.code}`).join(", ")}). */`,
    "  record wait-status { pid: s32, status: s32, reason: s32 }",
    "  /** What spawn-opt reports: the child's pid and, with SPAWN_MONITOR, the monitor's reference (else 0). */",
    "  record spawned { pid: s32, ref: s32 }",
    `  /** A received message. Tag ${FLAGS.special.TAG_DOWN.value} is a monitor's down message, tag ${FLAGS.special.TAG_EXIT.value} a linked process's exit message (trap_exit); data in the down_message layout. */`,
    "  record message { sender: s32, tag: s32, data: list<u8> }",
    "  /** What stat reports; kind is a KIND_* value. */",
    "  record file-stat { size: u64, mtime-ns: u64, kind: u32 }",
  ];
  for (const name of Object.keys(WIT_CALLS) as WitCallName[]) {
    lines.push("", `  /** ${docOf.get(WIT_CALLS[name].abi)}${blocking.has(name) ? " Blocking." : ""} */`, `  ${witSignature(name)};`);
  }
  lines.push("}", "", `world ${WIT_WORLD} {`, `  import ${WIT_INTERFACE};`, "  /** The guest's entry point, as _start is a core module's. */", `  export ${WIT_START}: func();`, "}");
  return lines.join("\n") + "\n";
}

const AS_SDK = "guest-sdk/assemblyscript/onebox/index.ts";

/**
 * The AssemblyScript SDK's functions for each raw call, read from its source: the exported
 * functions that call `abi.sys_NAME`, directly or through one private helper (print
 * through writeFd). ABI.md is regenerated, and checked, against the SDK as it is.
 */
function assemblyscriptCalls(): Map<string, string[]> {
  const source = fs.readFileSync(path.join(root, AS_SDK), "utf8");
  const functions = [...source.matchAll(/^(export )?function (\w+)(\([^)]*\)): ([^{]+?) \{$([\s\S]*?)^\}$/gm)].map((m) => ({
    exported: m[1] !== undefined,
    name: m[2]!,
    signature: `${m[2]}${m[3]}: ${m[4]}`,
    calls: new Set([...m[5]!.matchAll(/\babi\.sys_(\w+)\(/g)].map((c) => c[1]!)),
    uses: m[5]!,
  }));
  const helpers = functions.filter((f) => !f.exported);
  // onebox_abort is exported for the compiler's --use abort=, not as a call to offer.
  const offered = functions.filter((f) => f.exported && f.name !== "onebox_abort");
  const bySyscall = new Map<string, string[]>();
  for (const s of SYSCALLS) {
    const direct = offered.filter((f) => f.calls.has(s.name));
    const viaHelper = offered.filter((f) => helpers.some((h) => h.calls.has(s.name) && new RegExp(`\\b${h.name}\\(`).test(f.uses)));
    bySyscall.set(s.name, (direct.length ? direct : viaHelper).map((f) => f.signature));
  }
  return bySyscall;
}

const witCallsOf = (abiName: string): WitCallName[] => (Object.keys(WIT_CALLS) as WitCallName[]).filter((name) => WIT_CALLS[name].abi === abiName);

const wasmType: Record<ParamKind, string> = { i32: "i32", i64: "i64", ptr: "i32 (pointer)", len: "i32 (length)" };

function abiDoc(): string {
  const out: string[] = [
    "# The onebox ABI",
    "",
    "<!-- Generated from abi/abi.ts by abi/gen.ts (npm run gen). Do not edit; change abi/abi.ts. -->",
    "",
    `Version **${ABI_VERSION}**. A guest states the version it was built for in a custom section named \`${ABI_SECTION}\` holding one unsigned LEB128; \`onebox build\` adds it. A module that imports onebox calls without it, or states another version, is refused with both versions named.`,
    "",
    "Calls are flat core-module imports: module `onebox` for onebox's own calls and `wasi_snapshot_preview1` for the WASI calls onebox serves, so ordinary toolchains work. Arguments are integers and pointer+length pairs into the guest's memory. Every pointer is bounds-checked: a bad one returns EFAULT; the host never traps on the guest's behalf.",
    "",
    "**Return values.** A onebox call returns a non-negative result on success or a negated errno (`-71` is ESRCH). A WASI call returns 0 or a positive errno, as WASI does. Calls marked *blocking* suspend only the calling process (JSPI); the node and every other process go on.",
    "",
    "**C.** Each call's C line is the function `guest-sdk/c/onebox.h` declares for it (`#include <onebox.h>`; `onebox build FILE.c` puts it on the include path): the raw import is `onebox_sys_NAME`, and `onebox_NAME` takes a C string for each text buffer. Constants are `ONEBOX_`-prefixed; layouts are `onebox_LAYOUT_t` structs.",
    "",
    "**Rust.** Each onebox call's Rust line is the function the `onebox` crate (guest-sdk/rust/src/lib.rs) offers for it; `onebox build main.rs` passes the crate to rustc, so `use onebox::...` needs no Cargo dependency. Text is `&str`, buffers are slices, what the host writes is `&mut`, and a call that can fail returns `Result<T, onebox::Errno>`. The raw import is `onebox::sys::NAME`. WASI calls are reached through std (`println!`, `std::env::args`, `std::time`).",
    "",
    `**AssemblyScript.** Each call's AS line is the function the SDK (\`import { ... } from "onebox"\`, ${AS_SDK}) offers for it; a failed call returns a negative errno or null and records it in \`errno()\`. The raw import is \`sys_NAME\`, exported too.`,
    "",
    `**JavaScript components.** Each call's WIT line is its function in abi/onebox.wit (interface \`${WIT_IMPORT}\`), and the JS line how a guest calls it (\`import { sys } from "guest-sdk/component/onebox.js"\`): values instead of pointers, and a failed call throws an error whose \`.payload\` is the errno's name in lower case (\`"esrch"\`). WASI calls whose job a list's own length does (the size queries, stdio descriptors) have no component form.`,
    "",
    "**Preemption.** The host instruments each module so a process that runs too long without a call is preempted at a loop head or a call, and can be killed there.",
    "",
    "## Calls",
    "",
  ];
  const asCalls = assemblyscriptCalls();
  const areas = [...new Set(SYSCALLS.map((s) => s.area))];
  for (const area of areas) {
    out.push(`### ${area}`, "");
    for (const s of (SYSCALLS as readonly Syscall[]).filter((c) => c.area === area)) {
      const sig = s.params.map((p) => `${p.name}: ${p.kind}`).join(", ");
      out.push(`#### \`${s.module}.${s.name}(${sig})\`${s.blocking ? " — blocking" : ""}`, "", s.doc, "");
      out.push(`- returns: ${s.returns}`);
      if (s.params.length) out.push(`- wasm signature: (${s.params.map((p) => wasmType[p.kind]).join(", ")}) -> ${s.returns === "never" ? "(none)" : "i32"}`);
      out.push(`- C: \`${cSignature(s)}\``);
      if (s.module === MODULE_ONEBOX) out.push(`- Rust: \`onebox::${rustSignature(s)}\``);
      const as = asCalls.get(s.name)!;
      out.push(`- AssemblyScript: ${as.length ? as.map((f) => `\`${f}\``).join(", ") : `\`sys_${s.name}\` (raw)`}`);
      const wits = witCallsOf(s.name);
      out.push(wits.length ? `- WIT: ${wits.map((w) => `\`${witSignature(w)}\``).join(", ")}; JS: ${wits.map((w) => `\`${jsCall(w)}\``).join(", ")}` : "- WIT: none (no component form)");
      out.push(`- errors: ${s.errors.length ? s.errors.join(", ") : "none"}`, "");
    }
  }
  out.push("## Errors", "", "| name | value | meaning |", "| --- | --- | --- |");
  for (const [name, e] of Object.entries(ERRNO)) out.push(`| ${name} | ${e.code} | ${e.doc} |`);
  out.push("", "## Exit reasons", "", "| name | code | meaning |", "| --- | --- | --- |");
  for (const [name, r] of Object.entries(EXIT_REASONS)) out.push(`| ${name} | ${r.code} | ${r.doc} |`);
  out.push("", "## Flags and constants", "", "| group | name | value | meaning |", "| --- | --- | --- | --- |");
  for (const [group, flags] of Object.entries(FLAGS)) {
    for (const [name, f] of Object.entries(flags)) out.push(`| ${group} | ${name} | ${f.value} | ${f.doc} |`);
  }
  out.push("", "## Layouts", "", "Little-endian structs a call reads or writes in guest memory.", "");
  for (const [name, layout] of Object.entries(LAYOUTS)) {
    out.push(`### ${name} (${layout.size} bytes)`, "", layout.doc, "", "| field | offset | type |", "| --- | --- | --- |");
    for (const [field, f] of Object.entries(layout.fields)) out.push(`| ${field} | ${f.offset} | ${f.type} |`);
    out.push("");
  }
  return out.join("\n");
}

export const GENERATED: Record<string, () => string> = {
  "guest-sdk/assemblyscript/onebox/abi.ts": assemblyscript,
  "guest-sdk/c/onebox.h": cHeader,
  "guest-sdk/rust/src/lib.rs": () => rustCrate(HEADER),
  "docs/ABI.md": abiDoc,
  "abi/onebox.wit": wit,
  "guest-sdk/component/abi.js": componentConstants,
  "host/transport/wire-types.ts": wireTypes,
};

function main(check: boolean): number {
  const stale: string[] = [];
  for (const [file, make] of Object.entries(GENERATED)) {
    const target = path.join(root, file);
    const text = make();
    const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
    if (current === text) continue;
    if (check) stale.push(file);
    else {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, text);
      console.log(`wrote ${file}`);
    }
  }
  if (stale.length) process.stderr.write(`out of date (run npm run gen): ${stale.join(", ")}\n`);
  return stale.length ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.includes("--check"));
