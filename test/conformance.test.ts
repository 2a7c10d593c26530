// One behaviour suite, four languages: test/conformance/guest.{ts,c,js,rs} run the same
// numbered checks through onebox run and print `ok N name` or `not ok N name: detail`.
// Each transcript must be exactly CHECKS, all ok, so a language that drifts (a check
// missing, renamed, reordered or failing) fails under its own name.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { buildGuest } from "../host/toolchain/build.ts";
import { cachedBuild } from "../host/toolchain/build-cache.ts";
import { COMPONENT_BUILD_INPUTS } from "../host/toolchain/component.ts";
import { RUST_BUILD_INPUTS } from "../host/toolchain/rust.ts";
import { onebox } from "./helpers/cli.ts";
import { REPO, tempDir } from "./helpers/guests.ts";

const CHECKS = [
  "pids", "spawn-wait", "wait-any", "wait-echild", "spawn-errors", "kill", "kill-esrch",
  "send-recv-tags", "recv-eagain", "recv-etimedout", "recv-e2big", "send-einval",
  "files", "file-ebadf", "file-enoent", "file-eacces",
  "locks", "lock-busy", "registry", "monitor", "monitor-ended", "sleep", "args",
];

const noClang = spawnSync("clang-14", ["--version"]).error !== undefined;
const noRust = !fs.existsSync("/usr/bin/rustc") || !fs.existsSync("/usr/lib/rustlib/wasm32-wasi");
const LANGUAGES = [
  { name: "AssemblyScript", source: "guest.ts", skip: false as const },
  { name: "C", source: "guest.c", skip: noClang && "needs the C toolchain: apt-get install -y clang-14 lld-14 wasi-libc" },
  // The slow builds (componentize-js about 20 s, rustc a few) are kept in the onebox cache by
  // the hash of their inputs: a later run builds only what changed.
  { name: "JavaScript component", source: "guest.js", skip: false as const, cacheInputs: COMPONENT_BUILD_INPUTS },
  { name: "Rust", source: "guest.rs", skip: noRust && "needs the Rust toolchain: apt-get install -y rustc cargo libstd-rust-dev-wasm32", cacheInputs: RUST_BUILD_INPUTS },
];

const dir = tempDir("onebox-conformance");

/** An export as the guests expect it: /not-wasm.txt, and /escape, a symlink out of it. */
function makeRoot(label: string): string {
  const root = path.join(dir, label, "root");
  const outside = path.join(dir, label, "outside");
  fs.mkdirSync(root, { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, "secret"), "not for guests");
  fs.symlinkSync(outside, path.join(root, "escape"));
  fs.writeFileSync(path.join(root, "not-wasm.txt"), "not a module");
  return root;
}

/** The guest's module in the scratch directory: built there, or copied from the cache when it has inputs to key it. */
async function build(lang: (typeof LANGUAGES)[number], label: string): Promise<string> {
  const source = path.join(REPO, "test/conformance", lang.source);
  const out = path.join(dir, `${label}.wasm`);
  if (!lang.cacheInputs) return (await buildGuest(source, out)).out;
  fs.writeFileSync(out, await cachedBuild(source, lang.cacheInputs, "conformance"));
  return out;
}

describe("conformance: the same checks in every guest language", { concurrency: 4 }, () => {
  for (const lang of LANGUAGES) {
    test(lang.name, { skip: lang.skip }, async () => {
      const label = path.extname(lang.source).slice(1);
      const module = await build(lang, label);
      const ran = await onebox(["run", "--root", makeRoot(label), module, "main"]);
      assert.equal(ran.code, 0, `${lang.name} guest ended with ${ran.code}: ${ran.stderr}`);
      assert.deepEqual(ran.stdout.trimEnd().split("\n"), CHECKS.map((name, i) => `ok ${i + 1} ${name}`), `${lang.name} drifted:\n${ran.stdout}`);
    });
  }
});
