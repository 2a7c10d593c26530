// Record and replay on one in-process node: a process killed while blocked in recv
// leaves that call open, and its replay ends there, killed, as recorded; a replay ends
// with the guest's own exit status; a JS component replays through its component calls.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { RECORDING_BUDGET_BYTES } from "../host/kernel/replay/child-recording.ts";
import { encodeValues, MAX_RECORD_BYTES, parseRecord } from "../host/kernel/replay/record-format.ts";
import { cachedBuild } from "../host/toolchain/build-cache.ts";
import { COMPONENT_BUILD_INPUTS } from "../host/toolchain/component.ts";
import { DEFAULT_RECORD_LIMIT } from "../host/kernel/replay/recorder.ts";
import { replayRecord } from "../host/kernel/replay/replay-run.ts";
import { waitFor } from "./helpers/cluster.ts";
import { guest, REPO } from "./helpers/guests.ts";
import { capturedOutput, TestNode } from "./helpers/node.ts";

/** Record `wasm` (a path or the bytes) with `args` on a fresh node; `during` runs once it started. */
async function record(wasm: string | Uint8Array, args: string[], during: (node: TestNode, pid: number) => Promise<void> = async () => {}) {
  const node = new TestNode();
  const module = await node.kernel.modules.load(typeof wasm === "string" ? fs.readFileSync(wasm) : wasm);
  const argv = ["guest.wasm", ...args];
  let bytes: Uint8Array = new Uint8Array();
  const output = capturedOutput();
  const proc = node.kernel.startRoot({ module, argv, env: [], output: output.sink, record: { limit: DEFAULT_RECORD_LIMIT, deliver: (record) => void (bytes = record) } });
  await during(node, proc.pid);
  const info = await node.kernel.whenExited(proc.pid);
  node.shutdown();
  return { info, bytes, output: output.text() };
}

const silent = { write: () => {} };

test("a JS component records and replays through the component calls: the same output, and a changed argument diverges", async () => {
  const component = await cachedBuild(path.join(REPO, "test/guests/replayed-component.js"), COMPONENT_BUILD_INPUTS, "replay");
  const { info, bytes, output } = await record(component, []);
  assert.equal(info.reason, "NORMAL", info.text);
  assert.match(output, /^msg=hello at \d+ from \d+ sender=true$/m);
  assert.match(output, /^missing=enoent$/m);
  const parsed = parseRecord(bytes);
  assert.equal(parsed.calls.length, 0);
  assert.deepEqual(parsed.componentCalls.filter((c) => c.name !== "write-output").map((c) => c.name), ["args", "spawn", "recv", "clock-time", "random-bytes", "stat", "wait"]);
  const replayOutput = capturedOutput();
  const printed: string[] = [];
  const replay = await replayRecord({ record: parsed, output: replayOutput.sink, print: (line) => void printed.push(line) });
  assert.equal(replay.outcome, undefined, JSON.stringify(replay.outcome));
  assert.equal(replayOutput.text(), output);
  assert.equal(printed.length, parsed.componentCalls.length);

  // The recv's tags were [7]: recorded as [8], the replay's call differs there.
  const recv = parsed.componentCalls.findIndex((c) => c.name === "recv");
  const componentCalls = parsed.componentCalls.map((c, i) => (i === recv ? { ...c, args: encodeValues([new Int32Array([8]), -1]) } : c));
  const diverged = await replayRecord({ record: { ...parsed, componentCalls }, output: silent });
  assert.equal(diverged.outcome?.kind, "diverged");
  assert.equal(diverged.outcome?.call, recv + 1);
  assert.match((diverged.outcome as { text: string }).text, /^recorded recv\(\[8\], -1\), replay made recv\(\[7\], -1\)$/);
});

test("a process killed while blocked in recv replays to that call and ends killed", async () => {
  const wasm = await guest("msg");
  const { info, bytes } = await record(wasm, ["sink"], async (node, pid) => {
    await waitFor("the sink to block in recv", () => node.kernel.procs.get(pid)?.state === "blocked");
    node.kernel.terminate(node.kernel.procs.get(pid)!, { reason: "KILLED", status: 137, text: "killed by the test" });
  });
  assert.equal(info.reason, "KILLED");
  const parsed = parseRecord(bytes);
  const last = parsed.calls.at(-1)!;
  assert.equal(last.def.name, "recv");
  assert.equal(last.result, undefined, "the recv never returned");
  assert.equal(parsed.end?.reason, "KILLED");
  const replay = await replayRecord({ record: parsed, output: silent });
  assert.equal(replay.outcome, undefined, JSON.stringify(replay.outcome));
  assert.equal(replay.info.reason, "KILLED");
  assert.equal(replay.info.status, 137);
  assert.equal(replay.replayed, parsed.calls.length);
});

test("a guest's exit status comes back from its replay, through the real exit call", async () => {
  const wasm = await guest("replayed");
  const { info, bytes } = await record(wasm, ["unknown-role"]);
  assert.equal(info.status, 2);
  const parsed = parseRecord(bytes);
  assert.equal(parsed.calls.at(-1)!.def.name, "exit");
  const replay = await replayRecord({ record: parsed, output: silent });
  assert.equal(replay.outcome, undefined, JSON.stringify(replay.outcome));
  assert.equal(replay.info.status, 2);
});

test("a record whose module bytes do not match its sha256 is refused before it runs", async () => {
  const wasm = await guest("replayed");
  const { bytes } = await record(wasm, ["unknown-role"]);
  const parsed = parseRecord(bytes);
  const module = parsed.module.slice();
  module[module.length - 1] ^= 1;
  await assert.rejects(replayRecord({ record: { ...parsed, module }, output: silent }), /sha256/);
});

test("the records a node holds in memory share one budget: a start whose limit does not fit is EAGAIN, and its room comes back at an end", async () => {
  const wasm = await guest("msg");
  const node = new TestNode();
  try {
    const module = await node.kernel.modules.load(fs.readFileSync(wasm));
    const limit = MAX_RECORD_BYTES / 2;
    const fit = RECORDING_BUDGET_BYTES / limit;
    const records: Uint8Array[] = [];
    const start = () => node.kernel.startRoot({ module, argv: ["msg.wasm", "sink"], env: [], output: silent, record: { limit, deliver: (r) => void records.push(r) } });
    const sinks = Array.from({ length: fit }, start);
    assert.throws(start, (error: Error & { errnoName?: string }) => error.errnoName === "EAGAIN" && /of records in memory/.test(error.message));
    // The refused start took nothing: the node's process count is as before.
    assert.equal(node.kernel.procs.size, fit);
    await waitFor("the sinks to block in recv", () => sinks.every((p) => p.state === "blocked"));
    node.kernel.terminate(sinks[0]!, { reason: "KILLED", status: 137, text: "killed by the test" });
    await waitFor("the first record to be delivered", () => records.length === 1);
    const again = start();
    for (const proc of [...sinks.slice(1), again]) node.kernel.terminate(proc, { reason: "KILLED", status: 137, text: "killed by the test" });
    await waitFor("every record to be delivered", () => records.length === fit + 1);
    assert.equal(parseRecord(records[0]!).end?.reason, "KILLED");
  } finally {
    node.shutdown();
  }
});
