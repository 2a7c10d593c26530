// `onebox cluster up --etcd` / `cluster down` and `node start --etcd` as an operator runs them.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { isRunning } from "../host/background-process.ts";
import type { ClusterState } from "../host/cli/cluster-options.ts";
import { onebox } from "./helpers/cli.ts";
import { tempDir } from "./helpers/guests.ts";
import { freePorts } from "./helpers/ports.ts";

test("cluster up --etcd starts a local etcd and nodes on it; cluster down stops both", async () => {
  const dir = tempDir("onebox-etcd-cli");
  const up = await onebox(["cluster", "up", "--etcd", "--nodes", "2", "--base-port", String(await freePorts(2))], dir);
  const state = JSON.parse(fs.readFileSync(path.join(dir, ".onebox", "cluster.json"), "utf8")) as ClusterState;
  const pids = [...state.nodes, ...(state.etcd ?? [])].map((p) => p.pid);
  try {
    assert.equal(up.code, 0, up.stderr);
    assert.equal(up.stdout.trim(), state.url);
    assert.equal(state.etcd?.length, 3);
    assert.ok(pids.every(isRunning));
    const nodes = await onebox(["nodes", "--json"], dir);
    const listed = JSON.parse(nodes.stdout) as { name: string; state: string }[];
    assert.deepEqual(listed.map((m) => `${m.name}=${m.state}`).sort(), ["node1=alive", "node2=alive"]);
    assert.match(fs.readFileSync(path.join(dir, ".onebox", "logs", "node2.log"), "utf8"), /on etcd as node \d+/);
  } finally {
    const down = await onebox(["cluster", "down"], dir);
    assert.equal(down.code, 0, down.stderr);
  }
  assert.ok(!pids.some(isRunning), "a node or etcd member outlived cluster down");
  assert.ok(!fs.existsSync(path.join(dir, ".onebox", "cluster.json")));
});

test("node start: --etcd and --join exclude each other, an unreachable etcd is one line, and --help tells of --etcd", async () => {
  const dir = tempDir("onebox-etcd-cli");
  const both = await onebox(["node", "start", "--name", "a", "--listen", "127.0.0.1:0", "--etcd", "http://127.0.0.1:9", "--join", "ws://127.0.0.1:9"], dir);
  assert.notEqual(both.code, 0);
  assert.match(both.stderr, /--etcd and --join exclude each other/);
  const secretFile = path.join(dir, "secret");
  fs.writeFileSync(secretFile, "etcd cli secret", { mode: 0o600 });
  const nowhere = await onebox(["node", "start", "--name", "a", "--listen", "127.0.0.1:0", "--root", path.join(dir, "a"), "--secret-file", secretFile, "--insecure", "--etcd", `http://127.0.0.1:${await freePorts(2)}`], dir);
  assert.notEqual(nowhere.code, 0);
  assert.match(nowhere.stderr, /^onebox: node a: etcd at http:\/\/127\.0\.0\.1:\d+: .*\n$/m);
  assert.match((await onebox(["node", "start", "--help"], dir)).stdout, /--etcd URL/);
  assert.match((await onebox(["cluster", "--help"], dir)).stdout, /--etcd/);
});
