// A node declared down is dead to the cluster until it rejoins as a new node: nothing it
// sends is served, and the handles its processes held are gone for good, so its late
// writes can never land in a file someone else opened since. On the simulated network,
// in simulated time: node B is held (as SIGSTOP holds a process: its frames wait, none
// are lost) while its process appends to a file on C.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { errno, FLAGS } from "../abi/abi.ts";
import { SysError } from "../host/kernel/errors.ts";
import { VirtualClock } from "../host/clock/virtual-clock.ts";
import { keyed, runOn, simCluster } from "./helpers/cluster.ts";
import { guest } from "./helpers/guests.ts";

const TIMEOUT_MS = 400;
const O = FLAGS.open;

test("a held node's late writes are refused and never reach the file a new process opened with the freed descriptor", async () => {
  const wasm = await guest("appender");
  const clock = new VirtualClock();
  const cluster = await simCluster(17, ["A", "B", "C"], { delayMs: [0, 3] }, TIMEOUT_MS, clock);
  try {
    const [a, b, c] = cluster.nodes;
    const writer = await runOn(b!, wasm, ["/n/C/a.txt", "writer", "0"]);
    const aTxt = path.join(c!.kernel.exportDir.root, "a.txt");
    await clock.run(clock.now() + 200, () => fs.existsSync(aTxt) && fs.readFileSync(aTxt, "utf8").split("\n").length > 3);
    const stale = [...b!.kernel.procs.get(writer.pid)!.files.values()][0]!.handle;

    cluster.net.hold("B");
    await clock.run(clock.now() + 10 * TIMEOUT_MS, () => c!.members.get(b!.id)?.state === "down");
    assert.equal(c!.members.get(b!.id)?.state, "down", "C heard that B is down");
    assert.equal(c!["exports"].openBy(b!.id), 0, "C closed B's files");
    const written = fs.readFileSync(aTxt, "utf8");

    // A process on C opens a file: with descriptors as handles it would get B's number.
    const victim = await runOn(c!, wasm, ["/victim.txt", "victim", "1"]);
    const victimTxt = path.join(c!.kernel.exportDir.root, "victim.txt");
    await clock.run(clock.now() + 100, () => fs.existsSync(victimTxt) && fs.readFileSync(victimTxt, "utf8") === "victim 0\n");

    // Another live node cannot use B's handle either: handles are bound to who opened them.
    const misuse = await clock.drive(Promise.resolve(a!.kernel.fileService("C").write(stale, new TextEncoder().encode("from A\n"), null)).then(() => "ok", (e: SysError) => e.errnoName));
    assert.equal(misuse, "EBADF");

    cluster.net.release("B");
    await clock.run(clock.now() + 10 * TIMEOUT_MS);
    assert.equal(fs.readFileSync(victimTxt, "utf8"), "victim 0\n", "nothing of B's reached the victim's file");
    assert.equal(fs.readFileSync(aTxt, "utf8"), written, "nothing of B's landed after it was declared down");
    const err = keyed(writer.lines()).get("write.err");
    assert.ok(err === undefined || err === String(-errno("EHOSTUNREACH")), `the writer's late write failed with EHOSTUNREACH, or it was ended by its fenced node: ${err}`);
    assert.ok(cluster.log.some((line) => line.includes("[B] declared down")), `B learned the verdict and fenced itself:\n${cluster.log.join("\n")}`);
    c!.kernel.terminate(c!.kernel.procs.get(victim.pid)!, { reason: "KILLED", status: 137, text: "test over" });
  } finally {
    await cluster.stop();
  }
});

test("calls from a node declared down are refused everywhere until it rejoins as a new node", async () => {
  const clock = new VirtualClock();
  const cluster = await simCluster(19, ["A", "B", "C"], { delayMs: [0, 3] }, TIMEOUT_MS, clock);
  try {
    const [, b, c] = cluster.nodes;
    const files = b!.kernel.fileService("C");
    const handle = await clock.drive(Promise.resolve(files.open("b.txt", O.O_WRITE.value | O.O_CREATE.value)));
    cluster.net.hold("B");
    await clock.run(clock.now() + 10 * TIMEOUT_MS, () => c!.members.get(b!.id)?.state === "down");
    // B's stat goes out while it is held and reaches C after its verdict.
    const stat = Promise.resolve(files.stat("b.txt", true)).then(() => "ok", (e: SysError) => e.errnoName);
    const write = Promise.resolve(files.write(handle, new Uint8Array([1]), null)).then(() => "ok", (e: SysError) => e.errnoName);
    cluster.net.release("B");
    assert.equal(await clock.drive(stat), "EHOSTUNREACH");
    assert.equal(await clock.drive(write), "EHOSTUNREACH");
    const fenced = (): boolean => cluster.log.some((line) => line.includes("[B] declared down"));
    await clock.run(clock.now() + 10 * TIMEOUT_MS, fenced);
    assert.ok(fenced(), cluster.log.join("\n"));

    // B restarts under its own name: a new incarnation, whose calls are served.
    await clock.drive(b!.stop());
    const again = await cluster.add("B", { listen: "B2" });
    assert.notEqual(again.id, b!.id);
    const st = await clock.drive(Promise.resolve(again.kernel.fileService("C").stat("b.txt", true)));
    assert.equal(st.kind, FLAGS.fileKind.KIND_FILE.value);
  } finally {
    await cluster.stop();
  }
});
