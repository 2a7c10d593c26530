// A peer of a lone node process, for the tests that attack one: the node, a channel that
// passed the real handshake with the secret, and the check that the node still serves.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before } from "node:test";
import { DEFAULT_CLUSTER_NAME } from "../../host/cli/cluster-options.ts";
import { Channel, type MsgHandler } from "../../host/transport/channel.ts";
import { realClock } from "../../host/clock/clock.ts";
import { clientHandshake } from "../../host/transport/handshake.ts";
import { WsTransport } from "../../host/transport/ws-transport.ts";
import { startNodeProcess, stopNodeProcess, type NodeProcess } from "./cluster.ts";
import { tempDir } from "./guests.ts";

export interface Target {
  readonly secret: string;
  /** Set once the test file's `before` has run. */
  node: NodeProcess;
}

/** One node process ("node1", founding its own cluster) for this test file, started before its tests and stopped after. */
export function targetNode(secret: string): Target {
  const target = { secret } as Target;
  before(async () => {
    const dir = tempDir("onebox-target");
    const secretFile = path.join(dir, "secret");
    fs.writeFileSync(secretFile, secret);
    target.node = await startNodeProcess("node1", { secretFile, heartbeatMs: 1000, cwd: dir });
  });
  after(async () => {
    await stopNodeProcess(target.node);
  });
  return target;
}

/** A channel to the target that passed the real handshake with the secret, as a client named `name`; `handler` gets what the node sends. */
export async function authenticated(target: Target, name: string, handler: MsgHandler = () => undefined): Promise<Channel> {
  const conn = await new WsTransport().connect(target.node.url);
  const identity = { cluster: DEFAULT_CLUSTER_NAME, name, secret: new TextEncoder().encode(target.secret), log: () => {}, clock: realClock };
  return new Channel(conn, await clientHandshake(identity, conn), handler, () => {});
}

/** The target is up and answers a legitimate call. */
export async function stillServes(target: Target): Promise<void> {
  assert.equal(target.node.child.exitCode, null, target.node.log());
  const channel = await authenticated(target, "checker");
  try {
    const reply = (await channel.call({ nodes: {} })) as { members?: { members: { name: string }[] } };
    assert.deepEqual(reply.members?.members.map((m) => m.name), ["node1"]);
  } finally {
    channel.close("done");
  }
}
