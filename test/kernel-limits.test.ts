import assert from "node:assert/strict";
import { test } from "node:test";
import { errno } from "../abi/abi.ts";
import { guest } from "./helpers/guests.ts";
import { TestNode } from "./helpers/node.ts";

const E = (name: Parameters<typeof errno>[0]) => -errno(name);
const KIB = 1024;

test("a flood of big messages gets EAGAIN at the mailbox byte limit, and the receiver then drains it", async () => {
  // 1 MiB holds 16 messages of 64 KiB; the message count limit (default 4096) is far off.
  const node = new TestNode({ mailboxBytes: 1024 * KIB });
  const { info, lines, stderr } = await node.run(await guest("limits"), ["flood"]);
  assert.equal(info.reason, "NORMAL", stderr);
  assert.deepEqual(lines, [`flooded=16 ${E("EAGAIN")}`, `drained=16 ${16 * 64 * KIB}`]);
  node.shutdown();
});

test("an empty mailbox takes one message over the byte limit; a second is EAGAIN", async () => {
  const node = new TestNode({ mailboxBytes: 4 * KIB });
  const sink = await node.start(await guest("limits"), ["idle"]);
  node.kernel.send(0, sink.proc.pid, 1, new Uint8Array(8 * KIB));
  assert.throws(() => node.kernel.send(0, sink.proc.pid, 1, new Uint8Array(1)), /EAGAIN.*8192 bytes of 4096/);
  assert.equal(sink.proc.mailbox.bytes, 8 * KIB);
  node.shutdown();
  await sink.exited;
});

test("a spawn bomb gets EAGAIN at the descendants limit, counted up the chain and through orphans; the node keeps serving", async () => {
  const node = new TestNode({ descendants: 20 });
  const wasm = await guest("limits");
  const bomb = await node.run(wasm, ["bomb"]);
  assert.deepEqual(bomb.lines, [`bomb=20 ${E("EAGAIN")}`], bomb.stderr);
  // The child's own children count against this process's limit too.
  const tree = await node.run(wasm, ["tree"]);
  assert.deepEqual(tree.lines, [`bomb=19 ${E("EAGAIN")}`, `tree=20 ${E("EAGAIN")}`], tree.stderr);
  // Children whose parent ended stay charged to its parent.
  const orphans = await node.start(wasm, ["orphans"]);
  assert.equal((await orphans.exited).reason, "NORMAL", orphans.stderr());
  assert.deepEqual(orphans.lines(), [`orphans=15 ${E("EAGAIN")}`]);
  assert.equal(node.kernel.procs.size, 5, "the 5 orphans live on");
  for (const proc of [...node.kernel.procs.values()]) node.kernel.terminate(proc, { status: 137, reason: "KILLED", text: "test" });
  await Promise.all([...node.kernel.procs.keys()].map((pid) => node.kernel.whenExited(pid)));
  assert.equal(node.kernel.procs.size, 0);
  // Counts went back to nothing: a new bomb gets the whole limit again.
  const again = await node.run(wasm, ["bomb"]);
  assert.deepEqual(again.lines, [`bomb=20 ${E("EAGAIN")}`], again.stderr);
  node.shutdown();
});

test("the node's process limit stops a bomb below its descendants limit", async () => {
  const node = new TestNode({ processes: 10 });
  const wasm = await guest("limits");
  const bomb = await node.run(wasm, ["bomb"]);
  assert.deepEqual(bomb.lines, [`bomb=9 ${E("EAGAIN")}`], bomb.stderr);
  const flood = await node.run(wasm, ["flood"]);
  assert.equal(flood.info.reason, "NORMAL", flood.stderr);
  node.shutdown();
});
