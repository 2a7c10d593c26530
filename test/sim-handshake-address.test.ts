// One remote address may hold only MAX_HANDSHAKES_PER_ADDRESS handshakes in flight, so a
// host that opens connections and never speaks cannot lock other members out of a node.
import assert from "node:assert/strict";
import { test } from "node:test";
import { addressOf, AddressGate, MAX_HANDSHAKES_PER_ADDRESS } from "../host/cluster/address-gate.ts";
import type { Conn } from "../host/transport/transport.ts";
import { simCluster, waitFor } from "./helpers/cluster.ts";

test("addresses are counted without their port; loopback is not limited", () => {
  assert.equal(addressOf("10.0.0.3:51234"), "10.0.0.3");
  assert.equal(addressOf("[2001:db8::1]:7000"), "2001:db8::1");
  assert.equal(addressOf("sim://attacker"), "sim://attacker");
  const gate = new AddressGate(2);
  assert.ok(gate.take("10.0.0.3:1") && gate.take("10.0.0.3:2"));
  assert.equal(gate.take("10.0.0.3:3"), false, "a third from the same address");
  assert.ok(gate.take("10.0.0.4:1"), "another address has its own slots");
  gate.release("10.0.0.3:1");
  assert.ok(gate.take("10.0.0.3:4"), "a released slot is free again");
  for (let i = 0; i < 10; i++) assert.ok(gate.take(`127.0.0.1:${i}`) && gate.take(`[::1]:${i}`));
  assert.throws(() => gate.release("10.0.0.9:1"), /released with no handshake in flight/);
});

test("a host holding its handshakes in flight gets the next connection closed; a member still joins", async () => {
  const cluster = await simCluster(5, ["a"], {}, 10_000);
  try {
    const a = cluster.nodes[0]!;
    const attacker = cluster.net.host("attacker");
    const open = async (): Promise<{ conn: Conn; closed: Promise<string> }> => {
      const conn = await attacker.connect(a.url);
      const closed = new Promise<string>((resolve) => conn.setHandlers(() => {}, resolve));
      return { conn, closed };
    };
    const idle = await Promise.all(Array.from({ length: MAX_HANDSHAKES_PER_ADDRESS }, open));
    const extra = await open();
    assert.match(await extra.closed, /too many handshakes from one address/);
    await waitFor("the refusal in the log", () => cluster.log.some((line) => /handshakes from its address already in flight/.test(line)));
    const b = await cluster.add("b");
    assert.ok(b.id > 0, "b joined through a while the attacker held its slots");
    for (const peer of idle) peer.conn.close("done");
  } finally {
    await cluster.stop();
  }
});
