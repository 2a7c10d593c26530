// A peer's Lamport stamps: one out of range closes its connection, the node goes on; one
// in range moves the node's clock past it, as a journal read then shows.
import assert from "node:assert/strict";
import { test } from "node:test";
import { LamportClock, MAX_LAMPORT } from "../host/kernel/journal/lamport.ts";
import { toNumber } from "../host/transport/wire.ts";
import { waitFor } from "./helpers/cluster.ts";
import { authenticated, stillServes, targetNode } from "./helpers/peer.ts";

const target = targetNode("stamp secret");

test("the clock ticks, moves past a stamp (max + 1), never back, and refuses stamps out of range", () => {
  const clock = new LamportClock();
  assert.equal(clock.tick(), 1);
  clock.observe(10);
  assert.equal(clock.now, 11);
  clock.observe(3);
  assert.equal(clock.tick(), 12);
  for (const bad of [-1, 0.5, MAX_LAMPORT + 1, Number.NaN]) assert.throws(() => clock.observe(bad), RangeError);
  assert.equal(clock.now, 12);
});

test("a stamp past the limit closes the peer's connection only; a good one advances the node's clock", async () => {
  const hostile = await authenticated(target, "stamper");
  const closed = new Promise<string>((resolve) => hostile.onClose(resolve));
  hostile.logical = { now: MAX_LAMPORT * 4, observe: () => {} };
  hostile.cast({ nodes: {} });
  await closed;
  await waitFor("the refusal in the node's log", () => /closed connection from stamper: malformed frame from stamper: lamport: stamp \d+ out of range/.test(target.node.log()));
  await stillServes(target);

  const peer = await authenticated(target, "stamper");
  try {
    peer.logical = new LamportClock();
    peer.logical.observe(1_000_000);
    const reply = (await peer.call({ journal: { cluster: false, since: {}, journals: {} } })) as { journalPages?: { pages: { horizon: number | string }[] } };
    assert.ok(toNumber(reply.journalPages!.pages[0]!.horizon) > 1_000_001, "the node's clock moved past the stamp its query carried");
    assert.ok(peer.logical.now > 1_000_001, "and the reply's stamp moved the peer's past it");
  } finally {
    peer.close("done");
  }
});
