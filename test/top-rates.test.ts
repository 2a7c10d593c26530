// top's rates: CPU share and syscalls per second between two samples, on the node's clock.
import assert from "node:assert/strict";
import { test } from "node:test";
import { topRow } from "../host/cli/top-command.ts";
import type { ProcInfo } from "../host/transport/wire.ts";

const info = (uptimeMs: number, cpuTimeNs: number, syscalls: number): ProcInfo => ({
  pid: 5, node: "n", ppid: 0, state: "running", module: "m", uptimeMs, memoryBytes: 65536, cpuTimeNs, syscalls, mailboxDepth: 2,
});

test("a process that ran half of a 2 s interval is at 50% CPU; calls per second over the same interval", () => {
  const row = topRow(info(3000, 1.5e9, 9000), { uptimeMs: 1000, cpuTimeNs: 0.5e9, syscalls: 1000 });
  assert.equal(row.cpuPercent, 50);
  assert.equal(row.syscallsPerSecond, 4000);
  assert.equal(row.cpuTimeNs, 1.5e9);
  assert.equal(row.mailboxDepth, 2);
});

test("a process new since the last sample is measured from its start; no time passed is no rate", () => {
  assert.equal(topRow(info(200, 0.05e9, 10), undefined).cpuPercent, 25);
  assert.equal(topRow(info(200, 0.05e9, 10), undefined).syscallsPerSecond, 50);
  const still = topRow(info(100, 1e6, 5), { uptimeMs: 100, cpuTimeNs: 1e6, syscalls: 5 });
  assert.equal(still.cpuPercent, 0);
  assert.equal(still.syscallsPerSecond, 0);
});
