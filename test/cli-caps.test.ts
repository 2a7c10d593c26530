// onebox run's limit options: each narrows a limit of the program and its children,
// never widens the node's default, and a program ended by one names it.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { errno } from "../abi/abi.ts";
import { guest, tempDir } from "./helpers/guests.ts";
import { onebox } from "./helpers/cli.ts";
import { startNodeProcess, stopNodeProcess } from "./helpers/cluster.ts";

test("run --cpu ends a spinning program with limit_cpu; --locks narrows; a widening or a bad value is refused in one line", async () => {
  const root = tempDir();
  const spin = await onebox(["run", "--root", root, "--cpu", "200", await guest("sched"), "spin"]);
  assert.equal(spin.code, 152);
  assert.match(spin.stderr, /ended: limit_cpu: over its CPU-time budget: \d+\.\d ms of 200 ms$/m);

  const locks = await onebox(["run", "--root", root, "--locks", "3", await guest("limits"), "locks"]);
  assert.equal(locks.code, 0, locks.stderr);
  assert.match(locks.stdout, new RegExp(`^locks=3 ${-errno("ENOLCK")}$`, "m"));

  const wider = await onebox(["run", "--root", root, "--files", "100000", await guest("limits"), "idle"]);
  assert.notEqual(wider.code, 0);
  assert.match(wider.stderr, /openFiles of 100000 is over the node's limit of 256/);
  assert.equal(wider.stderr.trim().split("\n").length, 1);
  const bad = await onebox(["run", "--root", root, "--cpu", "soon", await guest("limits"), "idle"]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--cpu soon: give a whole number of at least 1/);
  const help = await onebox(["run", "--help"]);
  assert.match(help.stdout, /--mailbox-bytes SIZE/);
});

test("node start --limit sets a node's limits: a program run on it over the CPU budget ends with limit_cpu; a bad --limit is one line", async () => {
  const dir = tempDir();
  const secretFile = path.join(dir, "secret");
  fs.writeFileSync(secretFile, "caps secret");
  const node = await startNodeProcess("node1", { secretFile, heartbeatMs: 3000, cwd: dir, args: ["--limit", "cpuMs=300", "--limit", "locks=2"] });
  try {
    const on = ["--cluster", node.url, "--secret-file", secretFile];
    const spin = await onebox(["run", ...on, await guest("sched"), "spin"]);
    assert.equal(spin.code, 152, spin.stderr);
    assert.match(spin.stderr, /ended: limit_cpu: over its CPU-time budget: \d+\.\d ms of 300 ms$/m);
    const locks = await onebox(["run", ...on, await guest("limits"), "locks"]);
    assert.match(locks.stdout, new RegExp(`^locks=2 ${-errno("ENOLCK")}$`, "m"), locks.stderr);
  } finally {
    await stopNodeProcess(node);
  }
  const bad = await onebox(["node", "start", "--name", "x", "--listen", "127.0.0.1:0", "--limit", "bogus=1"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--limit bogus=1: give NAME=N with NAME one of memoryPages, /);
  assert.equal(bad.stderr.trim().split("\n").length, 1);
  const badUp = await onebox(["cluster", "up", "--limit", "locks=0"], tempDir());
  assert.equal(badUp.code, 1);
  assert.match(badUp.stderr, /^onebox: --limit locks=0: locks must be a whole number of at least 1\n$/);
});
