// A child spawned on another node gets the memory cap its parent gave it, not that node's default.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runOn, simCluster } from "./helpers/cluster.ts";
import { guest } from "./helpers/guests.ts";

test("the memory cap travels with a spawn to another node", async () => {
  const limits = { memoryPages: 2048, maxMemoryPages: 4096, memoryBudgetPages: 8192 };
  // A generous heartbeat timeout: the child fills 128 MiB, which on a loaded machine takes a while.
  const cluster = await simCluster(7, [], {}, 10_000);
  try {
    const a = await cluster.add("a", { limits });
    await cluster.add("b", { limits });
    const wasm = await guest("sched");
    // The child on b grows by 1024 pages: within its parent's 2048, not within 64.
    const inherited = await runOn(a, wasm, ["limit", "0", "b"]);
    await inherited.exited;
    assert.deepEqual(inherited.lines().slice(0, 2).map((l) => l.replace(/grow=\d+/, "grow=N")), ["memlimit=0", "grow=N false"]);
    const narrowed = await runOn(a, wasm, ["limit", "64", "b"]);
    await narrowed.exited;
    assert.deepEqual(narrowed.lines().slice(0, 2), ["memlimit=0", "grow=-1 true"]);
  } finally {
    await cluster.stop();
  }
});
