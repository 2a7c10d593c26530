import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { test } from "node:test";
import { ERRNO, SYSCALLS } from "../abi/abi.ts";
import { HANDLERS } from "../host/kernel/syscalls/dispatch.ts";

test("generated files match abi/abi.ts and abi/wire.proto", () => {
  execFileSync(process.execPath, ["abi/gen.ts", "--check"], { stdio: "pipe" });
});

test("the dispatch table has exactly one handler per ABI call, with the ABI's arity", () => {
  const names = SYSCALLS.map((s) => s.name).sort();
  assert.deepEqual(Object.keys(HANDLERS).sort(), names);
  for (const s of SYSCALLS) {
    const handler = HANDLERS[s.name] as (...args: unknown[]) => unknown;
    assert.equal(handler.length, s.params.length + 1, `${s.name} takes proc + ${s.params.length} arguments`);
  }
});

test("call names and errno values are unique", () => {
  const keys = SYSCALLS.map((s) => `${s.module}.${s.name}`);
  assert.equal(new Set(keys).size, keys.length);
  const codes = Object.values(ERRNO).map((e) => e.code);
  assert.equal(new Set(codes).size, codes.length);
});

test("docs/ABI.md documents every call with its errors", () => {
  const doc = fs.readFileSync("docs/ABI.md", "utf8");
  for (const s of SYSCALLS) {
    assert.match(doc, new RegExp(`\`${s.module}\\.${s.name}\\(`), `${s.name} is documented`);
    for (const e of s.errors) assert.ok(doc.includes(e), `${e} appears`);
  }
});
