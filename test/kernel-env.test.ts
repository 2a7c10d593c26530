import assert from "node:assert/strict";
import { test } from "node:test";
import { errno } from "../abi/abi.ts";
import { guest } from "./helpers/guests.ts";
import { fields, TestNode } from "./helpers/node.ts";

test("args, environ, clocks, random, stdout and stderr (WASI preview1 errnos)", async () => {
  const node = new TestNode();
  const { info, lines, stderr } = await node.run(await guest("env"), ["x", "y z"], ["HOME=/", "EMPTY="]);
  assert.equal(info.reason, "NORMAL", stderr);
  const got = fields(lines);
  assert.equal(got.get("args"), "x|y z");
  assert.equal(got.get("environ"), "HOME=/|EMPTY=");
  assert.equal(got.get("monotonic"), "true");
  assert.ok(Math.abs(Number(got.get("wall")) - Date.now() / 1000) < 3600, `wall clock ${got.get("wall")}`);
  assert.equal(got.get("clock_res"), "0 true");
  assert.equal(got.get("clock.bad"), `${errno("EINVAL")} ${errno("EINVAL")}`);
  assert.equal(got.get("random.differs"), "true");
  assert.equal(got.get("fdstat"), `0 2 ${errno("EBADF")}`, "stdout is a character device; fd 7 is not stdio");
  assert.equal(got.get("fd_write.bad-fd"), String(errno("EBADF")));
  assert.equal(stderr, "to stderr\n");
});
