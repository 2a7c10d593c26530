// A node's log: JSON lines with its name (pino), or readable lines with --pretty.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { prettyLine } from "../host/observe/log.ts";
import { startNodeProcess, stopNodeProcess } from "./helpers/cluster.ts";
import { tempDir } from "./helpers/guests.ts";

test("prettyLine shows time, level, node, text and the other fields; a line that is not JSON passes as it is", () => {
  assert.equal(prettyLine('{"level":40,"time":3723004,"node":"n1","msg":"lost it","pid":5}\n'), '01:02:03.004 WARN  [n1] lost it pid=5\n');
  assert.equal(prettyLine("not json"), "not json\n");
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
    for (const line of lines) {
      const record = JSON.parse(line) as { level: number; time: number; node: string; msg: string };
      assert.equal(record.node, "jsonnode");
      assert.equal(record.level, 30);
      assert.ok(Number.isInteger(record.time) && record.time > 0);
      assert.equal(typeof record.msg, "string");
    }
    assert.ok(lines.some((line) => (JSON.parse(line) as { msg: string }).msg.startsWith("listening at ws://127.0.0.1:")));
    assert.match(pretty.log(), /^\d\d:\d\d:\d\d\.\d{3} INFO  \[prettynode\] joined cluster 'onebox' through ws:\/\/127\.0\.0\.1:\d+ as node 2$/m);
  } finally {
    await Promise.all([stopNodeProcess(pretty), stopNodeProcess(plain)]);
  }
});
