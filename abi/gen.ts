#!/usr/bin/env node
// Writes every file derived from abi/abi.ts. `node abi/gen.ts --check` exits 1 naming
// any file that is out of date, so a change to the ABI cannot leave one behind.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ABI_SECTION, ABI_VERSION, ERRNO, EXIT_REASONS, FLAGS, LAYOUTS, SYSCALLS, type ParamKind, type Syscall } from "./abi.ts";

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
    "**Preemption.** The host instruments each module so a process that runs too long without a call is preempted at a loop head or a call, and can be killed there.",
    "",
    "## Calls",
    "",
  ];
  const areas = [...new Set(SYSCALLS.map((s) => s.area))];
  for (const area of areas) {
    out.push(`### ${area}`, "");
    for (const s of (SYSCALLS as readonly Syscall[]).filter((c) => c.area === area)) {
      const sig = s.params.map((p) => `${p.name}: ${p.kind}`).join(", ");
      out.push(`#### \`${s.module}.${s.name}(${sig})\`${s.blocking ? " — blocking" : ""}`, "", s.doc, "");
      out.push(`- returns: ${s.returns}`);
      if (s.params.length) out.push(`- wasm signature: (${s.params.map((p) => wasmType[p.kind]).join(", ")}) -> ${s.returns === "never" ? "(none)" : "i32"}`);
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
  "docs/ABI.md": abiDoc,
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
