import assert from "node:assert/strict";
import { errno, FLAGS } from "../abi/abi.ts";
import { test } from "node:test";
import { LockTable } from "../host/kernel/lock-table.ts";
import { RecentExits } from "../host/kernel/recent-exits.ts";
import { exitInfo, SysError } from "../host/kernel/errors.ts";
import { VirtualClock } from "../host/clock/virtual-clock.ts";
import { keyed } from "./helpers/cluster.ts";
import { guest } from "./helpers/guests.ts";
import { LINK_REPORT } from "./helpers/links-report.ts";
import { TestNode } from "./helpers/node.ts";

test("links on one node: proc_link, unlink, trap_exit, spawn_opt, LINKED ends", async () => {
  const node = new TestNode();
  const result = await node.run(await guest("links"), ["main"]);
  assert.equal(result.info.reason, "NORMAL", result.stderr);
  assert.deepEqual(Object.fromEntries(keyed(result.lines)), LINK_REPORT);
  assert.equal(node.kernel.procs.size, 0, "every child ended");
});

test("wait in the wait-for graph on one node: whichever call closes the cycle gets EDEADLK", async () => {
  const node = new TestNode();
  const result = await node.run(await guest("links"), ["deadlock-local"]);
  assert.equal(result.info.reason, "NORMAL", result.stderr);
  assert.deepEqual(Object.fromEntries(keyed(result.lines)), { "deadlock.wait-closes": "parent", "deadlock.lock-closes": "descendant" });
  const again = await node.run(await guest("links"), ["deadlock"]);
  assert.deepEqual(Object.fromEntries(keyed(again.lines)), { "deadlock.pair": "descendant", "deadlock.chain": "descendant", "deadlock.killed": "137/1", "deadlock.none": "0/0" }, again.stderr);
});

test("MAX_LINKS: the link past it is EAGAIN, for proc_link and spawn_opt, and unlink makes room", async () => {
  const node = new TestNode({ descendants: 2000 });
  const result = await node.run(await guest("links"), ["linkmany"]);
  assert.equal(result.info.reason, "NORMAL", result.stderr);
  assert.deepEqual(Object.fromEntries(keyed(result.lines)), {
    "linkmany.first-refused": `${FLAGS.limits.MAX_LINKS.value} ${errno("EAGAIN")}`,
    "linkmany.spawn-opt": String(-errno("EAGAIN")),
    "linkmany.after-unlink": "0",
  });
  assert.equal(node.kernel.procs.size, 0, "every child ended");
});

test("lock table: a wait edge joins lock waits in one cycle check, and leaves with waitDone or releaseAll", () => {
  const locks = new LockTable(new VirtualClock());
  const edeadlk = (run: () => unknown) => assert.throws(run, (e: unknown) => e instanceof SysError && e.errnoName === "EDEADLK");
  // 1 holds L and waits for child 2; 2 asking for L closes the cycle.
  assert.equal(locks.acquire("L", 1, -1), 1n);
  locks.waitFor(1, 2);
  edeadlk(() => locks.acquire("L", 2, -1));
  // Through a third: 2 waits for its child 3, which asks for L.
  locks.waitFor(2, 3);
  edeadlk(() => locks.acquire("L", 3, -1));
  locks.waitDone(1);
  const granted = locks.acquire("L", 3, -1);
  assert.ok(granted instanceof Promise, "no cycle once 1 stopped waiting: 3 queues for L");
  // And the other order: 1 waiting for 2 while 3 (2's child) waits for L closes it.
  edeadlk(() => locks.waitFor(1, 2));
  locks.releaseAll(2);
  locks.waitFor(1, 2);
  locks.releaseAll(1);
  return granted.then((token) => assert.equal(token, 2n));
});

test("recent exits: bounded, oldest forgotten first, a reused pid forgotten", () => {
  const recent = new RecentExits(2);
  recent.ended(1, exitInfo("TRAP", "a"));
  recent.ended(2, exitInfo("KILLED", "b"));
  recent.ended(3, exitInfo("NORMAL", "c", 0));
  assert.equal(recent.get(1), undefined);
  assert.equal(recent.get(2)?.reason, "KILLED");
  recent.started(3);
  assert.equal(recent.get(3), undefined);
});
