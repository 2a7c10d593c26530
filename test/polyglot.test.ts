// examples/polyglot end to end: the ring of AssemblyScript, C and JS members on one
// node, and across three node processes, through onebox run as a user runs it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { buildGuest } from "../host/toolchain/build.ts";
import { onebox } from "./helpers/cli.ts";
import { startNodeProcess, stopNodeProcess, type NodeProcess } from "./helpers/cluster.ts";
import { REPO, tempDir } from "./helpers/guests.ts";

const skip = spawnSync("clang-14", ["--version"]).error ? "needs the C toolchain: apt-get install -y clang-14 lld-14 wasi-libc" : false;
const SOURCES = ["main.ts", "member-c.c", "member-js.js"];
const dir = tempDir("onebox-polyglot");
/** Where the driver looks for its peers, under a node's export (see examples/polyglot/main.ts). */
const IN_EXPORT = "examples/polyglot";
const built = path.join(dir, "built");

/** Lines "lap N: as on node A -> c on node B -> js on node C, T us": the node ids of each lap. */
function laps(stdout: string, count: number): number[][] {
  const lines = stdout.trimEnd().split("\n");
  assert.equal(lines.length, count + 1, stdout);
  assert.match(lines[count]!, new RegExp(`^${count} laps, mean \\d+ us per lap$`));
  return lines.slice(0, count).map((line, i) => {
    const m = new RegExp(`^lap ${i + 1}: as on node (\\d+) -> c on node (\\d+) -> js on node (\\d+), \\d+ us$`).exec(line);
    assert.ok(m, line);
    return m.slice(1).map(Number);
  });
}

/** The three modules, built once, copied into an export where the driver finds them. */
function placeIn(root: string): string {
  fs.cpSync(built, path.join(root, IN_EXPORT), { recursive: true });
  return path.join(root, IN_EXPORT, "main.wasm");
}

before(async () => {
  if (skip) return;
  await Promise.all(SOURCES.map((s) => buildGuest(path.join(REPO, IN_EXPORT, s), path.join(built, s.replace(/\.\w+$/, ".wasm")))));
});

test("polyglot: a token goes around AssemblyScript, C and JS on one node", { skip }, async () => {
  const root = path.join(dir, "one-node");
  const ran = await onebox(["run", "--root", root, placeIn(root), "3"]);
  assert.equal(ran.code, 0, ran.stderr);
  assert.deepEqual(laps(ran.stdout, 3), [[1, 1, 1], [1, 1, 1], [1, 1, 1]]);
});

const nodes: NodeProcess[] = [];
after(() => Promise.all(nodes.map(stopNodeProcess)));

test("polyglot: the same ring across three node processes, one language per node", { skip }, async () => {
  const secretFile = path.join(dir, "secret");
  fs.writeFileSync(secretFile, "polyglot secret");
  const options = { secretFile, heartbeatMs: 500, cwd: dir };
  nodes.push(await startNodeProcess("node1", options));
  for (const name of ["node2", "node3"]) nodes.push(await startNodeProcess(name, { ...options, join: nodes[0]!.url }));
  // startNodeProcess exports DIR/NAME; only the driver's home node holds the modules.
  const main = placeIn(path.join(dir, "node1"));
  const ran = await onebox(["run", "--cluster", nodes[0]!.url, "--secret-file", secretFile, "--on", "node1", main, "2", "node1", "node2", "node3"], dir);
  assert.equal(ran.code, 0, ran.stderr);
  const [first, second] = laps(ran.stdout, 2);
  assert.equal(new Set(first).size, 3, `one member per node: ${first}`);
  assert.deepEqual(second, first);
});
