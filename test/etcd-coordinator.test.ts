// Locks and names on a real 3-member etcd that the test starts on loopback and stops.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { EtcdCoordinator } from "../host/cluster/etcd/etcd-coordinator.ts";
import { EtcdCluster } from "../host/cluster/etcd/etcd-launcher.ts";
import { EtcdSession } from "../host/cluster/etcd/etcd-session.ts";
import { SysError } from "../host/kernel/errors.ts";
import { LamportClock } from "../host/kernel/journal/lamport.ts";
import { PID_SERIAL_BITS } from "../host/kernel/pid.ts";
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
  readonly lamport: LamportClock;
  /** The pid of this node's process number `serial`. */
  readonly pid: (serial: number) => number;
}

let nodeIds = 0;

/** A node's coordination without the rest of the node: a session on its own lease. */
async function node(cluster: string, heartbeatTimeoutMs = 2000): Promise<TestNode> {
  const fenced: string[] = [];
  const session = await EtcdSession.open({ endpoints: etcd.endpoints, cluster, heartbeatTimeoutMs, log: () => {}, onFence: (reason) => fenced.push(reason) });
  sessions.push(session);
  const id = ++nodeIds;
  const lamport = new LamportClock();
  return { session, coordinator: new EtcdCoordinator(session, id, lamport), fenced, lamport, pid: (serial) => id * 2 ** PID_SERIAL_BITS + serial };
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

/** Whether `pid` has a wait-for edge in etcd. */
async function waits(via: TestNode, pid: number): Promise<boolean> {
  return (await via.session.client.get(via.session.keys.wait(pid).toString()).string()) !== null;
}

/** Wait-for edges left in etcd. */
async function edges(via: TestNode): Promise<number> {
  return (await via.session.client.getAll().prefix(via.session.keys.waitsPrefix.toString()).keys()).length;
}

test("wait-for cycles across nodes: the lock or the wait that closes one gets EDEADLK; edges go when the waits end", async () => {
  const cluster = freshCluster();
  const a = await node(cluster);
  const b = await node(cluster);
  const [parent, grandchild] = [a.pid(1), a.pid(2)];
  const child = b.pid(1);
  // parent (node a) holds L and waits for its child on node b: the child asking for L closes the cycle.
  await a.coordinator.lock("L", parent, -1);
  await a.coordinator.waitFor(parent, child);
  await rejectsWith(b.coordinator.lock("L", child, -1), "EDEADLK");
  await until("the refused lock call's claim to go", async () => !(await claimed(a, "L", child)));
  a.coordinator.waitDone(parent);
  // Until its delete reaches etcd, the ended wait's edge still counts (docs/ARCHITECTURE.md).
  await until("the parent's edge to go", async () => !(await waits(a, parent)));
  // The other order: the child waits for L, then the parent waiting for it closes the cycle.
  const waiting = b.coordinator.lock("L", child, -1);
  await until("the child's edge", () => waits(b, child));
  await rejectsWith(a.coordinator.waitFor(parent, child), "EDEADLK");
  a.coordinator.waitDone(parent);
  // Through a grandchild on node a: parent -> grandchild -> child -> L, held by parent.
  await a.coordinator.waitFor(grandchild, child);
  await rejectsWith(a.coordinator.waitFor(parent, grandchild), "EDEADLK");
  a.coordinator.waitDone(parent);
  a.coordinator.releaseAll(grandchild);
  await until("the grandchild's edge to go", async () => !(await waits(a, grandchild)));
  await a.coordinator.waitFor(parent, grandchild);
  a.coordinator.waitDone(parent);
  // A release on node a hands L to node b through etcd, and b's clock passes a's.
  for (let i = 0; i < 500; i++) a.lamport.tick();
  const releasedAt = a.lamport.now;
  await a.coordinator.unlock("L", parent);
  await waiting;
  assert.ok(b.lamport.now > releasedAt, `the grant's node is at ${b.lamport.now}, the release was at ${releasedAt}`);
  await b.coordinator.unlock("L", child);
  await until("every edge to go", async () => (await edges(a)) === 0);
});

test("no phantom deadlock: a holder that unlocks and at once waits for the process waiting behind it is not refused", async () => {
  const cluster = freshCluster();
  const a = await node(cluster);
  const b = await node(cluster);
  for (let round = 1; round <= 5; round++) {
    const [holder, waiter] = [a.pid(round), b.pid(round)];
    await a.coordinator.lock("P", holder, -1);
    const waiting = b.coordinator.lock("P", waiter, -1);
    await until("the waiter's edge", () => waits(b, waiter));
    // The waiter's edge to the holder is stale from the unlock on, until the waiter reads again.
    await a.coordinator.unlock("P", holder);
    await a.coordinator.waitFor(holder, waiter);
    await waiting;
    await b.coordinator.unlock("P", waiter);
    a.coordinator.waitDone(holder);
  }
  await until("every edge to go", async () => (await edges(a)) === 0);
});

test("a cycle longer than one page of edges is found: the check reads the graph a page at a time at one revision", async () => {
  const cluster = freshCluster();
  const a = await node(cluster);
  const b = await node(cluster);
  // 400 processes, alternating nodes, each waiting for the next: two pages of 256 edges.
  // Written one at a time: what is tested is the paged read, and many calls at once (even 40)
  // outlasted etcd's call deadline on a loaded CI machine, opening the client's circuit breaker.
  const length = 400;
  const chain = Array.from({ length }, (_, i) => (i % 2 === 0 ? a : b).pid(i + 1));
  const on = (i: number) => (i % 2 === 0 ? a : b).coordinator;
  for (let i = 0; i < length - 1; i++) await on(i).waitFor(chain[i]!, chain[i + 1]!);
  await rejectsWith(on(length - 1).waitFor(chain[length - 1]!, chain[0]!), "EDEADLK");
  chain.forEach((pid, i) => on(i).waitDone(pid));
  await until("every edge to go", async () => (await edges(a)) === 0);
});

test("a lock-lock cycle across nodes, both sides closing at once: at least one is refused, never both left waiting", async () => {
  const cluster = freshCluster();
  const a = await node(cluster);
  const b = await node(cluster);
  let exactlyOne = 0;
  for (let round = 1; round <= 5; round++) {
    const [p, q] = [a.pid(round), b.pid(round)];
    await Promise.all([a.coordinator.lock("X", p, -1), b.coordinator.lock("Y", q, -1)]);
    const outcome = (work: Promise<bigint>) => work.then(() => "granted", (error: unknown) => (error instanceof SysError ? error.errnoName : String(error)));
    const calls = [outcome(a.coordinator.lock("Y", p, -1)), outcome(b.coordinator.lock("X", q, -1))];
    // Whoever is refused lets go of what it holds, so the other side is granted.
    const first = await Promise.race(calls.map((c, i) => c.then((what) => ({ what, i }))));
    assert.equal(first.what, "EDEADLK", `round ${round}: the first answer`);
    await (first.i === 0 ? a.coordinator.unlock("X", p) : b.coordinator.unlock("Y", q));
    const other = await calls[1 - first.i]!;
    assert.match(other, /^(granted|EDEADLK)$/, `round ${round}`);
    if (other === "EDEADLK") await (first.i === 0 ? b.coordinator.unlock("Y", q) : a.coordinator.unlock("X", p));
    else {
      exactlyOne++;
      a.coordinator.releaseAll(p);
      b.coordinator.releaseAll(q);
    }
  }
  assert.ok(exactlyOne >= 1, "etcd orders the two edges' transactions: mostly exactly one side is refused");
  await until("every edge to go", async () => (await edges(a)) === 0);
});

test("names: registered once, found from any node (its clock moved past the register), owner-checked on unregister", async () => {
  const cluster = freshCluster();
  const a = await node(cluster);
  const b = await node(cluster);
  for (let i = 0; i < 300; i++) a.lamport.tick();
  const registeredAt = a.lamport.now;
  await a.coordinator.register("db", 121);
  await rejectsWith(b.coordinator.register("db", 221), "EEXIST");
  assert.equal(await b.coordinator.whereis("db"), 121);
  assert.ok(b.lamport.now > registeredAt, `whereis moved its node's clock past the register's (${b.lamport.now} vs ${registeredAt})`);
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
