// A child spawned on another node keeps the limits its parent narrowed (Spawn.caps), each
// lowered further to that node's own default, never raised by it; and a capability set's
// spawn labels keep a child's spawns on the nodes that carry them.
import assert from "node:assert/strict";
import { test } from "node:test";
import { errno } from "../abi/abi.ts";
import { runOn, simCluster } from "./helpers/cluster.ts";
import { guest } from "./helpers/guests.ts";

const E = (name: Parameters<typeof errno>[0]) => -errno(name);

test("childlimit's limits travel with a spawn to another node, which lowers them to its defaults", async () => {
  const cluster = await simCluster(11, [], {}, 10_000);
  try {
    const a = await cluster.add("a");
    await cluster.add("b", { limits: { locks: 1 } });
    const run = await runOn(a, await guest("limits"), ["narrow", "b"]);
    assert.equal((await run.exited).reason, "NORMAL", run.stderr());
    assert.deepEqual(run.lines(), [
      `widen=${E("EINVAL")} kind=${E("EINVAL")}`,
      // 3 files as its parent asked; 1 lock, b's default, below the 2 its parent asked.
      `files=3 ${E("EMFILE")}`,
      `locks=1 ${E("ENOLCK")}`,
      `widen=${E("EINVAL")} same=${E("EINVAL")}`,
    ]);
  } finally {
    await cluster.stop();
  }
});

test("a child allowed to spawn only on nodes labelled zone=b is placed there and refused elsewhere (CAP_SPAWN_LABELS)", async () => {
  const cluster = await simCluster(12, [], {}, 10_000);
  try {
    const a = await cluster.add("a", { labels: { zone: "a" } });
    await cluster.add("b", { labels: { zone: "b" } });
    const run = await runOn(a, await guest("caps"), ["labels", "a", "b"]);
    assert.equal((await run.exited).reason, "NORMAL", run.stderr());
    assert.deepEqual(run.lines(), [
      `on-a=${E("EPERM")} zone-a=${E("EPERM")} on-b=true`,
      `placed-on-b=true on-a=${E("ENOENT")}`,
      `widen=${E("EINVAL")} narrow=0`,
    ]);
  } finally {
    await cluster.stop();
  }
});
