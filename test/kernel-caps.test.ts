// Per-process limits beside memory (host/kernel/process-limits.ts): a CPU-time budget,
// lock names held, and each limit narrowed at spawn, never widened; a process that hits
// one gets an errno or ends with a reason naming it, while another on the node goes on.
import assert from "node:assert/strict";
import { test } from "node:test";
import { guest } from "./helpers/guests.ts";
import { TestNode } from "./helpers/node.ts";

test("a process past its CPU-time budget ends with LIMIT_CPU; a ticker beside it finishes and its CPU time is counted", async () => {
  const node = new TestNode({ cpuMs: 300 });
  const wasm = await guest("sched");
  const spinner = await node.start(wasm, ["spin"]);
  const ticker = await node.start(wasm, ["tick"]);
  const info = await spinner.exited;
  assert.equal(info.reason, "LIMIT_CPU");
  assert.equal(info.status, 152);
  assert.match(info.text, /^over its CPU-time budget: \d+\.\d ms of 300 ms$/);
  assert.ok(spinner.proc.cpuTimeNs > 300e6, `the spinner's ${spinner.proc.cpuTimeNs} ns are over its budget`);
  assert.equal((await ticker.exited).reason, "NORMAL", ticker.stderr());
  assert.deepEqual(ticker.lines(), ["tick 1", "tick 2", "tick 3"]);
  assert.ok(ticker.proc.cpuTimeNs > 0, "the ticker's turns were counted");
  node.shutdown();
});
