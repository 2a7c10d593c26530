// The causal merge alone (host/trace/trace-merge.ts): its bound on held records.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { JournalPage, JournalRecord } from "../host/kernel/journal/journal-reader.ts";
import { causalOrder, TraceMerge } from "../host/trace/trace-merge.ts";

function record(node: string, seq: number, lamport: number): JournalRecord {
  return { node, seq, pid: 1, call: "getpid", args: "", result: 1, errno: "", startMs: 0, durationUs: 0, lamport, msg: "" };
}

/** A page of `count` records of `node` from sequence `from`, Lamport times from `lamport`, with its horizon. */
function page(node: string, from: number, count: number, lamport: number, horizon: number): JournalPage {
  const records = Array.from({ length: count }, (_, i) => record(node, from + i, lamport + i));
  return { node, records, next: from + count, lost: 0, horizon };
}

test("the merge holds records back while a horizon is below them, and lets them out in order once it passes", () => {
  const merge = new TraceMerge();
  assert.deepEqual(merge.round([page("a", 0, 5, 10, 15), page("b", 0, 0, 0, 12)]).map((r) => r.lamport), [10, 11]);
  const rest = merge.round([page("a", 5, 0, 0, 15), page("b", 0, 2, 12, 20)]);
  assert.deepEqual(rest.map((r) => [r.node, r.lamport]), [["a", 12], ["b", 12], ["a", 13], ["b", 13], ["a", 14]]);
  assert.equal(merge.early, 0);
});

test("a stuck horizon holds at most maxHeld records: the oldest come out in order, with one warning naming the node", () => {
  const warnings: string[] = [];
  const merge = new TraceMerge({}, { maxHeld: 100, warn: (line) => warnings.push(line) });
  // Node "stuck" answers, but its horizon stays at 5 while node "busy" writes on.
  const shown: JournalRecord[] = [];
  let seq = 0;
  for (let round = 0; round < 10; round++) {
    shown.push(...merge.round([page("busy", seq, 40, 10 + seq, 10 + seq + 40), page("stuck", 0, 0, 0, 5)]));
    seq += 40;
  }
  // 400 records came; 100 wait for the stuck node; 300 were let out early, in causal order.
  assert.equal(shown.length, 300);
  assert.equal(merge.early, 300);
  for (let i = 1; i < shown.length; i++) assert.ok(causalOrder(shown[i - 1]!, shown[i]!) < 0, `record ${i} is in order`);
  assert.deepEqual(shown.map((r) => r.seq), Array.from({ length: 300 }, (_, i) => i));
  assert.equal(warnings.length, 1, "one warning for the whole episode");
  assert.match(warnings[0]!, /over 100 records wait for stuck's journal \(its horizon stays at 5\)/);

  // The stuck node catches up: the held records come out normally, and a later episode warns again.
  const caught = merge.round([page("busy", seq, 0, 0, 10 + seq), page("stuck", 0, 0, 0, 10_000)]);
  assert.deepEqual(caught.map((r) => r.seq), Array.from({ length: 100 }, (_, i) => 300 + i));
  merge.round([page("busy", seq, 150, 10 + seq, 10 + seq + 150), page("stuck", 0, 0, 0, 5)]);
  assert.equal(warnings.length, 2);
  assert.equal(merge.early, 350);
});

test("a final round lets everything out, past the bound or not", () => {
  const merge = new TraceMerge({}, { maxHeld: 10 });
  assert.equal(merge.round([page("a", 0, 8, 1, 0)]).length, 0);
  assert.equal(merge.round([page("a", 8, 4, 9, 0)], true).length, 12);
  assert.equal(merge.early, 0);
  assert.throws(() => new TraceMerge({}, { maxHeld: 0 }), /positive integer/);
});

test("a page from another journal of a node (it restarted under its name) starts its cursor over, with one warning", () => {
  const warnings: string[] = [];
  const merge = new TraceMerge({}, { warn: (line) => warnings.push(line) });
  merge.round([{ ...page("b", 0, 50, 1, 100), journal: "first" }]);
  assert.equal(merge.cursors.b, 50);
  assert.equal(merge.journals.b, "first");
  // The new journal starts at 0: without its identity this would be a journal going back.
  assert.throws(() => new TraceMerge().round([page("b", 0, 5, 1, 10), page("b", 0, 2, 1, 10)]), /went back/);
  const again = merge.round([{ ...page("b", 0, 3, 200, 300), journal: "second" }]);
  assert.deepEqual(again.map((r) => r.seq), [0, 1, 2]);
  assert.equal(merge.cursors.b, 3);
  assert.equal(merge.journals.b, "second");
  assert.equal(merge.restarts, 1);
  assert.deepEqual(warnings, ["trace: b restarted (a new journal): following it from its start"]);
});
