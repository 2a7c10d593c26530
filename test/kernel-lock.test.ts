import assert from "node:assert/strict";
import { test } from "node:test";
import { errno } from "../abi/abi.ts";
import { guest } from "./helpers/guests.ts";
import { TestNode } from "./helpers/node.ts";

const E = (name: Parameters<typeof errno>[0]) => -errno(name);

test("locks and the name registry, with their errors and release on exit or kill", async () => {
  const node = new TestNode();
  const { info, lines, stderr } = await node.run(await guest("locks"));
  assert.equal(info.reason, "NORMAL", stderr);
  assert.deepEqual(lines, [
    "tokens=true true",
    `relock=${E("EDEADLK")} ${E("EDEADLK")}`,
    "unlock=0",
    `unlock.not-held=${E("EPERM")}`,
    `lock.empty-name=${E("EINVAL")}`,
    `contended=${E("EBUSY")} ${E("ETIMEDOUT")} ${E("EPERM")}`,
    "released-on-kill=true",
    "released-on-exit=true",
    `handed-off=${E("EBUSY")}`,
    "killed-waiter-dropped=true",
    // Exactly one side of the cycle is refused; the other then gets its lock.
    "cycle=true false",
    "mutual-exclusion=80",
    "register=0 true",
    `register.taken=${E("EEXIST")}`,
    `register.empty=${E("EINVAL")}`,
    `unregister.unknown=${E("ENOENT")}`,
    `whereis.unknown=${E("ENOENT")}`,
    "whereis.other=true",
    `unregister.not-mine=${E("EPERM")}`,
    `name-gone-on-kill=${E("ENOENT")}`,
    `name-gone-on-exit=${E("ENOENT")}`,
    `unregister=0 ${E("ENOENT")}`,
  ]);
});
