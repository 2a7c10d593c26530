// Process capability sets (host/kernel/capabilities.ts) on one node: a child confined by
// its parent's childcap cannot leave its namespace subtree, spawn, or take locks and
// names outside its prefixes, and cannot widen its set for its own children; a child
// limited to killing its children cannot kill its sibling, while its parent still can.
import assert from "node:assert/strict";
import { test } from "node:test";
import { errno } from "../abi/abi.ts";
import { confinedLines } from "./helpers/caps.ts";
import { guest } from "./helpers/guests.ts";
import { TestNode } from "./helpers/node.ts";

const E = (name: Parameters<typeof errno>[0]) => -errno(name);


test("a child narrowed to /data read-only, no spawn, and lock and name prefixes is held to it, and cannot widen it", async () => {
  const node = new TestNode();
  try {
    const { info, lines, stderr } = await node.run(await guest("caps"), ["confine"]);
    assert.equal(info.reason, "NORMAL", stderr);
    assert.deepEqual(lines, confinedLines());
  } finally {
    node.shutdown();
  }
});

test("a child limited to killing its own children gets EPERM for its sibling; its parent kills its own child", async () => {
  const node = new TestNode();
  try {
    const { info, lines, stderr } = await node.run(await guest("caps"), ["killer"]);
    assert.equal(info.reason, "NORMAL", stderr);
    assert.deepEqual(lines, [`sibling=${E("EPERM")} own=0`, "parent-kill=0"]);
  } finally {
    node.shutdown();
  }
});
