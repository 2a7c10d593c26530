// Per-process limits beside memory (host/kernel/process-limits.ts): a CPU-time budget,
// lock names held, and each limit narrowed at spawn, never widened; a process that hits
// one gets an errno or ends with a reason naming it, while another on the node goes on.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setImmediate as turn } from "node:timers/promises";
import { errno, EXIT_REASONS } from "../abi/abi.ts";
import { guest } from "./helpers/guests.ts";
import { TestNode } from "./helpers/node.ts";
import { procInfo } from "../host/cluster/process-server.ts";
import { descriptorBudget } from "../host/kernel/descriptor-budget.ts";

const E = (name: Parameters<typeof errno>[0]) => -errno(name);

/** Wait (for as long as the test may run) until `condition` holds, letting the node run between looks. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await turn();
}

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
  assert.equal(procInfo("local", spinner.proc).state, "exited: limit_cpu", "ps --all names the limit");
  node.shutdown();
});

test("a process holding its limit of lock names gets ENOLCK; an unlock makes room for one more", async () => {
  const node = new TestNode({ locks: 10 });
  const ticker = await node.start(await guest("sched"), ["tick"]);
  const { info, lines, stderr } = await node.run(await guest("limits"), ["locks"]);
  assert.equal(info.reason, "NORMAL", stderr);
  assert.deepEqual(lines, [`locks=10 ${E("ENOLCK")}`, `unlock=0 relock=true next=${E("ENOLCK")}`, "held=10"]);
  assert.equal((await ticker.exited).reason, "NORMAL", "another process went on");
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

test("the node's open-file budget gives ENFILE below each process's own limit, and ended processes give their files back", async () => {
  const node = new TestNode({ nodeOpenFiles: 5 });
  const wasm = await guest("limits");
  const holder = await node.start(wasm, ["files-hold"]);
  await until(() => holder.lines().length > 0);
  assert.deepEqual(holder.lines(), [`files=5 ${E("ENFILE")}`]);
  const ticker = await node.start(await guest("sched"), ["tick"]);
  const second = await node.run(wasm, ["files"]);
  assert.deepEqual(second.lines, [`files=0 ${E("ENFILE")}`], second.stderr);
  assert.equal((await ticker.exited).reason, "NORMAL", "another process went on");
  node.kernel.terminate(holder.proc, { status: 137, reason: "KILLED", text: "by the test" });
  await holder.exited;
  assert.equal(node.kernel.exportDir.openFiles, 0);
  const again = await node.run(wasm, ["files"]);
  assert.deepEqual(again.lines, [`files=5 ${E("ENFILE")}`], again.stderr);
  node.shutdown();
});

test("the node's mailbox byte budget gives EAGAIN below each mailbox's own limit; undelivered messages of an ended process leave it", async () => {
  const node = new TestNode({ nodeMailboxBytes: 256 * 1024 });
  const wasm = await guest("limits");
  const ticker = await node.start(await guest("sched"), ["tick"]);
  const flood = await node.run(wasm, ["flood"]);
  assert.deepEqual(flood.lines, [`flooded=4 ${E("EAGAIN")}`, `drained=4 ${4 * 64 * 1024}`], flood.stderr);
  assert.equal((await ticker.exited).reason, "NORMAL", "another process went on");
  assert.equal(node.kernel.mailboxBudget.used, 0);
  const sink = await node.start(wasm, ["idle"]);
  node.kernel.send(0, sink.proc.pid, 1, new Uint8Array(200 * 1024));
  assert.throws(() => node.kernel.send(0, sink.proc.pid, 1, new Uint8Array(100 * 1024)), /EAGAIN: mailbox of \d+ is full: 1 messages of 4096, 204800 bytes of 16777216; the node's mailboxes hold 204800 bytes of their budget of 262144$/);
  node.kernel.terminate(sink.proc, { status: 137, reason: "KILLED", text: "by the test" });
  await sink.exited;
  assert.equal(node.kernel.mailboxBudget.used, 0, "the ended process's messages left the budget");
  node.shutdown();
});

test("the node's open-file budget is ulimit -n less a quarter, at least 256, kept back", () => {
  assert.equal(descriptorBudget(20_000), 15_000);
  assert.equal(descriptorBudget(1024), 768);
  assert.equal(descriptorBudget(300), 44);
  assert.equal(descriptorBudget(100), 16);
});
