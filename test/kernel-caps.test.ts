// Per-process limits beside memory (host/kernel/process-limits.ts): a CPU-time budget,
// lock names held, and each limit narrowed at spawn, never widened; a process that hits
// one gets an errno or ends with a reason naming it, while another on the node goes on.
import assert from "node:assert/strict";
import { test } from "node:test";
import { errno, EXIT_REASONS } from "../abi/abi.ts";
import { guest } from "./helpers/guests.ts";
import { TestNode } from "./helpers/node.ts";

const E = (name: Parameters<typeof errno>[0]) => -errno(name);

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

test("a process holding its limit of lock names gets ENOLCK; an unlock makes room for one more", async () => {
  const node = new TestNode({ locks: 10 });
  const { info, lines, stderr } = await node.run(await guest("limits"), ["locks"]);
  assert.equal(info.reason, "NORMAL", stderr);
  assert.deepEqual(lines, [`locks=10 ${E("ENOLCK")}`, `unlock=0 relock=true next=${E("ENOLCK")}`, "held=10"]);
  node.shutdown();
});

test("childlimit narrows each limit of the children, who meet it, and cannot widen it", async () => {
  const node = new TestNode();
  const { info, lines, stderr } = await node.run(await guest("limits"), ["narrow"]);
  assert.equal(info.reason, "NORMAL", stderr);
  assert.deepEqual(lines, [
    `widen=${E("EINVAL")} kind=${E("EINVAL")}`,
    `files=3 ${E("EMFILE")}`,
    `locks=2 ${E("ENOLCK")}`,
    `widen=${E("EINVAL")} same=0`,
    `bomb=4 ${E("EAGAIN")}`,
    `flooded=5 ${E("EAGAIN")}`,
    `drained=5 ${5 * 64 * 1024}`,
  ]);
  node.shutdown();
});

test("a child given a CPU budget by childlimit ends with LIMIT_CPU, seen by wait; its parent and a ticker go on", async () => {
  const node = new TestNode();
  const ticker = await node.start(await guest("sched"), ["tick"]);
  const { info, lines, stderr } = await node.run(await guest("limits"), ["cpu"]);
  assert.equal(info.reason, "NORMAL", stderr);
  assert.deepEqual(lines, [`spin=152/${EXIT_REASONS.LIMIT_CPU.code}`]);
  assert.equal((await ticker.exited).reason, "NORMAL");
  node.shutdown();
});
