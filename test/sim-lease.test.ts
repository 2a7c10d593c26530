// A member's lease with the embedded coordinator: a lock holder on a node cut off from
// the coordinator ends before the coordinator can declare the node down and pass its
// lock on, so two processes never act as holders at once. In simulated time.
import assert from "node:assert/strict";
import { test } from "node:test";
import { VirtualClock } from "../host/clock/virtual-clock.ts";
import { runOn, simCluster } from "./helpers/cluster.ts";
import { guest } from "./helpers/guests.ts";

const TIMEOUT_MS = 400;

test("a lock holder cut off from the coordinator ends (noconnection) before its lock passes to a waiter", async () => {
  const wasm = await guest("sweep");
  const clock = new VirtualClock();
  const cluster = await simCluster(29, ["A", "B", "C"], { delayMs: [0, 3] }, TIMEOUT_MS, clock);
  try {
    const [a, b, c] = cluster.nodes;
    const holder = await runOn(b!, wasm, ["locker", "L", "1", "60000"]);
    await clock.run(clock.now() + 1000, () => a!.coordinator!.local.locks.holder("L") === holder.pid);
    const waiter = await runOn(c!, wasm, ["locker", "L", "1", "10"]);
    await clock.run(clock.now() + 50);

    const cutAt = clock.now();
    cluster.net.partition(["B"], ["A", "C"]);
    let holderEnded = Infinity;
    void holder.exited.then(() => (holderEnded = clock.now()));
    const acquired = (): boolean => waiter.lines().some((line) => line.startsWith("acq="));
    await clock.run(clock.now() + 10 * TIMEOUT_MS, acquired);
    assert.ok(acquired(), `the waiter got the lock: ${waiter.lines().join(" ")}`);
    const acquiredAt = Number(/^acq=\d+@(\d+)$/.exec(waiter.lines().find((l) => l.startsWith("acq="))!)![1]) / 1000;

    const info = await clock.drive(holder.exited, 10 * TIMEOUT_MS);
    assert.equal(info.reason, "NOCONNECTION", info.text);
    assert.match(info.text, /lost its lease/);
    assert.ok(holderEnded < acquiredAt, `the holder ended at ${holderEnded - cutAt} ms after the cut, the waiter took the lock at ${acquiredAt - cutAt} ms`);
    assert.ok(holderEnded - cutAt <= 1.25 * TIMEOUT_MS + 10, `ended ${holderEnded - cutAt} ms after the cut: within a lease and a beat`);
    assert.ok(cluster.log.some((line) => line.includes("[B] lost the lease with the coordinator")), cluster.log.join("\n"));
  } finally {
    await cluster.stop();
  }
});
