// A client that asks a node for logs and attaches where it should not: each gets a clear
// errno, a detached process is unaffected, and the node goes on serving.
import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { RemoteError, type Channel } from "../host/transport/channel.ts";
import type { Bodies, Msg } from "../host/transport/wire.ts";
import { guest } from "./helpers/guests.ts";
import { authenticated, stillServes, targetNode } from "./helpers/peer.ts";

const target = targetNode("ops hostile secret");

/** A client connection and everything the node cast to it. */
async function client(name: string): Promise<{ channel: Channel; got: Partial<Bodies>[] }> {
  const got: Partial<Bodies>[] = [];
  const channel = await authenticated(target, name, (msg: Msg) => void got.push(msg as Partial<Bodies>));
  return { channel, got };
}

const errnoOf = (call: Promise<unknown>): Promise<string> =>
  call.then(
    () => "no error",
    (error: unknown) => (error instanceof RemoteError ? error.errno : String(error)),
  );

/** Wait for a condition the node's casts bring about, with a generous deadline. */
async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const text = (got: Partial<Bodies>[]): string => Buffer.concat(got.flatMap((m) => (m.output ? [Buffer.from(m.output.data)] : []))).toString();

test("logs and attach refuse what is not theirs: ESRCH, EINVAL, EBUSY, EAGAIN; input after a detach is dropped", async () => {
  const module = fs.readFileSync(await guest("ops"));
  const a = await client("a");
  const b = await client("b");
  try {
    for (const pid of [0, -1, 2 ** 31 - 1, (1 << 20) | 999_999]) {
      assert.equal(await errnoOf(a.channel.call({ logs: { pid, follow: true } })), "ESRCH", `logs ${pid}`);
      assert.equal(await errnoOf(a.channel.call({ attach: { pid } })), "ESRCH", `attach ${pid}`);
    }
    const reply = (await a.channel.call({ run: { module, argv: ["ops", "echo"], env: [], node: "", detached: true } })) as { pid?: { pid: number } };
    const pid = reply.pid!.pid;
    assert.equal(await errnoOf(a.channel.call({ attach: { pid } })), "no error");
    assert.equal(await errnoOf(b.channel.call({ attach: { pid } })), "EBUSY", "one client attached at a time");
    assert.equal(await errnoOf(a.channel.call({ logs: { pid, follow: true } })), "EBUSY", "one stream per connection");
    // More than the input buffer at once is refused, and the process is unaffected.
    a.channel.cast({ input: { data: new Uint8Array(64 * 1024 + 1), end: false } });
    a.channel.cast({ input: { data: new TextEncoder().encode("first\n"), end: false } });
    await until("the echo of the first line", () => text(a.got).includes("echo: FIRST\n"));
    assert.ok(a.got.some((m) => m.inputTaken), "what the process read is credited to the attached client");
    // b was never attached: its input goes to no process (EINVAL, dropped and logged by the node).
    b.channel.cast({ input: { data: new TextEncoder().encode("intruder\n"), end: false } });
    a.channel.close("detach");
    b.channel.cast({ input: { data: new TextEncoder().encode("still an intruder\n"), end: false } });
    await until("the node's log of the refused input", () => /input from a failed and was dropped: EAGAIN: input beyond/.test(target.node.log()));
    await until("the node's log of the intruder's input", () => /input from b failed and was dropped: EINVAL/.test(target.node.log()));
    const c = await client("c");
    try {
      assert.equal(await errnoOf(c.channel.call({ attach: { pid } })), "no error", "attachable again after the detach");
      c.channel.cast({ input: { data: new TextEncoder().encode("second\n"), end: true } });
      await until("the process's end", () => c.got.some((m) => m.exited));
      assert.equal(c.got.find((m) => m.exited)!.exited!.status, 5);
      assert.equal(text(c.got), "echo: SECOND\necho done\n");
      const logs = await c.channel.call({ logs: { pid, follow: false } });
      assert.equal((logs as { logInfo?: Bodies["logInfo"] }).logInfo?.exit?.status, 5);
    } finally {
      c.channel.close("done");
    }
    const all = await client("reader");
    try {
      await all.channel.call({ logs: { pid, follow: false } });
      assert.equal(text(all.got), "echo ready\necho: FIRST\necho: SECOND\necho done\n", "no intruder's input reached the process");
    } finally {
      all.channel.close("done");
    }
    // A process a client runs (not detached) has its input from that client only.
    const runner = await client("runner");
    const ran = (await runner.channel.call({ run: { module, argv: ["ops", "two-parts", "/never"], env: [], node: "" } })) as { pid?: { pid: number } };
    assert.equal(await errnoOf(b.channel.call({ attach: { pid: ran.pid!.pid } })), "EINVAL");
    runner.channel.close("done");
  } finally {
    a.channel.close("done");
    b.channel.close("done");
  }
  await stillServes(target);
});
