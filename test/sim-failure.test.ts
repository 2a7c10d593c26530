import assert from "node:assert/strict";
import { test } from "node:test";
import { errno } from "../abi/abi.ts";
import { ROOT_CAPABILITIES } from "../host/kernel/capabilities.ts";
import { SimNetwork } from "../host/transport/sim-network.ts";
import { keyed, runOn, simCluster, waitFor } from "./helpers/cluster.ts";
import { guest } from "./helpers/guests.ts";

const TIMEOUT_MS = 400;
/** A root's set widened to every process (onebox run --scope owner): the watcher watches another root's process. */
const OWNER_SCOPE = { ...ROOT_CAPABILITIES, scope: "owner" as const };

test("a node dies: its lock passes on with a larger token, monitors fire noconnection within two heartbeat timeouts", async () => {
  const wasm = await guest("mesh");
  const cluster = await simCluster(7, ["A", "B", "C"], { delayMs: [0, 3] }, TIMEOUT_MS);
  try {
    const [a, b, c] = cluster.nodes;
    const holder = await runOn(c!, wasm, ["holder"]);
    await waitFor("C's process to hold L", () => a!.coordinator!.local.locks.holder("L") === holder.pid);
    const waiter = await runOn(b!, wasm, ["lockwait"]);
    const watcher = await runOn(a!, wasm, ["watch", String(holder.pid)], OWNER_SCOPE);
    await new Promise((resolve) => setTimeout(resolve, 50));

    const crashedAt = performance.now();
    cluster.net.crash("C");
    await c!.stop();

    const down = await watcher.exited;
    const elapsed = performance.now() - crashedAt;
    assert.equal(down.reason, "NORMAL", watcher.stderr());
    assert.equal(keyed(watcher.lines()).get("watch.down"), "noconnection");
    assert.ok(elapsed < 2 * TIMEOUT_MS + 300, `monitor fired after ${elapsed.toFixed(0)} ms`);

    await waiter.exited;
    assert.equal(keyed(waiter.lines()).get("waiter.token"), "2", "the next holder's token is larger than the dead holder's 1");
    assert.equal(a!.members.byName("C")!.state, "down");
  } finally {
    await cluster.stop();
  }
});

test("a call to a node cut off mid-call fails with EHOSTUNREACH once the node is declared down", async () => {
  const wasm = await guest("mesh");
  const cluster = await simCluster(11, ["A", "B", "C"], { delayMs: [0, 3] }, TIMEOUT_MS);
  try {
    const [a] = cluster.nodes;
    cluster.net.partition(["C"], ["A", "B"]);
    const run = await runOn(a!, wasm, ["stat", "/n/C/anything"]);
    await run.exited;
    assert.equal(keyed(run.lines()).get("stat"), String(-errno("EHOSTUNREACH")));
  } finally {
    await cluster.stop();
  }
});

test("a partitioned node is declared down and, when the partition heals, fences itself", async () => {
  const cluster = await simCluster(23, ["A", "B"], { delayMs: [0, 3] }, TIMEOUT_MS);
  try {
    const [a, b] = cluster.nodes;
    let fenced = false;
    await cluster.add("C", { onFenced: () => (fenced = true) });
    cluster.net.partition(["C"], ["A", "B"]);
    await waitFor("C to be declared down", () => a!.members.byName("C")?.state === "down");
    await waitFor("B to hear it", () => b!.members.byName("C")?.state === "down");
    cluster.net.heal();
    await waitFor("C to fence itself", () => fenced);
    assert.ok(cluster.log.some((line) => line.includes("[C] declared down")), cluster.log.join("\n"));
  } finally {
    await cluster.stop();
  }
});

test("every routed call survives duplicated and delayed frames", async () => {
  const wasm = await guest("mesh");
  const cluster = await simCluster(5, ["A", "B", "C"], { duplicate: 0.2, delayMs: [0, 5] });
  try {
    const run = await runOn(cluster.nodes[0]!, wasm, ["main", "B", "C"]);
    assert.equal((await run.exited).reason, "NORMAL", run.stderr());
    const out = keyed(run.lines());
    assert.equal(out.get("order"), "true");
    assert.equal(out.get("lock.token-grows"), "true");
  } finally {
    await cluster.stop();
  }
});

test("the same seed replays the same faults; another seed does not", async () => {
  const trace = async (seed: number): Promise<string> => {
    const net = new SimNetwork(seed, { drop: 0.2, duplicate: 0.2, delayMs: [0, 2] });
    const got: number[] = [];
    await net.host("server").listen("server", (conn) => conn.setHandlers((frame) => got.push(frame[0]!), () => {}));
    const conn = await net.host("client").connect("sim://server");
    for (let i = 0; i < 100; i++) conn.send(new Uint8Array([i]));
    await new Promise((resolve) => setTimeout(resolve, 50));
    net.stop();
    return got.join(",");
  };
  const first = await trace(42);
  assert.equal(await trace(42), first);
  assert.notEqual(await trace(43), first);
});
