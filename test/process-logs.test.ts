// A node's kept process output: a ring per process, a node-wide budget, ended logs kept
// for a bounded count and time, and followers told of each write and of the end.
import assert from "node:assert/strict";
import { test } from "node:test";
import { exitInfo, SysError } from "../host/kernel/errors.ts";
import { CHUNK_OVERHEAD_BYTES, ProcessLogs } from "../host/cluster/process-logs.ts";
import { VirtualClock } from "../host/clock/virtual-clock.ts";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (logs: ProcessLogs, pid: number): string => Buffer.concat(logs.read(pid)!.chunks.map((c) => c.data)).toString();

test("a process's log is a ring: the newest output is kept in order, the oldest dropped and counted", () => {
  const clock = new VirtualClock();
  const logs = new ProcessLogs(() => clock.now(), { processBytes: 10 * (10 + CHUNK_OVERHEAD_BYTES) });
  for (let i = 0; i < 100; i++) logs.write(7, i % 2 ? 2 : 1, bytes(`line ${String(i).padStart(4, "0")}\n`));
  const view = logs.read(7)!;
  assert.equal(text(logs, 7), Array.from({ length: 10 }, (_, k) => `line ${String(90 + k).padStart(4, "0")}\n`).join(""));
  assert.deepEqual(view.chunks.map((c) => c.fd), [1, 2, 1, 2, 1, 2, 1, 2, 1, 2]);
  assert.equal(view.dropped, 900);
  assert.equal(view.exit, undefined);
  assert.ok(logs.bytes <= logs.limits.processBytes);
});

test("one write bigger than the ring keeps its tail, as a copy", () => {
  const clock = new VirtualClock();
  const logs = new ProcessLogs(() => clock.now(), { processBytes: 1000 });
  const big = bytes("x".repeat(5000) + "the end");
  logs.write(1, 1, big);
  const [chunk] = logs.read(1)!.chunks;
  assert.ok(text(logs, 1).endsWith("the end"));
  assert.equal(chunk!.data.byteLength + CHUNK_OVERHEAD_BYTES, 1000);
  assert.notEqual(chunk!.data.buffer, big.buffer, "the dropped head's buffer is not kept alive");
});

test("over the node's budget, ended logs go first (oldest first), then the writer's own oldest output", () => {
  const clock = new VirtualClock();
  const chunk = 100 + CHUNK_OVERHEAD_BYTES;
  const logs = new ProcessLogs(() => clock.now(), { processBytes: 4 * chunk, nodeBytes: 8 * chunk });
  const hundred = (c: string) => bytes(c.repeat(100));
  for (const pid of [1, 2]) {
    for (let i = 0; i < 3; i++) logs.write(pid, 1, hundred("a"));
    logs.exited(pid, exitInfo("NORMAL", "returned", 0));
  }
  logs.write(3, 1, hundred("b"));
  logs.write(3, 1, hundred("b"));
  assert.equal(logs.bytes, 8 * chunk, "at the budget, nothing goes");
  logs.write(3, 1, hundred("b"));
  assert.equal(logs.read(1), undefined, "the first to end went first");
  assert.ok(logs.read(2), "the second is still within budget");
  assert.equal(logs.bytes, 6 * chunk);
  for (let i = 0; i < 3; i++) logs.write(4, 1, hundred("d"));
  assert.equal(logs.read(2), undefined);
  for (let i = 0; i < 4; i++) logs.write(5, 1, hundred("e"));
  assert.equal(logs.bytes, 8 * chunk);
  assert.equal(logs.read(5)!.dropped, 200, "with only live logs left, the writer's own oldest went");
  assert.equal(logs.read(5)!.chunks.length, 2);
  assert.equal(logs.read(3)!.chunks.length, 3, "others' live logs are untouched");
});

test("ended logs are kept up to their count and their age, and followers see each write and the end", async () => {
  const clock = new VirtualClock();
  const logs = new ProcessLogs(() => clock.now(), { endedKept: 2, endedKeptMs: 1000, followers: 1 });
  const seen: string[] = [];
  const stop = logs.follow(9, { output: (fd, data) => seen.push(`${fd}:${Buffer.from(data)}`), ended: (info) => seen.push(`end ${info.status}`) });
  assert.throws(() => logs.follow(9, { output: () => {}, ended: () => {} }), (e: unknown) => e instanceof SysError && e.errnoName === "EAGAIN");
  logs.write(9, 1, bytes("one"));
  logs.write(9, 2, bytes("two"));
  logs.exited(9, exitInfo("NORMAL", "exit", 3));
  logs.write(9, 1, bytes("never seen: a new process under a reused pid"));
  stop();
  assert.deepEqual(seen, ["1:one", "2:two", "end 3"]);
  assert.equal(logs.read(9)!.exit, undefined, "the reused pid's log is a fresh one");
  for (const pid of [10, 11, 12]) {
    logs.write(pid, 1, bytes(`pid ${pid}`));
    logs.exited(pid, exitInfo("KILLED", "killed"));
  }
  assert.equal(logs.read(10), undefined, "past the count");
  assert.equal(logs.read(11)!.exit?.reason, "KILLED");
  await clock.run(clock.now() + 1000);
  assert.equal(logs.read(11), undefined, "past the age");
  assert.equal(logs.read(12), undefined);
  assert.ok(logs.read(9), "a live process's log does not age");
});
