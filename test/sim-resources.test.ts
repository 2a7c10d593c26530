import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { FLAGS } from "../abi/abi.ts";
import { SysError } from "../host/kernel/errors.ts";
import { keyed, runOn, simCluster, waitFor } from "./helpers/cluster.ts";
import { guest } from "./helpers/guests.ts";

const TIMEOUT_MS = 400;
const O = FLAGS.open;

test("a node dies: the files its processes held open on other nodes' exports are closed", async () => {
  const cluster = await simCluster(41, ["A", "B", "C"], { delayMs: [0, 2] }, TIMEOUT_MS);
  try {
    const [a, b, c] = cluster.nodes;
    const files = c!.kernel.fileService("B");
    for (const name of ["held-1.txt", "held-2.txt"]) await files.open(name, O.O_WRITE.value | O.O_CREATE.value);
    assert.equal(b!["exports"].openBy(c!.id), 2);
    // Handles are the export server's own numbers; the descriptors behind them are its business.
    const fds = [...b!["exports"]["opened"].values()].filter((o) => o.nodeId === c!.id).map((o) => o.fd);
    // A's own handle on B stays open: only the dead node's go.
    const mine = await a!.kernel.fileService("B").open("mine.txt", O.O_WRITE.value | O.O_CREATE.value);

    cluster.net.crash("C");
    await c!.stop();
    await waitFor("B to see C down", () => b!.members.byName("C")?.state === "down");
    assert.equal(b!["exports"].openBy(c!.id), 0);
    await waitFor("the descriptors to be closed", () => fds.every((fd) => !isOpen(fd)));
    assert.ok(isOpen(b!["exports"]["opened"].get(mine)!.fd), "a live node's handle is untouched");
    await a!.kernel.fileService("B").close(mine);
  } finally {
    await cluster.stop();
  }
});

/** Whether a descriptor of this process is open (the sim's nodes all live in it). */
function isOpen(fd: number): boolean {
  try {
    fs.fstatSync(fd);
    return true;
  } catch {
    return false;
  }
}

test("a process killed while its lock call waits at the coordinator: the call is answered and the lock skips it", async () => {
  const wasm = await guest("mesh");
  const cluster = await simCluster(43, ["A", "B"], { delayMs: [0, 2] }, TIMEOUT_MS);
  try {
    const [a, b] = cluster.nodes;
    const holder = await runOn(a!, wasm, ["holder"]);
    await waitFor("the holder to hold L", () => a!.coordinator!.local.locks.holder("L") === holder.pid);

    // A guest on B waits for L, and is killed while it waits.
    const doomed = await runOn(b!, wasm, ["lockwait"]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    b!.kernel.terminate(b!.kernel.procs.get(doomed.pid)!, { reason: "KILLED", status: 137, text: "test" });
    assert.equal((await doomed.exited).reason, "KILLED");

    // The same path from the host: the waiting call comes back ESRCH once its process ends.
    const ghost = (b!.id << 20) | 4000;
    const call = Promise.resolve(b!.kernel.coordinator.lock("L", ghost, -1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    b!.kernel.coordinator.releaseAll(ghost);
    await assert.rejects(call, (error: SysError) => error.errnoName === "ESRCH");

    // The holder lets go: the next live waiter gets token 2, so no dead waiter took one.
    const next = await runOn(b!, wasm, ["lockwait"]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    a!.kernel.send(0, holder.pid, 6, new Uint8Array());
    await next.exited;
    assert.equal(keyed(next.lines()).get("waiter.token"), "2", next.stderr());
  } finally {
    await cluster.stop();
  }
});
