// guest-sdk/c/onebox.h against abi/abi.ts: current, clean C11, and every declaration
// links to the import the ABI names, with the ABI's wasm signature.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { ABI_VERSION, SYSCALLS, type Syscall } from "../abi/abi.ts";
import { compileC } from "../host/toolchain/c.ts";
import { abiSignature, importSignatures } from "./helpers/imports.ts";

const HEADER = "guest-sdk/c/onebox.h";
const skip = spawnSync("clang-14", ["--version"]).error ? "needs the C toolchain: apt-get install -y clang-14 lld-14 wasi-libc" : false;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "onebox-abi-c-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Check a file that only includes the header, as strictly as clang can. */
function compileInclude(...defines: string[]) {
  const source = path.join(dir, "include.c");
  fs.writeFileSync(source, `#include "${path.resolve(HEADER)}"\n`);
  const flags = ["--target=wasm32-wasi", "--sysroot=/usr", "-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-fsyntax-only"];
  return spawnSync("clang-14", [...flags, ...defines, source], { encoding: "utf8" });
}

test("the C header is current", () => {
  execFileSync(process.execPath, ["abi/gen.ts", "--check"], { stdio: "pipe" });
  assert.match(fs.readFileSync(HEADER, "utf8"), new RegExp(`#define ONEBOX_ABI_VERSION ${ABI_VERSION}\\n`));
});

test("the header compiles alone as warning-free C11, its layouts checked by _Static_assert", { skip }, () => {
  const result = compileInclude();
  assert.equal(result.status, 0, result.stderr);
});

test("a copy of the header for another ABI version stops the build", { skip }, () => {
  const result = compileInclude(`-DONEBOX_BUILD_ABI_VERSION=${ABI_VERSION + 1}`);
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /another ABI version/);
});

test("every call imports module.name with the ABI's wasm signature", { skip }, async () => {
  const calls = SYSCALLS as readonly Syscall[];
  // A case each, on a value argc never has: all are linked, none runs, and a call that does
  // not return cannot make the ones after it dead code.
  const cases = calls.map((s, i) => `  case ${-1 - i}: onebox_sys_${s.name}(${s.params.map(() => "0").join(", ")}); break;`).join("\n");
  const source = path.join(dir, "every-call.c");
  fs.writeFileSync(source, `#include <onebox.h>\nint main(int argc, char **argv) {\n  (void)argv;\n  switch (argc) {\n${cases}\n  }\n  return 0;\n}\n`);
  const wasm = path.join(dir, "every-call.wasm");
  fs.writeFileSync(wasm, await compileC(source));

  const expected = new Map(calls.map((s) => [`${s.module}.${s.name}`, abiSignature(s)]));
  assert.deepEqual(importSignatures(wasm), expected);
});
