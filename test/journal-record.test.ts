// The journal's record as written by the hot path and decoded at read time: Lamport times
// and starts from the side rings, a spawn's reserved row, the ring lapping it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { readJournal } from "../host/kernel/journal/journal-reader.ts";
import { SYSCALLS } from "../abi/abi.ts";
import { BUFFER_ARG, callIndexOf, FLAG_COMPONENT, HEAD, Journal, LAYOUTS, MAX_JOURNAL_RECORDS, ringCapacity, whoOf } from "../host/kernel/journal/journal.ts";
import { LamportClock } from "../host/kernel/journal/lamport.ts";
import { DURATION, JOURNAL_PREFIX, PEER, PEER_LAMPORT, PREFIX_LEN, RESULT, ROW_BYTES, START, WHO } from "../host/kernel/journal/row-layout.ts";
import { SeqLog } from "../host/kernel/journal/seq-log.ts";
import { Kernel } from "../host/kernel/kernel.ts";
import { guest, tempDir } from "./helpers/guests.ts";
import { startCaptured } from "./helpers/node.ts";

const GETPID = callIndexOf("getpid");
const SPAWN = callIndexOf("spawn");

test("a side ring gives each sequence number the last value noted at or before it, over a lap", () => {
  const log = new SeqLog(4, 0, 10);
  log.note(0, 11); // the same sequence number: overwritten, not a new entry
  log.note(3, 20);
  log.note(5, 30);
  log.note(9, 40);
  assert.equal(log.at(3), 20);
  assert.equal(log.at(4), 20);
  assert.equal(log.at(8), 30);
  assert.equal(log.at(100), 40);
  assert.deepEqual([log.since(4), log.since(8), log.since(9), log.since(100)], [3, 5, 9, 9]);
  log.note(12, 50); // the entry at 0 is gone: 0..2 are older than the ring
  assert.throws(() => log.at(2), /older than its side ring/);
  assert.throws(() => log.note(11, 0), /after one at 12/);
  assert.throws(() => new SeqLog(0, 0, 0), RangeError);
});

test("records' Lamport times follow the clock's ticks and moves without being stored", () => {
  const clock = new LamportClock();
  clock.observe(6); // before the journal: the journal adopts the clock at 7
  const journal = new Journal(8, clock);
  const pid = 1 << 20 | 3;
  journal.returned(whoOf(pid, GETPID), pid); // 8
  journal.returned(whoOf(pid, GETPID), pid); // 9
  assert.equal(clock.tick(), 10); // a guest's lamport read
  journal.returned(whoOf(pid, GETPID), pid); // 11
  clock.observe(50); // a peer's stamp: 51
  clock.observe(20); // below the clock: no move
  journal.returned(whoOf(pid, GETPID), pid); // 52
  const page = readJournal(journal, "n", 0);
  assert.deepEqual(page.records.map((r) => [r.seq, r.lamport, r.pid, r.call, r.result]), [
    [0, 8, pid, "getpid", pid],
    [1, 9, pid, "getpid", pid],
    [2, 11, pid, "getpid", pid],
    [3, 52, pid, "getpid", pid],
  ]);
  assert.equal(clock.now, 52);
  assert.equal(page.horizon, 53);
  for (let i = 0; i < 20; i++) journal.returned(whoOf(pid, GETPID), pid);
  const lapped = readJournal(journal, "n", 4);
  assert.equal(lapped.lost, 16 - 4);
  assert.deepEqual(lapped.records.map((r) => r.lamport), Array.from({ length: 8 }, (_, i) => 65 + i));
});

test("a call that did not wait starts at its turn's: the last note, or the end of a wait its wake-up recorded", () => {
  const journal = new Journal(16, new LamportClock());
  const [a, b] = [1 << 20 | 1, 1 << 20 | 2];
  const RECV = callIndexOf("recv");
  journal.turn(100); // a's turn, noted
  journal.returned(whoOf(a, GETPID), a); // 0
  journal.resumed(whoOf(b, RECV), 5, 90, 120); // 1: b's turn starts at its recv's end, not noted
  journal.returned(whoOf(b, GETPID), b); // 2
  journal.turn(130); // a's turn, noted
  journal.returned(whoOf(a, GETPID), a); // 3
  const spawn = journal.reserve(whoOf(a, SPAWN)); // 4
  journal.settle(spawn, 7, 135, 145); // a spawn's reply fills its older row: it marks no turn
  journal.returned(whoOf(a, GETPID), a); // 5
  journal.resumed(whoOf(b, RECV, FLAG_COMPONENT), 5, 141, 150); // 6: a component's wait marks no turn
  journal.returned(whoOf(a, GETPID), a); // 7
  const starts = (from: number) => readJournal(journal, "n", from).records.map((r) => [r.seq, Math.round(r.startMs - performance.timeOrigin)]);
  const all = [[0, 100], [1, 90], [2, 120], [3, 130], [4, 135], [5, 130], [6, 141], [7, 130]];
  assert.deepEqual(starts(0), all);
  // A read from the middle of a turn finds its start behind it.
  for (let from = 1; from < all.length; from++) assert.deepEqual(starts(from), all.slice(from), `read from ${from}`);
});

test("a spawn's row is reserved at its start: readers stop there until it is filled, dropped or lapped", () => {
  const clock = new LamportClock();
  const journal = new Journal(4, clock);
  const pid = 2 << 20 | 1;
  journal.returned(whoOf(pid, GETPID), pid); // 1
  const spawn = journal.reserve(whoOf(pid, SPAWN)); // 2
  journal.returned(whoOf(pid, GETPID), pid); // 3
  const held = readJournal(journal, "n", 0);
  assert.deepEqual(held.records.map((r) => r.lamport), [1]);
  assert.equal(held.next, spawn, "the next read starts at the reserved row");
  assert.equal(held.horizon, 2, "nothing later can come below the spawn's start");
  const at = journal.settle(spawn, 77, 5, 9);
  assert.ok(at >= 0);
  const filled = readJournal(journal, "n", held.next);
  assert.deepEqual(filled.records.map((r) => [r.call, r.lamport, r.result, r.durationUs]), [["spawn", 2, 77, 4000], ["getpid", 3, pid, 0]]);
  assert.equal(filled.horizon, 4);

  const dropped = journal.reserve(whoOf(pid, SPAWN)); // 4
  journal.drop(dropped);
  journal.returned(whoOf(pid, GETPID), pid); // 5
  assert.deepEqual(readJournal(journal, "n", filled.next).records.map((r) => r.lamport), [5], "a dropped spawn leaves no record");

  const lapped = journal.reserve(whoOf(pid, SPAWN)); // 6
  for (let i = 0; i < 4; i++) journal.returned(whoOf(pid, GETPID), pid);
  assert.equal(journal.settle(lapped, 78), -1, "the ring lapped its row: the late record is dropped");
  assert.equal(journal.horizon, clock.now + 1);
  assert.throws(() => journal.settle(lapped, 78), /no spawn reserved/);
});

test("--journal N keeps at least N records: the ring rounds up to a power of two, whose row is the count's low bits", () => {
  assert.deepEqual([1, 2, 3, 100, 128, 129, 16_384, 1 << 20].map(ringCapacity), [1, 2, 4, 128, 128, 256, 16_384, 1 << 20]);
  const clock = new LamportClock();
  const journal = new Journal(100, clock);
  assert.equal(journal.capacity, 128);
  const pid = 3 << 20 | 1;
  // Past 2^32 records the count's int32 keeps its low bits: the row stays the count modulo the ring.
  for (const seq of [0, 127, 128, 300, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 5]) assert.equal(journal.rowOf(seq), journal.rowOf(seq % 128), `record ${seq}`);
  for (let i = 0; i < 300; i++) journal.returned(whoOf(pid, GETPID), i);
  const page = readJournal(journal, "n", 0);
  assert.equal(page.lost, 300 - 128);
  assert.deepEqual(page.records.map((r) => r.result), Array.from({ length: 128 }, (_, i) => 300 - 128 + i));
  assert.throws(() => new Journal(0, new LamportClock()), RangeError);
  assert.throws(() => new Journal(MAX_JOURNAL_RECORDS + 1, new LamportClock()), RangeError);
});

test("every call's record fits its row: its fields, arguments and prefix never overlap, 8-byte values on 8 bytes", () => {
  for (const [call, def] of SYSCALLS.entries()) {
    const layout = LAYOUTS[call]!;
    const taken = new Map<number, string>();
    const claim = (name: string, from: number, bytes: number) => {
      assert.ok(from >= 0 && from + bytes <= ROW_BYTES, `${def.name}: ${name} at byte ${from} is outside a ${ROW_BYTES}-byte row`);
      if (bytes === 8) assert.equal(from % 8, 0, `${def.name}: ${name} at byte ${from} is not 8-aligned`);
      for (let b = from; b < from + bytes; b++) {
        assert.equal(taken.get(b), undefined, `${def.name}: ${name} and ${taken.get(b)} share byte ${b}`);
        taken.set(b, name);
      }
    };
    claim("who", WHO * 8, 8);
    claim("result", RESULT * 8, 8);
    def.params.forEach((param, i) => claim(param.name, layout.wide[i] ? layout.slots[i]! * 8 : layout.slots[i]! * 4, layout.wide[i] ? 8 : 4));
    if (BUFFER_ARG[call]! >= 0) {
      claim("prefix length", PREFIX_LEN * 4, 4);
      assert.equal(layout.prefix % 8, 0, `${def.name}'s prefix is copied as doubles`);
      claim("prefix", layout.prefix, JOURNAL_PREFIX);
    } else assert.equal(layout.prefix, -1);
    if (def.blocking) {
      claim("start", START * 8, 8);
      claim("duration", DURATION * 8, 8);
    }
    if (def.name === "recv") {
      claim("peer", PEER * 4, 4);
      claim("peer's Lamport time", PEER_LAMPORT * 8, 8);
    }
  }
  assert.equal((HEAD * 8) % 64, 0, "rows start on a cache line when the array does");
});

test("a record decodes the arguments its guest passed: an i64 whole, nine arguments, a message's prefix both sides", async () => {
  const kernel = new Kernel({ nodeId: 1, nodeName: "local", root: tempDir("onebox-journal"), journal: 64 });
  try {
    const before = performance.timeOrigin + performance.now();
    const started = await startCaptured(kernel, await guest("journal-args"));
    assert.equal((await started.exited).reason, "NORMAL", started.stderr());
    const after = performance.timeOrigin + performance.now();
    assert.deepEqual(started.lines().map((l) => l.split("=")[0]), ["seek", "path_open", "child", "recv"]);
    const child = Number(started.lines()[2]!.split("=")[1]);
    const records = readJournal(kernel.journal!, "local", 0).records;
    const of = (pid: number, call: string) => records.find((r) => r.pid === pid && r.call === call)!;
    const parent = started.proc.pid;
    assert.equal(of(parent, "seek").args, `fd=99, offset=${0x123_4567_89ab}, whence=0, pos_ptr=0x0`);
    assert.equal(of(parent, "path_open").args, `fd=99, dirflags=1, path="some/dir/file.txt", oflags=4, rights_base=${0x7_0000_0001}, rights_inheriting=${0x5_0000_0003}, fdflags=2, fd_ptr=0x0`);
    const text = "a message longer than the journal's prefix of forty-eight bytes";
    const shown = `${JSON.stringify(text.slice(0, JOURNAL_PREFIX))}...`;
    const send = of(child, "send");
    assert.equal(send.args, `pid=${parent}, tag=7, data=${text.length}B ${shown}`);
    const recv = of(parent, "recv");
    assert.ok(recv.lamport > send.lamport, "the recv's record is its wake-up's, after the send");
    assert.match(recv.args, new RegExp(`^tags_ptr=0x[1-9a-f][0-9a-f]*, tags_count=1, timeout_ms=-1, buf=${text.length}B ${escape(shown)}, info_ptr=0x[1-9a-f][0-9a-f]*$`));
    assert.equal(recv.result, text.length);
    assert.equal(recv.msg, send.msg, "the recv names the send it took");
    // Each record's start: its turn's for a call that did not wait, else its suspension's.
    for (const r of records) assert.ok(r.startMs >= before && r.startMs + r.durationUs / 1000 <= after, `${r.call} of ${r.pid} started at ${r.startMs - before} ms`);
    assert.ok(of(parent, "path_open").startMs >= of(parent, "seek").startMs);
    const woke = recv.startMs + recv.durationUs / 1000;
    assert.ok(recv.startMs <= send.startMs && send.startMs <= woke + 1e-3, `the child sent at ${send.startMs - recv.startMs} ms into the recv's ${recv.durationUs / 1000} ms wait`);
    // The wake-up's recv record is the turn's only mark: the parent's next call starts where it ended.
    const next = records.find((r) => r.pid === parent && r.seq > recv.seq)!;
    assert.ok(Math.abs(next.startMs - woke) < 1e-3, `${next.call} after the recv started ${next.startMs - woke} ms from its end`);
  } finally {
    kernel.shutdown();
  }
});

test("a recv shows a message sent on its node by its send's record, or says the ring no longer keeps it", async () => {
  const kernel = new Kernel({ nodeId: 1, nodeName: "local", root: tempDir("onebox-journal"), journal: 64 });
  try {
    for (const [getpids, shown] of [[0, '"to itself"'], [70, "(its send's record is no longer kept)"]] as const) {
      const started = await startCaptured(kernel, await guest("journal-args"), ["self", String(getpids)]);
      assert.equal((await started.exited).reason, "NORMAL", started.stderr());
      assert.deepEqual(started.lines(), ["recv=9"]);
      const records = readJournal(kernel.journal!, "local", 0).records.filter((r) => r.pid === started.proc.pid);
      const recv = records.find((r) => r.call === "recv")!;
      assert.match(recv.args, new RegExp(`^tags_ptr=0x[1-9a-f][0-9a-f]*, tags_count=1, timeout_ms=0, buf=9B ${escape(shown)}, info_ptr=0x[1-9a-f][0-9a-f]*$`));
      assert.match(recv.msg, new RegExp(`^${started.proc.pid}@[1-9][0-9]*$`));
      const send = records.find((r) => r.call === "send");
      assert.equal(send?.msg, getpids === 0 ? recv.msg : undefined, "the send is kept, or lapped with the getpids");
    }
  } finally {
    kernel.shutdown();
  }
});

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
