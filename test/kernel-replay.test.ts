// Record and replay on one in-process node: a process killed while blocked in recv
// leaves that call open, and its replay ends there, killed, as recorded; a replay ends
// with the guest's own exit status.
import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { recorderFor } from "../host/kernel/replay/child-recording.ts";
import { parseRecord } from "../host/kernel/replay/record-format.ts";
import { DEFAULT_RECORD_LIMIT } from "../host/kernel/replay/recorder.ts";
import { replayRecord } from "../host/kernel/replay/replay-run.ts";
import { waitFor } from "./helpers/cluster.ts";
import { guest } from "./helpers/guests.ts";
import { TestNode } from "./helpers/node.ts";

/** Record `wasm` with `args` on a fresh node; `during` runs once it started. */
async function record(wasm: string, args: string[], during: (node: TestNode, pid: number) => Promise<void> = async () => {}) {
  const node = new TestNode();
  const module = await node.kernel.modules.load(fs.readFileSync(wasm));
  const recorder = recorderFor(module, [wasm, ...args], node.kernel.limits.memoryPages, DEFAULT_RECORD_LIMIT);
  const proc = node.kernel.startRoot({ module, argv: [wasm, ...args], env: [], output: { write: () => {} }, calls: recorder });
  await during(node, proc.pid);
  const info = await node.kernel.whenExited(proc.pid);
  recorder.ended(info);
  node.shutdown();
  return { info, bytes: recorder.contents() };
}

const silent = { write: () => {} };

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
