import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { guest } from "./helpers/guests.ts";
import { TestNode, type Started } from "./helpers/node.ts";

const KILLED = { status: 137, reason: "KILLED", text: "by the test" } as const;

test("a blocking call suspends only its caller", async () => {
  const node = new TestNode();
  const wasm = await guest("sched");
  const blocked = await node.start(wasm, ["block"]);
  const ticker = await node.start(wasm, ["tick"]);
  assert.equal((await ticker.exited).reason, "NORMAL");
  assert.deepEqual(ticker.lines(), ["tick 1", "tick 2", "tick 3"]);
  await sleep(1); // the host's own timers fire too
  assert.equal(blocked.proc.state, "blocked");
  node.kernel.send(0, blocked.proc.pid, 1, new TextEncoder().encode("mail"));
  assert.equal((await blocked.exited).reason, "NORMAL");
  assert.deepEqual(blocked.lines(), ["got mail"]);
});

test("a guest in an endless loop does not stall the node, and kill stops it", async () => {
  const node = new TestNode();
  const wasm = await guest("sched");
  const spinner = await node.start(wasm, ["spin"]);
  await sleep(5); // resolves only if the spinner lets the event loop turn
  const ticker = await node.start(wasm, ["tick"]);
  assert.equal((await ticker.exited).reason, "NORMAL");
  assert.deepEqual(ticker.lines(), ["tick 1", "tick 2", "tick 3"]);
  assert.ok(node.kernel.procs.has(spinner.proc.pid), "the spinner is still running");
  node.kernel.terminate(spinner.proc, KILLED);
  assert.deepEqual(await spinner.exited, KILLED);
});

test("a guest cannot grow past its memory cap; running out traps only that process", async () => {
  const node = new TestNode({ memoryPages: 32 });
  const wasm = await guest("sched");
  const grower = await node.run(wasm, ["grow"]);
  assert.equal(grower.lines[0], "grow=-1 true");
  assert.equal(grower.info.reason, "TRAP");
  const after = await node.run(wasm, ["tick"]);
  assert.equal(after.info.reason, "NORMAL", "the node still runs processes");
});

test("a process killed while it sleeps or waits with a timeout leaves no timer behind", async () => {
  const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
  const blocked = async (started: Started) => {
    while (started.proc.state !== "blocked") await new Promise((resolve) => setImmediate(resolve));
    return started;
  };
  const node = new TestNode();
  const wasm = await guest("sched");
  const before = timers();
  const waiting = [await blocked(await node.start(wasm, ["sleep"])), await blocked(await node.start(wasm, ["recv-timeout"]))];
  assert.equal(timers(), before + 2);
  for (const { proc } of waiting) node.kernel.terminate(proc, KILLED);
  for (const { exited } of waiting) assert.deepEqual(await exited, KILLED);
  assert.equal(timers(), before);
});
