// Each node measures its event loop's delay and `onebox nodes` shows it per node.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { onebox } from "./helpers/cli.ts";
import { startNodeProcess, stopNodeProcess, type NodeProcess } from "./helpers/cluster.ts";
import { tempDir } from "./helpers/guests.ts";

const dir = tempDir("onebox-loop-delay");
const secretFile = path.join(dir, "secret");
const nodes: NodeProcess[] = [];
const cli = (...args: string[]) => onebox([...args, "--cluster", nodes[0]!.url, "--secret-file", secretFile], dir);

interface Listed {
  name: string;
  state: string;
  loopP99Us?: number;
  loopMaxUs?: number;
}

before(async () => {
  fs.writeFileSync(secretFile, "loop delay test secret");
  nodes.push(await startNodeProcess("node1", { secretFile, heartbeatMs: 300, cwd: dir }));
  nodes.push(await startNodeProcess("node2", { join: nodes[0]!.url, secretFile, heartbeatMs: 300, cwd: dir }));
});

after(async () => {
  await Promise.all(nodes.map(stopNodeProcess));
});

test("onebox nodes shows each node's event-loop delay, p99 and max, from its heartbeats", async () => {
  // Every node's loop is late by something once it has beaten: wait for both to report.
  let listed: Listed[] = [];
  for (let tries = 0; ; tries++) {
    listed = JSON.parse((await cli("nodes", "--json")).stdout) as Listed[];
    if (listed.length === 2 && listed.every((m) => (m.loopMaxUs ?? 0) > 0)) break;
    assert.ok(tries < 200, `no delay figures reported: ${JSON.stringify(listed)}`);
  }
  for (const m of listed) {
    assert.equal(m.state, "alive");
    assert.ok(Number.isInteger(m.loopP99Us) && m.loopP99Us! <= m.loopMaxUs!, `${m.name}: p99 ${m.loopP99Us} max ${m.loopMaxUs}`);
  }
  const table = await cli("nodes");
  assert.equal(table.code, 0);
  assert.match(table.stdout, /LOOP P99\s+LOOP MAX/);
  assert.match(table.stdout, /node2\s+alive\s+\d+\s+\d+\.\dms\s+\d+\.\dms/);
});
