import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { onebox } from "./helpers/cli.ts";
import { keyed, startNodeProcess, stopNodeProcess, waitFor, type NodeProcess } from "./helpers/cluster.ts";
import { guest, REPO, tempDir } from "./helpers/guests.ts";
import { LINK_REPORT } from "./helpers/links-report.ts";

const HEARTBEAT_MS = 500;

const dir = tempDir("onebox-links");
const secretFile = path.join(dir, "secret");
const nodes: NodeProcess[] = [];
let wasm = "";

const runArgs = (on: string, guestArgs: string[]) => ["run", "--cluster", nodes[0]!.url, "--secret-file", secretFile, "--on", on, wasm, ...guestArgs];
const reported = (stdout: string) => Object.fromEntries(keyed(stdout.split("\n").filter(Boolean)));

before(async () => {
  wasm = await guest("links");
  fs.writeFileSync(secretFile, "links test secret");
  nodes.push(await startNodeProcess("node1", { secretFile, heartbeatMs: HEARTBEAT_MS, cwd: dir }));
  for (const name of ["node2", "node3"]) nodes.push(await startNodeProcess(name, { join: nodes[0]!.url, secretFile, heartbeatMs: HEARTBEAT_MS, cwd: dir }));
});

after(async () => {
  await Promise.all(nodes.map(stopNodeProcess));
});

test("links across three node processes: trap_exit messages, unlink, LINKED ends, spawn_opt of a fast-failing remote child", async () => {
  const result = await onebox(runArgs("node1", ["main", "node2", "node3"]), dir);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(reported(result.stdout), LINK_REPORT);
});

test("deadlocks through wait across nodes: the call that closes the cycle gets EDEADLK (embedded coordinator)", async () => {
  const result = await onebox(runArgs("node1", ["deadlock", "node2", "node3"]), dir);
  assert.equal(result.code, 0, result.stderr);
  const out = reported(result.stdout);
  // Which call closes the cycle depends on which reaches the coordinator last; exactly one is refused.
  assert.match(out["deadlock.pair"] ?? "", /^(parent|descendant)$/, result.stdout);
  assert.match(out["deadlock.chain"] ?? "", /^(parent|descendant)$/, result.stdout);
  assert.equal(out["deadlock.killed"], "137/1");
  assert.equal(out["deadlock.none"], "0/0");
  // Started on node2, so the parent's own calls also go to the coordinator over the wire.
  const remote = await onebox(runArgs("node2", ["deadlock", "node3", "node1"]), dir);
  assert.equal(remote.code, 0, remote.stderr);
  assert.match(reported(remote.stdout)["deadlock.chain"] ?? "", /^(parent|descendant)$/, remote.stdout);
});

test("kill -9 of a node: a trapping partner gets an exit message with noconnection, a non-trapping one ends LINKED", async () => {
  const run = spawn(process.execPath, [path.join(REPO, "host/cli/main.ts"), ...runArgs("node1", ["nodedown", "node3"])], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  run.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  run.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = new Promise<number | null>((resolve) => run.once("exit", resolve));
  await waitFor("the links to node3 to be set", () => stdout.includes("ready=1"), 60_000);
  nodes[2]!.child.kill("SIGKILL");
  assert.equal(await code, 0, stderr);
  const out = reported(stdout);
  assert.equal(out["nodedown.exit"], "true noconnection", stdout);
  assert.equal(out["nodedown.partner"], "true linked", stdout);
});
