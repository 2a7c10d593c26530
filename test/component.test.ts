import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";

const node = process.execPath;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "onebox-component-"));
const onebox = (...args: string[]): string =>
  execFileSync(node, ["host/cli/main.ts", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ONEBOX_CACHE: path.join(dir, "cache") } });

test("a JS component exchanges messages with an AssemblyScript guest (examples/js-ping)", () => {
  const root = path.join(dir, "root");
  fs.mkdirSync(path.join(root, "examples/pingpong"), { recursive: true });
  onebox("build", "examples/pingpong/main.ts", "-o", path.join(root, "examples/pingpong/main.wasm"));
  const ping = path.join(dir, "js-ping.wasm");
  onebox("build", "examples/js-ping/main.js", "-o", ping);
  assert.match(onebox("run", "--root", root, ping, "50"), /js <-> \/examples\/pingpong\/main\.wasm: 50 round trips, .*ponger exited 0/);
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
