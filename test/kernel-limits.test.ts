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
