// No peer frame can end or jam a node: bad hellos without the secret, failing casts and
// malformed frames with it, a flood of unfinished handshakes. A real node process is the
// target; afterwards it must still serve a legitimate call.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { ABI_VERSION, errno } from "../abi/abi.ts";
import { DEFAULT_CLUSTER_NAME } from "../host/cli/cluster-options.ts";
import { MAX_FILE_CHUNK_BYTES } from "../host/cluster/file-server.ts";
import { MAX_HANDSHAKES_IN_FLIGHT } from "../host/cluster/peers.ts";
import { Channel, MAX_MESSAGE_DATA_BYTES, RemoteError } from "../host/transport/channel.ts";
import { MAX_HANDSHAKE_FRAME_BYTES } from "../host/transport/handshake.ts";
import type { Conn } from "../host/transport/transport.ts";
import { decodeFrame, encodeFrame, type Frame, type Hello } from "../host/transport/wire.ts";
import { WsTransport } from "../host/transport/ws-transport.ts";
import { keyed, runOn, simCluster, waitFor } from "./helpers/cluster.ts";
import { guest } from "./helpers/guests.ts";
import { authenticated, stillServes, targetNode } from "./helpers/peer.ts";

const target = targetNode("hostile peer secret");

/** A raw connection to the node and what it says: every frame, and the reason it closed. */
async function raw(): Promise<{ conn: Conn; frames: Frame[]; closed: Promise<string> }> {
  const conn = await new WsTransport().connect(target.node.url);
  const frames: Frame[] = [];
  const closed = new Promise<string>((resolve) => conn.setHandlers((bytes) => frames.push(decodeFrame(bytes)), resolve));
  return { conn, frames, closed };
}

const hello = (fields: Partial<Hello>): Uint8Array =>
  encodeFrame({ hello: { cluster: DEFAULT_CLUSTER_NAME, abiVersion: ABI_VERSION, nonce: randomBytes(32), name: "attacker", ...fields } });

test("bad hellos are refused inside the handshake, each with one bounded log line", async () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ["an empty nonce", hello({ nonce: new Uint8Array() }), /nonce must be 32 bytes, got 0/],
    ["a short nonce", hello({ nonce: randomBytes(31) }), /nonce must be 32 bytes, got 31/],
    ["an empty name", hello({ name: "" }), /node name must be 1\.\.255 bytes/],
    ["a long name", hello({ name: "n".repeat(300) }), /node name must be 1\.\.255 bytes, got 300/],
    ["a 10 MiB cluster name", hello({ cluster: "c".repeat(10 * 1024 * 1024) }), new RegExp(`handshake frame of \\d+ bytes, over the limit of ${MAX_HANDSHAKE_FRAME_BYTES}`)],
    ["not a hello", encodeFrame({ welcome: {} }), /expected a hello/],
  ];
  for (const [what, frame, reason] of cases) {
    const peer = await raw();
    peer.conn.send(frame);
    await peer.closed;
    const refusal = peer.frames.find((f): f is Extract<Frame, { refuse: unknown }> => "refuse" in f && !!f.refuse);
    assert.ok(refusal, `${what}: refused on the wire`);
    assert.match(refusal.refuse.reason, reason, what);
  }
  await waitFor("the refusals in the node's log", () => /nonce must be 32 bytes, got 0/.test(target.node.log()) && /handshake frame of/.test(target.node.log()));
  const longest = Math.max(...target.node.log().split("\n").map((line) => line.length));
  assert.ok(longest < 400, `a log line of ${longest} chars`);
  await stillServes(target);
});

test("a connection that never finishes its handshake is closed; past the in-flight cap one is closed at once", async () => {
  const idle = await Promise.all(Array.from({ length: MAX_HANDSHAKES_IN_FLIGHT }, raw));
  const extra = await raw();
  assert.match(await extra.closed, /too many handshakes in flight/);
  // The idle ones time out (HANDSHAKE_TIMEOUT_MS) and are refused and closed by the node.
  const reasons = await Promise.all(idle.map((peer) => peer.closed));
  assert.ok(reasons.every((reason) => /handshake timed out/.test(reason)), reasons[0]);
  await stillServes(target);
});

test("with the secret: casts whose handlers fail are dropped and logged, calls get their errno, a malformed frame closes its connection only", async () => {
  const channel = await authenticated(target, "tester");
  const spawn = { moduleHash: "0".repeat(64), moduleNode: "nowhere", argv: [], env: [], ppid: 0, home: "node1", outputSink: 0, memoryPages: 0, ancestors: [] };
  channel.cast({ spawn });
  channel.cast({ fStat: { rel: "no/such/file", follow: true } });
  channel.cast({ lock: { name: "", pid: 1 << 20, timeoutMs: 0 } });
  channel.cast({ send: { from: 1, to: 12345, tag: 1, data: new Uint8Array(4) } });
  const failed = async (body: Parameters<Channel["call"]>[0]): Promise<string> => {
    try {
      await channel.call(body);
      return "ok";
    } catch (error) {
      return (error as RemoteError).errno;
    }
  };
  assert.equal(await failed({ fStat: { rel: "no/such/file", follow: true } }), "EACCES", "file calls are for member nodes");
  assert.equal(await failed({ spawn }), "EHOSTUNREACH");
  assert.notEqual(await failed({ lock: { name: "", pid: 1 << 20, timeoutMs: 0 } }), "ok");
  // A member list that declares the node itself down, from someone who is not the coordinator.
  const verdict = { version: 1e9, members: [{ id: 1, name: "node1", url: target.node.url, state: "down" as const, labels: {}, load: 0 }] };
  channel.cast({ members: verdict });
  assert.equal(await failed({ members: verdict }), "EPERM");
  // More than a frame can carry is refused before it leaves, and the connection goes on.
  assert.equal(await failed({ fWrite: { handle: 1, pos: 0, data: new Uint8Array(MAX_MESSAGE_DATA_BYTES + 1) } }), "EMSGSIZE");
  assert.equal(await failed({ nodes: {} }), "ok");
  // A reply sent as a call is served by no one (frames.ts has no entry for it).
  assert.equal(await failed({ token: { token: "1" } }), "ENOTSUP");
  assert.equal(await failed({ exited: { to: 0, pid: 1, reason: "NORMAL", status: 0, text: "" } }), "ENOTSUP");
  assert.equal(await failed({ recordData: { data: new Uint8Array(4) } }), "ENOTSUP");
  // A record's limit past what a replay reads is refused before anything runs or is held.
  assert.equal(await failed({ run: { module: new Uint8Array(0), argv: ["x"], env: [], node: "", recordLimit: 2 ** 40 } }), "EINVAL");
  assert.equal(await failed({ spawn: { ...spawn, moduleNode: "node1", record: { node: "node1", rel: "r", limit: 2 ** 40 } } }), "EINVAL");
  await waitFor("the dropped casts in the log", () => ["spawn", "fStat", "lock"].every((kind) => new RegExp(`${kind} from tester failed and was dropped`).test(target.node.log())));
  const closed = new Promise((resolve) => channel.onClose(resolve));
  channel.conn.send(new Uint8Array([0xff, 0xff, 0xff, 0x01, 0x02]));
  assert.match(String(await closed), /./);
  await stillServes(target);
});

test("a send over MAX_MESSAGE_BYTES gets EMSGSIZE at the send, locally and to another node, and the next message arrives", async () => {
  const wasm = await guest("bigsend");
  const cluster = await simCluster(3, ["A", "B"]);
  try {
    for (const on of ["A", "B"]) {
      const run = await runOn(cluster.nodes[0]!, wasm, [on]);
      assert.equal((await run.exited).reason, "NORMAL", run.stderr());
      const out = keyed(run.lines());
      assert.equal(out.get("big.send"), String(-errno("EMSGSIZE")), `to ${on}`);
      assert.equal(out.get("after"), "after", `to ${on}`);
    }
  } finally {
    await cluster.stop();
  }
});

test("a guest's 6 MiB write to stdout and to a remote file crosses in modest frames: nothing resets the link", async () => {
  const wasm = await guest("bigsend");
  const cluster = await simCluster(4, ["A", "B"]);
  try {
    const run = await runOn(cluster.nodes[0]!, wasm, ["bigio", "B", "A"]);
    assert.equal((await run.exited).reason, "NORMAL", run.stderr());
    const lines = run.lines();
    assert.ok(lines.some((line) => line.length === 6 * 1024 * 1024 && /^x+$/.test(line)), "the 6 MiB line arrived whole");
    const out = keyed(lines.filter((line) => line.length < 100));
    assert.equal(out.get("big.write"), String(MAX_FILE_CHUNK_BYTES), "a remote write is short at the chunk size, as POSIX allows");
    assert.equal(fs.statSync(path.join(cluster.nodes[0]!.kernel.exportDir.root, "big.txt")).size, MAX_FILE_CHUNK_BYTES);
    assert.equal(out.get("after"), "after");
    assert.ok(!cluster.log.some((line) => /closed|dropped/.test(line)), cluster.log.join("\n"));
  } finally {
    await cluster.stop();
  }
});
