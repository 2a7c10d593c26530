// Fencing tokens across nodes, on the simulated network in simulated time: the node
// owning a file refuses a write whose lock token is older than the newest it has seen
// for that lock, whichever node it comes from.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { errno, FLAGS } from "../abi/abi.ts";
import type { SysError } from "../host/kernel/errors.ts";
import { VirtualClock } from "../host/clock/virtual-clock.ts";
import { keyed, runOn, simCluster } from "./helpers/cluster.ts";
import { guest } from "./helpers/guests.ts";

const TIMEOUT_MS = 400;
const O = FLAGS.open;

test("a holder on one node that lost its lock cannot write through its fence to another node's file", async () => {
  const wasm = await guest("fenced");
  const clock = new VirtualClock();
  const cluster = await simCluster(41, ["A", "B", "C"], { delayMs: [0, 3] }, TIMEOUT_MS, clock);
  try {
    const [a, b, c] = cluster.nodes;
    const file = path.join(c!.kernel.exportDir.root, "f.txt");
    const first = await runOn(b!, wasm, ["first", "F", "/n/C/f.txt"]);
    await clock.run(clock.now() + 2000, () => fs.existsSync(file) && fs.statSync(file).size > 0);
    const second = await runOn(a!, wasm, ["second", "F", "/n/C/f.txt"]);
    const [older, newer] = await clock.drive(Promise.all([first.exited, second.exited]));
    assert.equal(older.reason, "NORMAL", first.stderr());
    assert.equal(newer.reason, "NORMAL", second.stderr());
    const t1 = BigInt(keyed(first.lines()).get("first.token")!);
    const t2 = BigInt(keyed(second.lines()).get("second.token")!);
    assert.ok(t2 > t1, `tokens grow: ${t1} then ${t2}`);
    assert.equal(keyed(first.lines()).get("late"), String(-errno("ESTALE")), "B's late write is refused by C");
    assert.equal(fs.readFileSync(file, "utf8"), "first\nsecond\nsecond\n");
    assert.equal(c!.kernel.exportDir.fences.seen("F"), t2);
  } finally {
    await cluster.stop();
  }
});

test("a held node's lock passes on with a larger token, and its token is refused at the file from then on", async () => {
  const wasm = await guest("fenced");
  const clock = new VirtualClock();
  const cluster = await simCluster(43, ["A", "B", "C"], { delayMs: [0, 3] }, TIMEOUT_MS, clock);
  try {
    const [a, b, c] = cluster.nodes;
    const file = path.join(c!.kernel.exportDir.root, "f.txt");
    const holder = await runOn(b!, wasm, ["hold", "F", "/n/C/f.txt"]);
    await clock.run(clock.now() + 2000, () => fs.existsSync(file) && fs.readFileSync(file, "utf8").split("\n").length > 3);
    const t = BigInt(keyed(holder.lines()).get("hold.token")!);

    cluster.net.hold("B");
    const second = await runOn(a!, wasm, ["second", "F", "/n/C/f.txt"]);
    const newer = await clock.drive(second.exited, 20 * TIMEOUT_MS);
    assert.equal(newer.reason, "NORMAL", second.stderr());
    const t2 = BigInt(keyed(second.lines()).get("second.token")!);
    assert.ok(t2 > t, `the lock passed on with a larger token: ${t} then ${t2}`);
    const settled = fs.readFileSync(file, "utf8");
    assert.ok(settled.endsWith("second\nsecond\n"), settled);

    // B's process kept writing while held; released, its queued writes arrive late.
    cluster.net.release("B");
    await clock.run(clock.now() + 10 * TIMEOUT_MS);
    assert.equal(fs.readFileSync(file, "utf8"), settled, "nothing of the stale holder's landed after its successor wrote");

    // Whatever path a write with B's token takes (here from a live node), C refuses it.
    const files = a!.kernel.fileService("C");
    const handle = await clock.drive(Promise.resolve(files.open("f.txt", O.O_WRITE.value | O.O_APPEND.value)));
    const refused = await clock.drive(Promise.resolve(files.write(handle, new TextEncoder().encode("stale\n"), null, { lock: "F", token: t })).then(() => "ok", (e: SysError) => e.errnoName));
    assert.equal(refused, "ESTALE");
    const truncated = await clock.drive(Promise.resolve(files.truncate(handle, 0, { lock: "F", token: t })).then(() => "ok", (e: SysError) => e.errnoName));
    assert.equal(truncated, "ESTALE");
    const tooLong = await clock.drive(Promise.resolve(files.write(handle, new Uint8Array([1]), null, { lock: "L".repeat(1025), token: t + 100n })).then(() => "ok", (e: SysError) => e.errnoName));
    assert.equal(tooLong, "EINVAL", "a lock name no lock can have is refused at the export");
    assert.equal(fs.readFileSync(file, "utf8"), settled, "no refused change reached the file");
    await clock.drive(Promise.resolve(files.close(handle)));
  } finally {
    await cluster.stop();
  }
});
