import assert from "node:assert/strict";
import { test } from "node:test";
import { SysError } from "../host/kernel/errors.ts";
import { SEND_WINDOW } from "../host/cluster/flow-control.ts";
import { keyed, runOn, simCluster, waitFor } from "./helpers/cluster.ts";
import { guest } from "./helpers/guests.ts";

const MAILBOX = 8;

test("a full remote mailbox pushes back: EAGAIN after the window, more credit as it drains, order kept", async () => {
  const wasm = await guest("mesh");
  const cluster = await simCluster(31, ["A"], { delayMs: [0, 2] });
  try {
    const [a] = cluster.nodes;
    const b = await cluster.add("B", { limits: { mailbox: MAILBOX } });
    const target = (await runOn(b, wasm, ["sleep"])).pid;
    const mailbox = b.kernel.procs.get(target)!.mailbox;
    const from = (a!.id << 20) | 999;
    let sent = 0;
    /** Send numbered messages until EAGAIN; how many went. */
    const burst = (): number => {
      const before = sent;
      for (;;) {
        try {
          a!.kernel.send(from, target, 1, new Uint8Array(new Uint32Array([sent]).buffer));
        } catch (error) {
          assert.equal((error as SysError).errnoName, "EAGAIN");
          return sent - before;
        }
        sent++;
      }
    };

    assert.equal(burst(), SEND_WINDOW, "the whole window goes before any credit can return");
    // What fit in the mailbox is credited but not yet returned (less than GRANT_BATCH), and
    // the rest is held: nothing frees the sender while the mailbox stays full.
    await waitFor("the window to arrive", () => mailbox.length === SEND_WINDOW);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(burst(), 0, "no credit while the mailbox stays full");
    assert.ok(mailbox.length <= MAILBOX + SEND_WINDOW, `mailbox holds ${mailbox.length}`);

    // The receiver drains: credit flows again, and every message came in order.
    let next = 0;
    const drain = () => {
      while (mailbox.find([]) >= 0) {
        const message = mailbox.remove(mailbox.find([]));
        assert.equal(new DataView(message.data.buffer, message.data.byteOffset).getUint32(0, true), next++, "per-pair order");
      }
    };
    drain();
    await waitFor("credit after the drain", () => burst() > 0);
    await waitFor("the rest to arrive", () => (drain(), next === sent));
  } finally {
    await cluster.stop();
  }
});

test("a guest flooding a small remote mailbox retries on EAGAIN and every message arrives", async () => {
  const wasm = await guest("mesh");
  const cluster = await simCluster(37, ["A"], { delayMs: [0, 2] });
  try {
    const [a] = cluster.nodes;
    await cluster.add("B", { limits: { mailbox: MAILBOX } });
    const run = await runOn(a!, wasm, ["flood", "B", String(4 * SEND_WINDOW)]);
    assert.equal((await run.exited).reason, "NORMAL", run.stderr());
    assert.ok(Number(keyed(run.lines()).get("flood.per-second")) > 0, run.lines().join("\n"));
  } finally {
    await cluster.stop();
  }
});

test("a remote mailbox over its byte limit holds back credit too, and gives it once drained", async () => {
  const wasm = await guest("mesh");
  const cluster = await simCluster(41, ["A"], { delayMs: [0, 2] });
  try {
    const [a] = cluster.nodes;
    // A window of 1 KiB messages fits the message limit (4096) but not 64 KiB of bytes.
    const b = await cluster.add("B", { limits: { mailboxBytes: 64 * 1024 } });
    const target = (await runOn(b, wasm, ["sleep"])).pid;
    const mailbox = b.kernel.procs.get(target)!.mailbox;
    const from = (a!.id << 20) | 999;
    const burst = (): number => {
      for (let sent = 0; ; sent++) {
        try {
          a!.kernel.send(from, target, 1, new Uint8Array(1024));
        } catch (error) {
          assert.equal((error as SysError).errnoName, "EAGAIN");
          return sent;
        }
      }
    };
    assert.equal(burst(), SEND_WINDOW);
    await waitFor("the window to arrive", () => mailbox.length === SEND_WINDOW);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(burst(), 0, "no credit while the mailbox is over its byte limit");
    while (mailbox.find([]) >= 0) mailbox.remove(mailbox.find([]));
    assert.equal(mailbox.bytes, 0);
    await waitFor("credit after the drain", () => burst() > 0);
  } finally {
    await cluster.stop();
  }
});
