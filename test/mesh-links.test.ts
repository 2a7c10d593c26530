import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import type { JournalRecord } from "../host/kernel/journal/journal-reader.ts";
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

test("the merged trace puts each spawn_opt before its child's first call, on any node", async () => {
  // The links run above spawn_opt'ed children on node2 and node3. A spawn_opt reserves its
  // record at its start, as spawn does, so its Lamport time is below the request's stamp
  // and so below every call of the child; recorded at its reply, it sat above the reply's.
  const result = await onebox(["trace", "--json", "--cluster", nodes[0]!.url, "--secret-file", secretFile], dir);
  assert.equal(result.code, 0, result.stderr);
  const records = result.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as JournalRecord);
  const spawns = records.filter((r) => r.call === "spawn_opt" && r.errno === "" && r.result > 0);
  const remote = spawns.filter((s) => records.some((r) => r.pid === s.result && r.node !== s.node));
  assert.ok(remote.length > 0, "some spawn_opt child ran on another node");
  for (const spawn of spawns) {
    const first = records.find((r) => r.pid === spawn.result);
    if (first === undefined) continue;
    assert.ok(spawn.lamport < first.lamport && records.indexOf(spawn) < records.indexOf(first), `spawn_opt of ${spawn.result} at ${spawn.node}:${spawn.lamport}, its first call at ${first.node}:${first.lamport}`);
  }
  // `trace --pid` follows a spawn_opt to its child.
  const tree = await onebox(["trace", "--json", "--pid", String(spawns[0]!.pid), "--cluster", nodes[0]!.url, "--secret-file", secretFile], dir);
  assert.ok(tree.stdout.split("\n").filter(Boolean).some((l) => (JSON.parse(l) as JournalRecord).pid === spawns[0]!.result), "the tree of the spawning process includes its spawn_opt child");
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
