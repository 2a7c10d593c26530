import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";

const node = process.execPath;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "onebox-component-"));
const onebox = (...args: string[]): string =>
  execFileSync(node, ["host/cli/main.ts", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ONEBOX_CACHE: path.join(dir, "cache") } });

test("a JS component exchanges messages with an AssemblyScript guest (examples/js-ping), its calls journaled", () => {
  const root = path.join(dir, "root");
  fs.mkdirSync(path.join(root, "examples/pingpong"), { recursive: true });
  onebox("build", "examples/pingpong/main.ts", "-o", path.join(root, "examples/pingpong/main.wasm"));
  const ping = path.join(dir, "js-ping.wasm");
  onebox("build", "examples/js-ping/main.js", "-o", ping);
  const run = spawnSync(node, ["host/cli/main.ts", "run", "--trace", "--root", root, ping, "50"], { encoding: "utf8", env: { ...process.env, ONEBOX_CACHE: path.join(dir, "cache") } });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /js <-> \/examples\/pingpong\/main\.wasm: 50 round trips, .*ponger exited 0/);
  // A component's record keeps its call and result: a clock reading is a result, not an errno.
  const calls = run.stderr.split("\n").filter((l) => l.includes("((component))"));
  assert.ok(calls.filter((l) => /\] \d+ send\(\(component\)\) = 0  msg=\d+@\d+$/.test(l)).length >= 50, run.stderr);
  const clock = calls.filter((l) => l.includes("clock_time_get("));
  assert.ok(clock.length >= 2 && clock.every((l) => /= [1-9]\d*$/.test(l)), clock.join("\n"));
});

test("a JS component spinning in for (;;) is preempted and killed", () => {
  const spin = path.join(dir, "spin.wasm");
  onebox("build", "test/guests/spin-component.js", "-o", spin);
  assert.match(onebox("run", spin), /killed spinner: reason 1 /);
});

test("a JS component's fenced write with an older token is refused (ESTALE) and never lands", () => {
  const root = path.join(dir, "fence-root");
  const module = path.join(dir, "fence.wasm");
  onebox("build", "test/guests/fence-component.js", "-o", module);
  assert.match(onebox("run", "--root", root, module), /^fence: fresh ok, stale estale, bad fd ebadf$/m);
  assert.equal(fs.readFileSync(path.join(root, "fenced.txt"), "utf8"), "fresh\n");
});
