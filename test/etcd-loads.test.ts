// Loads on a real 3-member etcd started here on loopback: two in-process nodes over real
// WebSockets, one running sleeping processes; the other sees its load through etcd.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { EtcdCluster } from "../host/cluster/etcd/etcd-launcher.ts";
import { ClusterNode } from "../host/cluster/node.ts";
import { exitInfo } from "../host/kernel/errors.ts";
import { WsTransport } from "../host/transport/ws-transport.ts";
import { runOn, SECRET } from "./helpers/cluster.ts";
import { guest, tempDir } from "./helpers/guests.ts";

let etcd: EtcdCluster;
const nodes: ClusterNode[] = [];

before(async () => {
  etcd = await EtcdCluster.start({ dir: tempDir("onebox-etcd-loads") });
});

after(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  await etcd.stop();
});

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function start(name: string): Promise<ClusterNode> {
  const node = await ClusterNode.start({
    name,
    listen: "127.0.0.1:0",
    etcd: etcd.endpoints,
    root: tempDir(`onebox-etcd-loads-${name}`),
    cluster: `loads-${process.pid}`,
    secret: SECRET,
    transport: new WsTransport(),
    log: () => {},
  });
  nodes.push(node);
  return node;
}

test("on etcd a node's load reaches the others, and placement follows it", async () => {
  // Built first: a build holds this process's event loop, which would fence its nodes.
  const wasm = await guest("proc");
  const a = await start("a");
  const b = await start("b");
  await until("each to see the other", () => a.members.get(b.id)?.state === "alive" && b.members.get(a.id)?.state === "alive");
  const sleepers = await Promise.all([1, 2, 3].map(() => runOn(a, wasm, ["sleep"])));
  await until("b to see a's load of 3", () => b.members.get(a.id)?.load === 3);
  assert.equal(b.kernel.router?.place(""), "b", "b, idle, places a spawn on itself rather than on the busy a");
  for (const s of sleepers) a.kernel.end(s.pid, exitInfo("KILLED", "test over"));
  await until("b to see a's load back at 0", () => b.members.get(a.id)?.load === 0);
});
