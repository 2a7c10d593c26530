// The local etcd launcher (cluster up --etcd and the etcd tests) against a real etcd: a
// member whose port another process took between the launcher seeing it free and etcd
// binding it is started again on new ports, which CI once saw fail a test.
import assert from "node:assert/strict";
import net from "node:net";
import path from "node:path";
import { test } from "node:test";
import { EtcdCluster, freePort, memberHealthy } from "../host/cluster/etcd/etcd-launcher.ts";
import { tempDir } from "./helpers/guests.ts";

/** A listening server on loopback: a port some other process holds. */
async function takenPort(): Promise<{ port: number; server: net.Server }> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as net.AddressInfo).port, server };
}

test("a member that finds its port taken is started again on new ports, and the cluster comes up", async () => {
  const taken = await takenPort();
  const handedOut: number[] = [];
  // The first port handed out is one another process holds, as when the race is lost.
  const port = async (host: string) => {
    const next = handedOut.length === 0 ? taken.port : await freePort(host);
    handedOut.push(next);
    return next;
  };
  let etcd: EtcdCluster | undefined;
  try {
    etcd = await EtcdCluster.start({ dir: path.join(tempDir("onebox-etcd-launcher"), "etcd"), members: 1, port });
    const member = etcd.members[0]!;
    assert.equal(handedOut.length, 4, `ports handed out: ${handedOut.join(", ")}`);
    assert.equal(member.clientUrl, `http://127.0.0.1:${handedOut[2]}`);
    assert.notEqual(new URL(member.clientUrl).port, String(taken.port));
    assert.ok(await memberHealthy(member), "the member started on the second try answers /health");
  } finally {
    await etcd?.stop();
    taken.server.close();
  }
});

test("a start that fails for another reason is not retried", async () => {
  const handedOut: number[] = [];
  const port = async () => {
    handedOut.push(70_000);
    return 70_000;
  };
  // No such port: etcd exits at once, for a reason other than a taken port.
  await assert.rejects(EtcdCluster.start({ dir: path.join(tempDir("onebox-etcd-launcher"), "etcd"), members: 1, port }), (error: Error) => {
    assert.match(error.message, /etcd member-1 exited/);
    assert.doesNotMatch(error.message, /address already in use/);
    return true;
  });
  assert.equal(handedOut.length, 2, "one start, two ports");
});
