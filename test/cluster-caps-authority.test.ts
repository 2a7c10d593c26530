// A capability set travels with a spawn to another node (Spawn.authority): on real node
// processes, a child its parent on node1 confined, spawned on node2, is held there to the
// same namespace subtree (served by node1), spawn ban and lock and name prefixes, and
// cannot widen them for its own children; and a capability capgive hands it from node1
// arrives with the TAG_CAP message, no wider than the giver's.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { onebox } from "./helpers/cli.ts";
import { confinedLines, givenLines } from "./helpers/caps.ts";
import { startNodeProcess, stopNodeProcess, type NodeProcess } from "./helpers/cluster.ts";
import { guest, tempDir } from "./helpers/guests.ts";

test("a child confined on node1 and spawned on node2 keeps its capability set there; capgive reaches it there", async () => {
  const dir = tempDir("onebox-caps");
  const secretFile = path.join(dir, "secret");
  fs.writeFileSync(secretFile, "caps authority secret");
  const nodes: NodeProcess[] = [];
  try {
    nodes.push(await startNodeProcess("node1", { secretFile, heartbeatMs: 500, cwd: dir }));
    nodes.push(await startNodeProcess("node2", { join: nodes[0]!.url, secretFile, heartbeatMs: 500, cwd: dir }));
    const run = await onebox(["run", "--cluster", nodes[0]!.url, "--secret-file", secretFile, "--on", "node1", await guest("caps"), "confine", "node2"], dir);
    assert.equal(run.code, 0, run.stderr);
    // The parent's line and the remote child's come back by different paths: compare as sets.
    assert.deepEqual(run.stdout.split("\n").filter(Boolean).sort(), confinedLines().sort());
    assert.equal(fs.readFileSync(path.join(dir, "node1", "data", "in.txt"), "utf8"), "in", "the read-only file is unchanged");
    assert.equal(fs.existsSync(path.join(dir, "node1", "data", "new.txt")), false, "nothing was created in the read-only subtree");

    // capgive across nodes: the taker on node2 is handed node1's /data read-only.
    const give = await onebox(["run", "--cluster", nodes[0]!.url, "--secret-file", secretFile, "--on", "node1", await guest("caps"), "give", "node2"], dir);
    assert.equal(give.code, 0, give.stderr);
    assert.deepEqual(give.stdout.split("\n").filter(Boolean).sort(), givenLines("node1").sort());
  } finally {
    await Promise.all(nodes.map(stopNodeProcess));
  }
});
