import assert from "node:assert/strict";
import { test } from "node:test";
import { VirtualClock } from "../host/clock/virtual-clock.ts";
import { ROOT_CAPABILITIES } from "../host/kernel/capabilities.ts";
import { runOn, simCluster } from "./helpers/cluster.ts";
import { guest } from "./helpers/guests.ts";

/**
 * A lock contended from three nodes over a lossy network; the holder's node crashes.
 * Returns everything that happened, in simulated time.
 */
async function contendedLock(seed: number): Promise<string[]> {
  const wasm = await guest("mesh");
  const clock = new VirtualClock();
  const cluster = await simCluster(seed, ["A", "B", "C"], { drop: 0.01, duplicate: 0.05, delayMs: [0, 5] }, 400, clock);
  try {
    const [a, b, c] = cluster.nodes;
    const holder = await runOn(c!, wasm, ["holder"]);
    await clock.run(clock.now() + 50);
    const runs = [holder, await runOn(b!, wasm, ["lockwait"]), await runOn(a!, wasm, ["lockwait"]), await runOn(a!, wasm, ["watch", String(holder.pid)], { ...ROOT_CAPABILITIES, scope: "owner" })];
    await clock.run(clock.now() + 200);
    cluster.net.crash("C");
    await clock.drive(c!.stop());
    await clock.run(clock.now() + 2000);
    return [...cluster.trace, ...runs.map((run) => `${run.pid}: ${run.lines().join(" ")} ${run.stderr()}`)];
  } finally {
    await cluster.stop();
  }
}

test("a seed replays exactly: the same deliveries, timers and membership changes at the same simulated times", async () => {
  const first = await contendedLock(3);
  assert.ok(first.some((event) => event.includes("[A] node C (3) is down")), first.join("\n"));
  assert.deepEqual(await contendedLock(3), first);
  assert.notDeepEqual(await contendedLock(4), first);
});
