// Fencing tokens at the file's export, on one node: a holder that lost its lock cannot
// write through its fence once a newer holder's token has reached the file.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { errno } from "../abi/abi.ts";
import { FenceTable } from "../host/kernel/fence-table.ts";
import { SysError } from "../host/kernel/errors.ts";
import { keyed, waitFor } from "./helpers/cluster.ts";
import { guest } from "./helpers/guests.ts";
import { TestNode } from "./helpers/node.ts";

const E = (name: Parameters<typeof errno>[0]) => String(-errno(name));

test("an older token is refused after a newer holder wrote, and its write never lands", async () => {
  const wasm = await guest("fenced");
  const node = new TestNode();
  try {
    const file = path.join(node.root, "f.txt");
    const first = await node.start(wasm, ["first", "F", "/f.txt"]);
    await waitFor("the first holder wrote", () => fs.existsSync(file) && fs.statSync(file).size > 0, 120_000);
    const second = await node.start(wasm, ["second", "F", "/f.txt"]);
    const [a, b] = await Promise.all([first.exited, second.exited]);
    assert.equal(a.reason, "NORMAL", first.stderr());
    assert.equal(b.reason, "NORMAL", second.stderr());
    const older = keyed(first.lines());
    const newer = keyed(second.lines());
    const [t1, t2] = [BigInt(older.get("first.token")!), BigInt(newer.get("second.token")!)];
    assert.ok(t2 > t1, `tokens grow: ${t1} then ${t2}`);
    assert.equal(newer.get("write"), "7 7", "the newer holder's writes, the second with the same token, pass");
    assert.equal(older.get("late"), E("ESTALE"));
    assert.equal(newer.get("fence.bad-fd"), E("EBADF"));
    assert.equal(newer.get("fence.empty-name"), E("EINVAL"));
    assert.equal(fs.readFileSync(file, "utf8"), "first\nsecond\nsecond\n");
    assert.equal(node.kernel.exportDir.fences.seen("F"), t2);
  } finally {
    node.shutdown();
  }
});

test("a fence table keeps the newest token per lock and refuses new names when full", () => {
  const table = new FenceTable(2);
  const refused = (lock: string, token: bigint): string | undefined => {
    try {
      table.admit({ lock, token });
      return undefined;
    } catch (error) {
      return (error as SysError).errnoName;
    }
  };
  assert.equal(refused("a", 5n), undefined);
  assert.equal(refused("a", 5n), undefined, "an equal token passes");
  assert.equal(refused("a", 4n), "ESTALE");
  assert.equal(refused("a", 9n), undefined);
  assert.equal(refused("a", 5n), "ESTALE", "refused once a newer token was seen");
  assert.equal(refused("b", 1n), undefined);
  assert.equal(refused("c", 1n), "ENOSPC", "a third name does not fit, and none is forgotten");
  assert.equal(refused("b", 2n), undefined, "names already there still pass");
  assert.equal(table.seen("a"), 9n);
  assert.equal(table.seen("c"), undefined);
});
