import assert from "node:assert/strict";
import { test } from "node:test";
import { errno } from "../abi/abi.ts";
import { keyed, runOn, simCluster } from "./helpers/cluster.ts";
import { guest } from "./helpers/guests.ts";

const E = (name: Parameters<typeof errno>[0]) => String(-errno(name));

test("every routed syscall works across three simulated nodes", async () => {
  // Built first: the compiler holds the event loop longer than a heartbeat timeout.
  const wasm = await guest("mesh");
  const cluster = await simCluster(1, ["A", "B", "C"], { delayMs: [0, 2] });
  try {
    const [a, b] = cluster.nodes;
    const run = await runOn(a!, wasm, ["main", "B", "C"]);
    const info = await run.exited;
    assert.equal(info.reason, "NORMAL", run.stderr());
    const out = keyed(run.lines());
    const expect: Record<string, string> = {
      "echo.node": String(b!.id),
      order: "true",
      "echo.wait": "0/0",
      kill: "0",
      "monitor.down": "killed true",
      "kill.wait": "137/1",
      "kill.gone": E("ESRCH"),
      "monitor.ended": "killed",
      "child.read": "hello from home",
      "files.wait": "0/0",
      "child.wrote": "true",
      "child.local": "true",
      mkdir: "0",
      "stat.size": "5",
      rename: "0",
      readdir: "b.txt",
      seek: "2",
      "read.back": "12X45",
      unlink: "0",
      "rename.across": E("EXDEV"),
      "trylock.busy": E("EBUSY"),
      "lock.token-grows": "true",
      unlock: "0",
      whereis: "true",
      "register.taken": E("EEXIST"),
      "whereis.gone": E("ENOENT"),
      "placed.wait": "0/0",
      "spawn.unknown": E("EHOSTUNREACH"),
    };
    for (const [key, value] of Object.entries(expect)) assert.equal(out.get(key), value, `${key} (all: ${run.lines().join(" | ")})`);
    assert.equal(b!.stats.moduleFetches, 1, "B fetched the module once for all its spawns");
  } finally {
    await cluster.stop();
  }
});

test("the scheduler places by load and by label", async () => {
  const wasm = await guest("mesh");
  const cluster = await simCluster(3, ["A", "B"], { delayMs: [0, 2] });
  try {
    const c = await cluster.add("C", { labels: { zone: "edge" } });
    const run = await runOn(cluster.nodes[0]!, wasm, ["place", "", "", "", "zone=edge", "zone=nowhere"]);
    assert.equal((await run.exited).reason, "NORMAL", run.stderr());
    const placed = keyed(run.lines()).get("placed")!.split(",").map(Number);
    const [edge, nowhere] = placed.slice(3);
    const free = placed.slice(0, 3);
    assert.equal(edge! >>> 20, c.id, "a k=v node runs on a node with that label");
    assert.equal(nowhere, -errno("EHOSTUNREACH"));
    assert.equal(new Set(free.map((pid) => pid >>> 20)).size, 3, "a burst of unplaced spawns spreads over all three nodes");
  } finally {
    await cluster.stop();
  }
});
