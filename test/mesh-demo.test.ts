import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { onebox } from "./helpers/cli.ts";
import { tempDir } from "./helpers/guests.ts";

test("onebox demo runs mapreduce and ring on a local 3-node cluster and stops it", async () => {
  const dir = tempDir("onebox-demo");
  const basePort = 20_000 + Math.floor(Math.random() * 20_000);
  const result = await onebox(["demo", "--base-port", String(basePort)], dir);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /mapreduce: \d+ words, \d+ distinct, over 3 nodes/);
  for (const node of ["node1", "node2", "node3"]) assert.match(result.stdout, new RegExp(`${node} counted \\d+ words`));
  assert.match(result.stdout, /ring: mean hop [\d.]+ us/);
  assert.match(result.stdout, /NODE\s+PROCESSES\s+WHAT RAN THERE/);
  assert.match(result.stderr, /stopping the cluster/);
  assert.ok(!fs.existsSync(path.join(dir, ".onebox/demo/cluster.json")), "the cluster's state is gone: it was stopped");
  const results = fs.readFileSync(path.join(dir, ".onebox/demo/nodes/node1/results.txt"), "utf8");
  assert.match(results, /fencing token 1\)/, "mapreduce appended its summary under the lock");
});
