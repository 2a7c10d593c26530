// `onebox trace --follow` across a node restart, on two real node processes: node2 starts
// again under its name, its journal from 0, and the follower shows its new records from
// the first (its old cursor, past them, would have skipped them).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import type { JournalRecord } from "../host/kernel/journal/journal-reader.ts";
import { onebox, startOnebox } from "./helpers/cli.ts";
import { startNodeProcess, stopNodeProcess, waitFor, type NodeProcess } from "./helpers/cluster.ts";
import { buildOnce, tempDir } from "./helpers/guests.ts";

const dir = tempDir("onebox-trace-restart");
const secretFile = path.join(dir, "secret");
const nodes: NodeProcess[] = [];

after(async () => {
  await Promise.all(nodes.map(stopNodeProcess));
});

/** The complete JSON lines printed so far. */
const parse = (stdout: string): JournalRecord[] =>
  stdout.slice(0, stdout.lastIndexOf("\n") + 1).split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as JournalRecord);

/** The node id a pid names (its high bits). */
const nodeIdOf = (pid: number): number => pid >>> 20;

test("trace --follow sees node2 restart under its name and shows its new journal from its start", async () => {
  fs.writeFileSync(secretFile, "trace restart test secret");
  const heartbeatMs = 300;
  nodes.push(await startNodeProcess("node1", { secretFile, heartbeatMs, cwd: dir }));
  nodes.push(await startNodeProcess("node2", { join: nodes[0]!.url, secretFile, heartbeatMs, cwd: dir }));
  const cluster = ["--cluster", nodes[0]!.url, "--secret-file", secretFile];
  const pingpong = await buildOnce("examples/pingpong/main.ts");

  const follow = startOnebox(["trace", "--follow", "--json", "--node", "node2", ...cluster], dir);
  const records = () => parse(follow.stdout());
  try {
    // Many calls first, so the follower's cursor for node2 is far past what the second run writes.
    const first = await onebox(["run", ...cluster, "--on", "node2", pingpong, "200"], dir);
    assert.equal(first.code, 0, first.stderr);
    await waitFor("the first run's exit in the followed trace", () => records().some((r) => r.call === "wait"), 60_000);
    const oldId = nodeIdOf(records().at(-1)!.pid);
    const oldCursor = Math.max(...records().map((r) => r.seq));
    assert.ok(oldCursor > 100, `the first run left ${oldCursor} records`);

    await stopNodeProcess(nodes[1]!);
    await waitFor("node1 to declare the old node2 down", () => /node node2 \(\d+\) is down/.test(nodes[0]!.log()), 60_000);
    nodes[1] = await startNodeProcess("node2", { join: nodes[0]!.url, secretFile, heartbeatMs, cwd: dir });

    const second = await onebox(["run", ...cluster, "--on", "node2", pingpong, "2"], dir);
    assert.equal(second.code, 0, second.stderr);
    const isNew = (r: JournalRecord) => nodeIdOf(r.pid) !== oldId;
    await waitFor("the restarted node2's records in the followed trace", () => records().some((r) => isNew(r) && r.call === "wait"), 60_000);
    const fresh = records().filter(isNew);
    assert.ok(fresh.every((r) => r.node === "node2"));
    assert.ok(fresh.every((r) => r.seq < oldCursor), "every new record sits below the old cursor: a cursor kept across the restart would have skipped them all");
    // From its journal's start (the second run made its first calls): every record, none skipped.
    const seqs = fresh.map((r) => r.seq).sort((a, b) => a - b);
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i));
    assert.match(follow.stderr(), /onebox: trace: node2 restarted \(a new journal\): following it from its start/);
  } finally {
    follow.child.kill("SIGTERM");
  }
  const ended = await follow.ended;
  assert.equal(ended.code, 0, ended.stderr);
});
