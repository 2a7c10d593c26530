// Record and replay (issue 12, item 4): a process recorded on a real two-node cluster,
// receiving messages from a sender on the other node, clocks and random bytes, replays
// alone with the same output and the same calls; a tampered record diverges at the call
// it changed; --stop-at dumps memory; a hostile record file is one line, never a crash.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { decodeValues, encodeValues, parseRecord, RecordFormatError } from "../host/kernel/replay/record-format.ts";
import { onebox } from "./helpers/cli.ts";
import { startNodeProcess, stopNodeProcess, type NodeProcess } from "./helpers/cluster.ts";
import { guest, tempDir } from "./helpers/guests.ts";

const dir = tempDir("onebox-replay");
const secretFile = path.join(dir, "secret");
const nodes: NodeProcess[] = [];
let wasm = "";
let recordFile = "";
let recordedOutput = "";

const lines = (text: string) => text.split("\n").filter(Boolean);
/** Call names as `replay --print` shows them, in order. */
const printedCalls = (stderr: string) => lines(stderr).filter((l) => l.startsWith("#")).map((l) => /^#\d+ (\w+)\(/.exec(l)![1]!);

before(async () => {
  wasm = await guest("replayed");
  fs.writeFileSync(secretFile, "replay test secret");
  nodes.push(await startNodeProcess("node1", { secretFile, heartbeatMs: 500, cwd: dir }));
  nodes.push(await startNodeProcess("node2", { join: nodes[0]!.url, secretFile, heartbeatMs: 500, cwd: dir }));
  // main on node1 records its child (on node1), whose sender runs on node2.
  const ran = await onebox(["run", "--cluster", nodes[0]!.url, "--secret-file", secretFile, "--on", "node1", wasm, "main", "node1", "node2", "/rec.obxrec"], dir);
  assert.equal(ran.code, 0, ran.stderr);
  recordedOutput = ran.stdout;
  recordFile = path.join(dir, "node1", "rec.obxrec");
});

after(async () => {
  await Promise.all(nodes.map(stopNodeProcess));
});

/** Replay `file` alone, in a directory of its own: it must give `output` again, with the calls the record holds. */
async function replaysAlone(file: string, output: string): Promise<void> {
  const replayed = await onebox(["replay", "--print", file], tempDir("onebox-replay-alone"));
  assert.equal(replayed.code, 0, replayed.stderr);
  assert.equal(replayed.stdout, output);
  const record = parseRecord(fs.readFileSync(file));
  assert.deepEqual(printedCalls(replayed.stderr), record.calls.map((c) => c.def.name));
  assert.equal(record.calls.filter((c) => c.def.name === "recv").length, 3);
  for (const name of ["clock_time_get", "random_get", "spawn", "wait"]) assert.ok(record.calls.some((c) => c.def.name === name), name);
  assert.equal(record.end?.reason, "NORMAL");
}

test("a child recorded on a cluster replays alone: the same output and the same calls", async () => {
  const out = lines(recordedOutput);
  const messages = out.filter((l) => l.startsWith("msg="));
  assert.equal(messages.length, 3, recordedOutput);
  // The sender ran on node2: its pid's node id (the high bits) is 2.
  for (const m of messages) assert.equal(Number(/from (\d+)$/.exec(m)![1]) >>> 20, 2, m);
  assert.ok(out.includes("done"), recordedOutput);

  // No cluster: the nodes are still up, but the replay is told of none and needs none.
  await replaysAlone(recordFile, recordedOutput);
});

test("a tampered record diverges at the call it changed, showing both sides", async () => {
  const bytes = new Uint8Array(fs.readFileSync(recordFile));
  const record = parseRecord(bytes);
  const firstRecv = record.calls.findIndex((c) => c.def.name === "recv") + 1;
  // The first recv entry: kind 1, module 0, name "recv", then its i32 arguments; the second is tags_count.
  const entry = Buffer.from(bytes).indexOf(Buffer.from([1, 0, 4, ...Buffer.from("recv")]));
  assert.ok(entry > 0);
  const tagsCount = new DataView(bytes.buffer, bytes.byteOffset + entry + 7 + 4, 4);
  assert.equal(tagsCount.getInt32(0, true), 1);
  tagsCount.setInt32(0, 2, true);
  const tampered = path.join(dir, "tampered.obxrec");
  fs.writeFileSync(tampered, bytes);
  const replayed = await onebox(["replay", tampered], dir);
  assert.equal(replayed.code, 1);
  const [line, ...more] = lines(replayed.stderr);
  assert.equal(more.length, 0, replayed.stderr);
  assert.match(line!, new RegExp(`^onebox: replay diverged at call ${firstRecv}: recorded recv\\(\\d+, 2, .*\\), replay made recv\\(\\d+, 1, `));
  // Everything before that call was replayed: the line printed before the first recv.
  assert.equal(replayed.stdout, "sender.spawned=true\n");
});

test("--stop-at N stops before call N and dumps the memory the guest had there", async () => {
  const record = parseRecord(fs.readFileSync(recordFile));
  const afterFirstRecv = record.calls.findIndex((c) => c.def.name === "recv") + 2;
  const dump = path.join(tempDir("onebox-replay-dump"), "at");
  const replayed = await onebox(["replay", "--stop-at", String(afterFirstRecv), "--dump", dump, recordFile], dir);
  assert.equal(replayed.code, 0, replayed.stderr);
  assert.match(replayed.stderr, new RegExp(`stopped before call ${afterFirstRecv}`));
  const memory = fs.readFileSync(path.join(dump, "memory.bin"));
  const summary = JSON.parse(fs.readFileSync(path.join(dump, "globals.json"), "utf8")) as { call: number; memoryBytes: number; globals: Record<string, number> };
  assert.equal(summary.call, afterFirstRecv);
  // AssemblyScript keeps its heap and stack pointers in globals: every one is dumped, by index.
  assert.ok(Object.keys(summary.globals).length > 0, JSON.stringify(summary));
  for (const [name, value] of Object.entries(summary.globals)) assert.ok(/^global_\d+$/.test(name) && Number.isFinite(value), `${name}=${value}`);
  assert.equal(summary.memoryBytes, memory.byteLength);
  assert.equal(memory.byteLength % 65536, 0);
  // The first message is in memory; the second has not arrived yet.
  const first = lines(recordedOutput).find((l) => l.startsWith("msg=hello 0"))!.slice(4);
  const second = lines(recordedOutput).find((l) => l.startsWith("msg=hello 1"))!.slice(4);
  assert.ok(memory.includes(first), "the first message is in the dump");
  assert.ok(!memory.includes(second), "the second message is not");
});

test("a hostile record is a RecordFormatError at every cut and every flipped byte, and one line from the CLI", async () => {
  const bytes = new Uint8Array(fs.readFileSync(recordFile));
  for (let cut = 0; cut < bytes.byteLength; cut += 97) {
    try {
      parseRecord(bytes.subarray(0, cut));
    } catch (error) {
      assert.ok(error instanceof RecordFormatError, `cut at ${cut}: ${error}`);
    }
  }
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < 300; i++) {
    const copy = bytes.slice();
    copy[next() % copy.byteLength] = next() % 256;
    try {
      parseRecord(copy);
    } catch (error) {
      assert.ok(error instanceof RecordFormatError, `flip ${i}: ${error}`);
    }
  }
  const cutFile = path.join(dir, "cut.obxrec");
  fs.writeFileSync(cutFile, bytes.subarray(0, 100));
  const replayed = await onebox(["replay", cutFile], dir);
  assert.equal(replayed.code, 1);
  assert.match(replayed.stderr, /^onebox: .*cut\.obxrec: not a readable record: byte \d+: .*\n$/);
});

test("a child recorded on another node: its node records it, and the record is where its parent named it once wait returns", async () => {
  const run = (...guestArgs: string[]) => onebox(["run", "--cluster", nodes[0]!.url, "--secret-file", secretFile, "--on", "node1", wasm, ...guestArgs], dir);
  // main on node1 records its child on node2, whose sender runs on node1: the record
  // goes to main's "/" (node1's export) from node2, and main exits only after its wait.
  const ran = await run("main", "node2", "node1", "/remote.obxrec");
  assert.equal(ran.code, 0, ran.stderr);
  assert.equal(lines(ran.stdout).filter((l) => l.startsWith("msg=hello")).length, 3, ran.stdout);
  await replaysAlone(path.join(dir, "node1", "remote.obxrec"), ran.stdout);
  // A path in the parent's namespace on another node: the child's own here.
  const there = await run("main", "node2", "node1", "/n/node2/there.obxrec");
  assert.equal(there.code, 0, there.stderr);
  await replaysAlone(path.join(dir, "node2", "there.obxrec"), there.stdout);
});

test("onebox run --record on a cluster: the node that runs the program records it and sends the record back", async () => {
  const file = path.join(tempDir("onebox-replay-cluster-run"), "run.obxrec");
  const ran = await onebox(["run", "--cluster", nodes[0]!.url, "--secret-file", secretFile, "--on", "node2", "--record", file, wasm, "recorded", "node1"], dir);
  assert.equal(ran.code, 0, ran.stderr);
  await replaysAlone(file, ran.stdout);
  const detached = await onebox(["run", "--cluster", nodes[0]!.url, "--secret-file", secretFile, "-d", "--record", file, wasm, "recorded", "node1"], dir);
  assert.equal(detached.code, 2);
  assert.match(detached.stderr, /--record needs the run to stay attached/);
});

test("component values: a cut or flipped encoding is a RecordFormatError, never another error", () => {
  const bytes = encodeValues([1.5, -3n, 18446744073709551615n, "héllo", new Uint8Array([1, 2, 3]), new Int32Array([7, -1]), [["a"], []], { pid: 5, data: new Uint8Array(2) }, undefined, null, true]);
  assert.deepEqual(decodeValues(bytes)[2], 18446744073709551615n);
  let seed = 99;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < 2000; i++) {
    const copy = i < bytes.byteLength ? bytes.subarray(0, i) : bytes.slice();
    if (i >= bytes.byteLength) copy[next() % copy.byteLength] = next() % 256;
    try {
      decodeValues(copy);
    } catch (error) {
      assert.ok(error instanceof RecordFormatError, `case ${i}: ${error}`);
    }
  }
});

test("onebox run --record on the embedded node, and a record cut at its --record-limit", async () => {
  const root = tempDir("onebox-replay-run");
  const file = path.join(root, "run.obxrec");
  const ran = await onebox(["run", "--root", root, "--record", file, wasm, "recorded", "local"], root);
  assert.equal(ran.code, 0, ran.stderr);
  const replayed = await onebox(["replay", file], root);
  assert.equal(replayed.code, 0, replayed.stderr);
  assert.equal(replayed.stdout, ran.stdout);

  const module = fs.statSync(wasm).size;
  const limited = path.join(root, "limited.obxrec");
  const cutRun = await onebox(["run", "--root", root, "--record", limited, "--record-limit", String(module + 512), wasm, "recorded", "local"], root);
  assert.equal(cutRun.code, 0, cutRun.stderr);
  const record = parseRecord(fs.readFileSync(limited));
  assert.equal(record.cutAt, module + 512);
  assert.ok(fs.statSync(limited).size <= module + 512);
  const partial = await onebox(["replay", limited], root);
  assert.equal(partial.code, 0, partial.stderr);
  assert.match(partial.stderr, new RegExp(`replayed ${record.calls.length} calls, where the record ends: the record was cut at its limit`));
  assert.ok(ran.stdout.startsWith(partial.stdout));
});
