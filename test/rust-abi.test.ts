// guest-sdk/rust (the onebox crate) against abi/abi.ts: it compiles warning-free with Debian's
// rustc 1.63, and every raw import links to the import the ABI names, with its wasm signature.
// That the file is current is test/abi.test.ts's check of every generated file.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { MODULE_ONEBOX, SYSCALLS, type Syscall } from "../abi/abi.ts";
import { compileRust } from "../host/toolchain/rust.ts";
import { REPO, tempDir } from "./helpers/guests.ts";
import { abiSignature, importSignatures } from "./helpers/imports.ts";

const CRATE = path.join(REPO, "guest-sdk/rust/src/lib.rs");
const skip = fs.existsSync("/usr/bin/rustc") && fs.existsSync("/usr/lib/rustlib/wasm32-wasi") ? false : "needs the Rust toolchain: apt-get install -y rustc cargo libstd-rust-dev-wasm32";
const dir = tempDir("onebox-rust-abi");

test("the onebox crate compiles warning-free for wasm32-wasi, its layouts checked by const asserts", { skip }, () => {
  const result = spawnSync("/usr/bin/rustc", [
    "--target", "wasm32-wasi", "--edition", "2021", "--crate-type", "rlib", "--crate-name", "onebox",
    "-D", "warnings", CRATE, "-o", path.join(dir, "libonebox.rlib"),
  ], { encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, "");
});

test("every onebox call imports onebox.name with the ABI's wasm signature", { skip }, async () => {
  const calls = (SYSCALLS as readonly Syscall[]).filter((s) => s.module === MODULE_ONEBOX);
  // An arm each, on an argument count a process never has: all are linked, none runs.
  const arms = calls.map((s, i) => `            ${-1 - i} => { onebox::sys::r#${s.name}(${s.params.map(() => "0 as _").join(", ")}); }`);
  const source = path.join(dir, "every_call.rs");
  fs.writeFileSync(source, `#![allow(unreachable_code)]\nfn main() {\n    let n = std::env::args().count() as i32;\n    unsafe {\n        match n {\n${arms.join("\n")}\n            _ => {}\n        }\n    }\n}\n`);
  const wasm = path.join(dir, "every_call.wasm");
  fs.writeFileSync(wasm, await compileRust(source));

  const onebox = [...importSignatures(wasm)].filter(([name]) => name.startsWith(`${MODULE_ONEBOX}.`));
  const expected = new Map(calls.map((s) => [`${s.module}.${s.name}`, abiSignature(s)]));
  assert.deepEqual(new Map(onebox), expected);
});
