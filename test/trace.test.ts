// Lamport clocks, the journal and `onebox trace` on three real node processes.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { Kernel } from "../host/kernel/kernel.ts";
import { MAX_PAGE_RECORDS, readJournal, type JournalRecord } from "../host/kernel/journal/journal-reader.ts";
import { HEAD } from "../host/kernel/journal/journal.ts";
import { ROW } from "../host/kernel/journal/row-layout.ts";
import { causalOrder } from "../host/trace/trace-merge.ts";
import { onebox } from "./helpers/cli.ts";
import { startNodeProcess, stopNodeProcess, waitFor, type NodeProcess } from "./helpers/cluster.ts";
import { buildOnce, guest, REPO, tempDir } from "./helpers/guests.ts";
import { fields, startCaptured } from "./helpers/node.ts";

const dir = tempDir("onebox-trace");
const secretFile = path.join(dir, "secret");
const nodes: NodeProcess[] = [];
const clusterArgs = () => ["--cluster", nodes[0]!.url, "--secret-file", secretFile];
const ROUNDS = 4;

before(async () => {
  fs.writeFileSync(secretFile, "trace test secret");
  // node1 starts first, so its monotonic clock (time since its process began) is ahead of
  // the others': a child on node3 would read less than its parent without the spawn's floor.
  // Journals of four pages, so reading one to its end takes several reads (the default is one page).
  const args = ["--journal", String(4 * MAX_PAGE_RECORDS)];
  nodes.push(await startNodeProcess("node1", { secretFile, heartbeatMs: 2000, cwd: dir, args }));
  for (const name of ["node2", "node3"]) nodes.push(await startNodeProcess(name, { join: nodes[0]!.url, secretFile, heartbeatMs: 2000, cwd: dir, args }));
});

after(async () => {
  await Promise.all(nodes.map(stopNodeProcess));
});

/** Run the causal chain on node1 with relays on node2 and node3; its key=value lines. */
async function runChain(): Promise<Map<string, string>> {
  const wasm = await guest("causal");
  const result = await onebox(["run", ...clusterArgs(), "--on", "node1", wasm, "main", "node2", "node3", String(ROUNDS)], dir);
  assert.equal(result.code, 0, result.stderr);
  return fields(result.stdout.split("\n"));
}

const parse = (stdout: string): JournalRecord[] => stdout.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as JournalRecord);

/**
 * The chain's own happens-before: round by round, main's send, relay1's recv and send,
 * relay2's recv and send, main's recv. Checks the merged stream holds exactly that order,
 * each recv naming the send before it.
 */
function checkChain(records: readonly JournalRecord[], pids: { main: number; relay1: number; relay2: number }): void {
  const inChain = new Set([pids.main, pids.relay1, pids.relay2]);
  const hops = records.filter((r) => inChain.has(r.pid) && (r.call === "send" || r.call === "recv") && r.errno === "");
  const expected: [number, string][] = [];
  for (let i = 0; i <= ROUNDS; i++) {
    expected.push([pids.main, "send"], [pids.relay1, "recv"], [pids.relay1, "send"], [pids.relay2, "recv"], [pids.relay2, "send"], [pids.main, "recv"]);
  }
  assert.deepEqual(hops.map((r) => [r.pid, r.call]), expected, "the merged order follows the chain of messages");
  for (let i = 1; i < hops.length; i += 2) {
    assert.equal(hops[i]!.msg, hops[i - 1]!.msg, `recv ${i} took the message of the send before it`);
    assert.ok(hops[i]!.lamport > hops[i - 1]!.lamport, "a recv's Lamport time is above its send's");
    assert.notEqual(hops[i]!.node, hops[i - 1]!.node, "every hop crosses nodes");
  }
  assert.match(hops[0]!.args, /data=7B "round 0"/, "a send shows its message's first bytes");
}

test("a 3-node trace merges every journal in the order of the guests' messages; clocks pass the spawn", async () => {
  const out = await runChain();
  const pids = { main: Number(out.get("main.pid")), relay1: Number(out.get("relay1.pid")), relay2: Number(out.get("relay2.pid")) };
  for (const relay of ["relay1", "relay2"]) {
    assert.ok(BigInt(out.get(`${relay}.mono`)!) >= BigInt(out.get("main.mono")!), `${relay}'s monotonic clock starts at or above its parent's (${out.get(`${relay}.mono`)} vs ${out.get("main.mono")})`);
    assert.ok(BigInt(out.get(`${relay}.lamport`)!) > BigInt(out.get("main.lamport")!), `${relay}'s Lamport time is above its parent's before the spawn`);
  }

  const result = await onebox(["trace", "--json", ...clusterArgs()], dir);
  assert.equal(result.code, 0, result.stderr);
  const records = parse(result.stdout);
  for (let i = 1; i < records.length; i++) assert.ok(causalOrder(records[i - 1]!, records[i]!) < 0, `record ${i} is in Lamport order`);
  assert.deepEqual(new Set(records.filter((r) => r.pid === pids.relay1 || r.pid === pids.relay2).map((r) => r.node)), new Set(["node2", "node3"]));
  checkChain(records, pids);

  // Each child's first call comes after the spawn that started it.
  for (const child of [pids.relay1, pids.relay2]) {
    const spawned = records.findIndex((r) => r.call === "spawn" && r.result === child);
    const first = records.findIndex((r) => r.pid === child);
    assert.ok(spawned >= 0 && spawned < first, `spawn of ${child} (at ${spawned}) before its first call (at ${first})`);
  }

  // The filters: one process tree, one node, one call.
  const tree = parse((await onebox(["trace", "--json", "--pid", String(pids.main), ...clusterArgs()], dir)).stdout);
  assert.deepEqual(new Set(tree.map((r) => r.pid)), new Set([pids.main, pids.relay1, pids.relay2]));
  const onNode3 = parse((await onebox(["trace", "--json", "--node", "node3", "--call", "recv", ...clusterArgs()], dir)).stdout);
  assert.ok(onNode3.length > 0 && onNode3.every((r) => r.node === "node3" && r.call === "recv"));
  const text = await onebox(["trace", "--pid", String(pids.main), "--call", "spawn", ...clusterArgs()], dir);
  assert.match(text.stdout, /\[node1\] \d+ spawn\(path="", args=\d+B, env=0B, node=5B\) = \d+/);
});

test("trace --follow shows calls made after it started, in causal order, until interrupted", async () => {
  const follow = spawn(process.execPath, [path.join(REPO, "host/cli/main.ts"), "trace", "--follow", "--json", "--call", "send,recv,spawn", ...clusterArgs()], { cwd: dir });
  let stdout = "";
  let stderr = "";
  follow.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  follow.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => follow.once("exit", (code) => resolve(code)));
  try {
    const out = await runChain();
    const pids = { main: Number(out.get("main.pid")), relay1: Number(out.get("relay1.pid")), relay2: Number(out.get("relay2.pid")) };
    const complete = () => parse(stdout.slice(0, stdout.lastIndexOf("\n") + 1)).filter((r) => r.pid === pids.main && r.call === "recv").length === ROUNDS + 1;
    await waitFor("the chain's calls in the followed trace", complete, 60_000);
    checkChain(parse(stdout.slice(0, stdout.lastIndexOf("\n") + 1)), pids);
  } finally {
    follow.kill("SIGTERM");
  }
  assert.equal(await exited, 0, stderr);
});

test("run --trace on a cluster prints the program's and its children's calls, decoded, from every node", async () => {
  const wasm = await guest("causal");
  const result = await onebox(["run", "--trace", ...clusterArgs(), "--on", "node1", wasm, "main", "node2", "node3", "1"], dir);
  assert.equal(result.code, 0, result.stderr);
  const out = fields(result.stdout.split("\n"));
  const lines = result.stderr.split("\n");
  assert.ok(lines.some((l) => /\[node1\] \d+ spawn\(path="", args=\d+B, env=0B, node=5B\) = \d+/.test(l)), result.stderr);
  for (const [relay, node] of [["relay1", "node2"], ["relay2", "node3"]]) {
    const pid = out.get(`${relay}.pid`);
    assert.ok(lines.some((l) => l.includes(`[${node}] ${pid} recv(`) && l.includes(`buf=7B "round 0"`)), `${relay}'s recv on ${node} is shown: ${result.stderr}`);
  }
  assert.ok(!lines.some((l) => /^\s*\d+ \[/.test(l) && !/\[node[123]\] \d+ \w+\(/.test(l)), "every trace line is a decoded call");
});

test("trace reads a journal longer than one page to its end", async () => {
  const pingpong = await buildOnce("examples/pingpong/main.ts");
  const rounds = 1500;
  const run = await onebox(["run", ...clusterArgs(), "--on", "node2", pingpong, String(rounds)], dir);
  assert.equal(run.code, 0, run.stderr);
  const result = await onebox(["trace", "--json", "--node", "node2", "--call", "send", ...clusterArgs()], dir);
  assert.equal(result.code, 0, result.stderr);
  const sends = parse(result.stdout);
  const main = sends.at(-1)!.pid;
  // Each round is two sends, and each of the two processes ends with one more.
  assert.ok(sends.filter((r) => r.pid === main).length >= rounds + 1, `${sends.length} sends, more than the ${MAX_PAGE_RECORDS} records of a page`);
  assert.ok(sends.length > MAX_PAGE_RECORDS / 2);
});

test("the journal is a ring: it keeps its last N records, and says how many a reader lost", async () => {
  const kernel = new Kernel({ nodeId: 1, nodeName: "local", root: tempDir("onebox-journal"), journal: 32 });
  const pingpong = await buildOnce("examples/pingpong/main.ts");
  const started = await startCaptured(kernel, pingpong, ["50"]);
  assert.equal((await started.exited).reason, "NORMAL");
  const journal = kernel.journal!;
  assert.ok(journal.written > 200, `pingpong made ${journal.written} calls`);
  assert.equal(journal.rows.length, HEAD + 32 * ROW, "the ring never grows");
  const page = readJournal(journal, "local", 0);
  assert.equal(page.records.length, 32);
  assert.equal(page.lost, journal.written - 32);
  assert.deepEqual(page.records.map((r) => r.seq), Array.from({ length: 32 }, (_, i) => journal.written - 32 + i));
  assert.equal(page.next, journal.written);
  assert.equal(readJournal(journal, "local", page.next).records.length, 0);
  kernel.shutdown();

  const off = new Kernel({ nodeId: 1, nodeName: "local", root: tempDir("onebox-journal"), journal: 0 });
  assert.equal(off.journal, undefined, "--journal 0 keeps none");
  const refused = await onebox(["node", "start", "--name", "n", "--listen", "127.0.0.1:0", "--journal", "99999999"], dir);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--journal keeps at most \d+ records/);
});
