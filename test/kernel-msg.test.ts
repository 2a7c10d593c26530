import assert from "node:assert/strict";
import { test } from "node:test";
import { errno } from "../abi/abi.ts";
import { guest } from "./helpers/guests.ts";
import { startCaptured, TestNode } from "./helpers/node.ts";
import { ROOT_CAPABILITIES } from "../host/kernel/capabilities.ts";

const E = (name: Parameters<typeof errno>[0]) => -errno(name);

test("send and recv: selective receive, per-pair order, full mailbox, E2BIG, timeouts", async () => {
  const node = new TestNode({ mailbox: 8 });
  const { info, lines, stderr } = await node.run(await guest("msg"));
  assert.equal(info.reason, "NORMAL", stderr);
  assert.deepEqual(lines, [
    "selective=bac",
    `poll.empty=${E("EAGAIN")}`,
    "order=true 50 50",
    `full=8 ${E("EAGAIN")}`,
    `e2big=${E("E2BIG")} 100 100`,
    `timeout=${E("ETIMEDOUT")}`,
    "blocking=late",
    `send.no-such=${E("ESRCH")}`,
    `send.negative-tag=${E("EINVAL")}`,
    `recv.too-many-tags=${E("EINVAL")}`,
  ]);
});

test("a monitor's down notice is delivered even into a full mailbox", async () => {
  const node = new TestNode({ mailbox: 1 });
  const wasm = await guest("msg");
  const sink = await node.start(wasm, ["sink"]);
  // Another root's process: the watcher's scope must be its owner's (onebox run --scope owner).
  const watcher = await startCaptured(node.kernel, wasm, ["sink"], [], { ...ROOT_CAPABILITIES, scope: "owner" });
  node.kernel.send(0, watcher.proc.pid, 1, new Uint8Array(1));
  assert.throws(() => node.kernel.send(0, watcher.proc.pid, 1, new Uint8Array(1)), /EAGAIN/);
  node.kernel.monitor(watcher.proc, sink.proc.pid);
  node.kernel.terminate(sink.proc, { status: 137, reason: "KILLED", text: "test" });
  await sink.exited;
  assert.equal(watcher.proc.mailbox.length, 2);
  node.shutdown();
});
