// A node's log: JSON lines with its name and Lamport time (pino), and the pid of a line
// about a process, or readable lines with --pretty.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import type { LogFields } from "../host/cluster/node.ts";
import { ProcessWarning } from "../host/kernel/errors.ts";
import { logWarnings, prettyLine } from "../host/observe/log.ts";
import { onebox } from "./helpers/cli.ts";
import { startNodeProcess, stopNodeProcess } from "./helpers/cluster.ts";
import { guest, tempDir } from "./helpers/guests.ts";

interface LogLine {
  readonly level: number;
  readonly time: number;
  readonly node: string;
  readonly lamport: number;
  readonly msg: string;
  readonly pid?: number;
}

const DEADLINE_MS = 60_000;

test("prettyLine shows time, level, node, text and the other fields; a line that is not JSON passes as it is", () => {
  assert.equal(prettyLine('{"level":40,"time":3723004,"node":"n1","msg":"lost it","pid":5}\n'), '01:02:03.004 WARN  [n1] lost it pid=5\n');
  assert.equal(prettyLine("not json"), "not json\n");
});

test("the kernel's warning about a process reaches the log with its pid; another warning without one", async () => {
  const warned: [string, LogFields | undefined][] = [];
  logWarnings({ info: () => assert.fail("warnings are warn lines"), warn: (line, fields) => void warned.push([line, fields]) });
  const both = new Promise<void>((resolve) => process.on("warning", () => warned.length === 2 && resolve()));
  process.emitWarning(new ProcessWarning(7, "onebox: getpid from pid 7 failed in the host"));
  process.emitWarning("onebox: a channel's peer sent nonsense");
  await both;
  assert.deepEqual(warned, [["onebox: getpid from pid 7 failed in the host", { pid: 7 }], ["onebox: a channel's peer sent nonsense", undefined]]);
});

test("a node logs JSON lines naming itself, or readable lines with --pretty", async () => {
  const dir = tempDir("onebox-log");
  const secretFile = path.join(dir, "secret");
  fs.writeFileSync(secretFile, "log test secret");
  const plain = await startNodeProcess("jsonnode", { secretFile, heartbeatMs: 500, cwd: dir });
  const pretty = await startNodeProcess("prettynode", { secretFile, heartbeatMs: 500, cwd: dir, args: ["--pretty"], join: plain.url });
  try {
    const lines = plain.log().split("\n").filter(Boolean);
    assert.ok(lines.length >= 2, plain.log());
    let lamport = 0;
    for (const line of lines) {
      const record = JSON.parse(line) as LogLine;
      assert.equal(record.node, "jsonnode");
      assert.ok(Number.isSafeInteger(record.lamport) && record.lamport >= lamport, `Lamport time on every line, never going back: ${line}`);
      lamport = record.lamport;
      assert.ok(record.level === 30 || record.level === 40, `info or warn (--insecure's warning): ${line}`);
      assert.ok(Number.isInteger(record.time) && record.time > 0);
      assert.equal(typeof record.msg, "string");
    }
    assert.ok(lines.some((line) => {
      const record = JSON.parse(line) as { level: number; msg: string };
      return record.level === 30 && record.msg.startsWith("listening at ws://127.0.0.1:");
    }));
    // The test's nodes run --insecure, which a node warns of at level warn (40).
    assert.ok(lines.some((line) => { const r = JSON.parse(line) as { level: number; msg: string }; return r.level === 40 && r.msg.startsWith("--insecure"); }), plain.log());
    assert.match(pretty.log(), /^\d\d:\d\d:\d\d\.\d{3} INFO  \[prettynode\] joined cluster 'onebox' through ws:\/\/127\.0\.0\.1:\d+ as node 2 lamport=\d+$/m);
  } finally {
    await Promise.all([stopNodeProcess(pretty), stopNodeProcess(plain)]);
  }
});

test("a line carries the node's Lamport time, past the frames it took; a line about a process names its pid", async () => {
  const dir = tempDir("onebox-log-lamport");
  const secretFile = path.join(dir, "secret");
  fs.writeFileSync(secretFile, "log test secret");
  const first = await startNodeProcess("first", { secretFile, heartbeatMs: 500, cwd: dir });
  const second = await startNodeProcess("second", { secretFile, heartbeatMs: 500, cwd: dir, join: first.url });
  const cluster = ["--cluster", first.url, "--secret-file", secretFile];
  const lines = (): LogLine[] => first.log().split("\n").filter(Boolean).map((line) => JSON.parse(line) as LogLine);
  try {
    // The join came in frames stamped with second's clock: the line about it is past them.
    const joined = lines().find((l) => l.msg === "node second joined as node 2");
    assert.ok(joined && joined.lamport > 0, first.log());
    assert.equal(joined.pid, undefined, "a line about no process has no pid");

    const started = await onebox(["run", "-d", ...cluster, "--on", "first", await guest("mesh"), "sleep"], dir);
    assert.equal(started.code, 0, started.stderr);
    const pid = Number(started.stdout.trim());
    assert.ok(pid > 0, started.stdout);
    const killed = await onebox(["kill", ...cluster, String(pid)], dir);
    assert.equal(killed.code, 0, killed.stderr);
    let line: LogLine | undefined;
    for (const deadline = performance.now() + DEADLINE_MS; !line && performance.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      line = lines().find((l) => l.msg === `process ${pid} killed by the operator`);
    }
    assert.ok(line, first.log());
    assert.equal(line.pid, pid);
    // The spawn, the guest's calls and the kill all ticked the clock since the join.
    assert.ok(line.lamport > joined.lamport, `${line.lamport} > ${joined.lamport}`);
  } finally {
    await Promise.all([stopNodeProcess(second), stopNodeProcess(first)]);
  }
});
