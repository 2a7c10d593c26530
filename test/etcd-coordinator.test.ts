// Locks and names on a real 3-member etcd that the test starts on loopback and stops.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { EtcdCoordinator } from "../host/cluster/etcd/etcd-coordinator.ts";
import { EtcdCluster } from "../host/cluster/etcd/etcd-launcher.ts";
import { EtcdSession } from "../host/cluster/etcd/etcd-session.ts";
import { SysError } from "../host/kernel/errors.ts";
import { tempDir } from "./helpers/guests.ts";

let etcd: EtcdCluster;
const sessions: EtcdSession[] = [];
let clusters = 0;

before(async () => {
  etcd = await EtcdCluster.start({ dir: tempDir("onebox-etcd") });
});

after(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await etcd.stop();
});

interface TestNode {
  readonly session: EtcdSession;
  readonly coordinator: EtcdCoordinator;
  readonly fenced: string[];
}

/** A node's coordination without the rest of the node: a session on its own lease. */
async function node(cluster: string, heartbeatTimeoutMs = 2000): Promise<TestNode> {
  const fenced: string[] = [];
  const session = await EtcdSession.open({ endpoints: etcd.endpoints, cluster, heartbeatTimeoutMs, log: () => {}, onFence: (reason) => fenced.push(reason) });
  sessions.push(session);
  return { session, coordinator: new EtcdCoordinator(session), fenced };
}

const freshCluster = () => `coordinator-test-${process.pid}-${++clusters}`;

async function rejectsWith(work: Promise<unknown>, errno: string): Promise<void> {
  await assert.rejects(work, (error: unknown) => error instanceof SysError && error.errnoName === errno);
}

/** Whether `pid` holds or waits for `lock`, as etcd has it. */
async function claimed(via: TestNode, lock: string, pid: number): Promise<boolean> {
  return (await via.session.client.get(via.session.keys.lockEntry(lock, pid).toString()).string()) !== null;
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test("a lock passes from one node's process to another's with a larger token; try, timeout and unlock errors", async () => {
  const cluster = freshCluster();
  const a = await node(cluster);
  const b = await node(cluster);
  const first = await a.coordinator.lock("L", 101, -1);
  await rejectsWith(b.coordinator.lock("L", 201, 0), "EBUSY");
  await rejectsWith(b.coordinator.lock("L", 202, 100), "ETIMEDOUT");
  await rejectsWith(b.coordinator.unlock("L", 203), "EPERM");
  await rejectsWith(a.coordinator.lock("L", 101, -1), "EDEADLK");
  const waiting = b.coordinator.lock("L", 204, -1);
  // Claims queue in the order etcd creates them: 204's first, then 102's.
  await until("204 to queue", () => claimed(b, "L", 204));
  const third = a.coordinator.lock("L", 102, -1);
  await a.coordinator.unlock("L", 101);
  const second = await waiting;
  assert.ok(second > first, `token ${second} after ${first}`);
  await b.coordinator.unlock("L", 204);
  assert.ok((await third) > second);
  await a.coordinator.unlock("L", 102);
  // The timed-out and refused claims left nothing behind: a try succeeds at once.
  const again = await b.coordinator.lock("L", 205, 0);
  assert.ok(again > second);
  await b.coordinator.unlock("L", 205);
});

test("a process that ends releases its locks and names, and its pending wait answers ESRCH", async () => {
  const cluster = freshCluster();
  const a = await node(cluster);
  const b = await node(cluster);
  const held = await a.coordinator.lock("R", 111, -1);
  await a.coordinator.register("svc", 111);
  const doomed = b.coordinator.lock("R", 211, -1);
  const next = b.coordinator.lock("R", 212, -1);
  await until("two waiters", async () => (await claimed(b, "R", 211)) && (await claimed(b, "R", 212)));
  b.coordinator.releaseAll(211);
  await rejectsWith(doomed, "ESRCH");
  a.coordinator.releaseAll(111);
  const token = await next;
  assert.ok(token > held);
  await until("the name to go", () => b.coordinator.whereis("svc").then(() => false, () => true));
  await b.coordinator.unlock("R", 212);
});

test("wait-for cycles among one node's processes: the lock or the wait that closes one gets EDEADLK", async () => {
  const a = await node(freshCluster());
  const edeadlk = (error: unknown) => error instanceof SysError && error.errnoName === "EDEADLK";
  // 301 holds L and waits for its child 302: 302 asking for L closes the cycle.
  await a.coordinator.lock("L", 301, -1);
  a.coordinator.waitFor(301, 302);
  await rejectsWith(a.coordinator.lock("L", 302, -1), "EDEADLK");
  assert.equal(await claimed(a, "L", 302), false, "a refused lock call leaves no claim");
  a.coordinator.waitDone(301);
  // The other order: 302 waits for L, then 301 waiting for 302 closes the cycle.
  const waiting = a.coordinator.lock("L", 302, -1);
  assert.throws(() => a.coordinator.waitFor(301, 302), edeadlk);
  // Through a grandchild: 301 waits for 303, which waits for 302, which waits for L.
  a.coordinator.waitFor(303, 302);
  assert.throws(() => a.coordinator.waitFor(301, 303), edeadlk);
  a.coordinator.releaseAll(303);
  a.coordinator.waitFor(301, 303);
  await a.coordinator.unlock("L", 301);
  await waiting;
  await a.coordinator.unlock("L", 302);
  a.coordinator.waitDone(301);
});

test("names: registered once, found from any node, owner-checked on unregister", async () => {
  const cluster = freshCluster();
  const a = await node(cluster);
  const b = await node(cluster);
  await a.coordinator.register("db", 121);
  await rejectsWith(b.coordinator.register("db", 221), "EEXIST");
  assert.equal(await b.coordinator.whereis("db"), 121);
  await rejectsWith(b.coordinator.unregister("db", 221), "EPERM");
  await rejectsWith(b.coordinator.whereis("nobody"), "ENOENT");
  await rejectsWith(a.coordinator.register("", 121), "EINVAL");
  await a.coordinator.unregister("db", 121);
  await rejectsWith(a.coordinator.unregister("db", 121), "ENOENT");
  await b.coordinator.register("a/b", 221);
  await rejectsWith(b.coordinator.whereis("a"), "ENOENT");
  // Any string a guest can pass is a name: a lone surrogate, the longest allowed.
  await b.coordinator.register("\uD800x", 222);
  assert.equal(await a.coordinator.whereis("\uD800x"), 222);
  await b.coordinator.register("n".repeat(1024), 223);
  await rejectsWith(b.coordinator.register("n".repeat(1025), 223), "EINVAL");
  await rejectsWith(b.coordinator.lock("l".repeat(1025), 223, 0), "EINVAL");
  assert.ok((await b.coordinator.lock("\uDFFF/..", 224, 0)) > 0n);
});

test("a node whose lease is revoked fences itself; its locks pass on with a larger token and its names vanish", async () => {
  const cluster = freshCluster();
  const a = await node(cluster);
  const b = await node(cluster);
  const token = await a.coordinator.lock("F", 131, -1);
  await a.coordinator.register("leader", 131);
  const waiting = b.coordinator.lock("F", 231, -1);
  await b.session.client.leaseClient.leaseRevoke({ ID: a.session.leaseId });
  assert.ok((await waiting) > token);
  await rejectsWith(b.coordinator.whereis("leader"), "ENOENT");
  await until("a to fence itself", () => a.fenced.length > 0);
  assert.equal(a.session.state, "fenced");
  await rejectsWith(a.coordinator.lock("G", 132, 0), "EHOSTUNREACH");
});

test("one etcd member killed changes nothing; quorum lost fails calls with EHOSTUNREACH, and they work when it is back", async () => {
  const cluster = freshCluster();
  // A TTL long enough to ride out the outage below: etcd's new leader renews every lease.
  const a = await node(cluster, 20_000);
  await etcd.stopMember(0, "SIGKILL");
  const t1 = await a.coordinator.lock("Q", 141, -1);
  await a.coordinator.register("q", 141);
  await a.coordinator.unlock("Q", 141);
  await etcd.stopMember(1, "SIGKILL");
  const started = performance.now();
  await rejectsWith(a.coordinator.lock("Q", 142, -1), "EHOSTUNREACH");
  await rejectsWith(a.coordinator.whereis("q"), "EHOSTUNREACH");
  const failedWithinMs = performance.now() - started;
  assert.ok(failedWithinMs < 2 * 2 * a.session.timing.callTimeoutMs + 5000, `failed after ${failedWithinMs} ms`);
  etcd.startMember(0);
  etcd.startMember(1);
  await etcd.healthy();
  await until("calls to work again", () => a.coordinator.whereis("q").then(() => true, () => false));
  const t2 = await a.coordinator.lock("Q", 143, -1);
  assert.ok(t2 > t1);
  await a.coordinator.unlock("Q", 143);
  assert.equal(a.session.state, "alive");
  assert.deepEqual(a.fenced, []);
});
