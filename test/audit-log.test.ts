import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { AuditLog } from "../host/auth/audit-log.ts";
import { tempDir } from "./helpers/guests.ts";

test("the audit log keeps at most two files of its limit, the newest lines last, each one line", () => {
  const file = path.join(tempDir("onebox-audit"), "audit", "node1.log");
  const limit = 1000;
  const log = new AuditLog(file, limit);
  for (let i = 0; i < 100; i++) log.record({ name: "alice", role: "user" }, "kill", `${i}\nforged line`, "ok");
  const current = fs.readFileSync(file, "utf8");
  const previous = fs.readFileSync(`${file}.1`, "utf8");
  assert.ok(current.length <= limit && previous.length <= limit, `${current.length} and ${previous.length} bytes`);
  assert.match(current.trim().split("\n").at(-1)!, /^\S+Z alice user kill 99\?forged line: ok$/);
  assert.equal(fs.readdirSync(path.dirname(file)).length, 2);
  // A node that restarts appends, counting what is there.
  new AuditLog(file, limit).record({ name: "bob", role: "viewer" }, "run", "x", "refused");
  assert.ok(fs.statSync(file).size <= limit);
});
