// What the node's metrics read from the kernel: every call counted, one in SAMPLE_EVERY of
// each kind timed, starts and ends by reason; with a tracer on too.
import assert from "node:assert/strict";
import { test } from "node:test";
import { exitInfo } from "../host/kernel/errors.ts";
import { SAMPLE_EVERY, syscallIndex } from "../host/kernel/kernel-stats.ts";
import type { TraceEvent } from "../host/kernel/syscalls/dispatch.ts";
import { buildOnce } from "./helpers/guests.ts";
import { TestNode } from "./helpers/node.ts";

const GETPID = syscallIndex("getpid");

test("every call is counted and one in SAMPLE_EVERY is timed into the sampler", async () => {
  const wasm = await buildOnce("bench/guests/syscalls.ts");
  const node = new TestNode();
  try {
    const sampled: TraceEvent[] = [];
    node.kernel.stats.sampler = (event) => void sampled.push(event);
    // The bench guest's null mode: 3 batches of 1000 getpid calls.
    const run = await node.run(wasm, ["null", "3", "1000"]);
    assert.equal(run.info.reason, "NORMAL", run.stderr);
    const stats = node.kernel.stats;
    assert.equal(stats.calls(GETPID), 3000);
    const getpids = sampled.filter((e) => e.call === "getpid");
    assert.equal(getpids.length, Math.floor(3000 / SAMPLE_EVERY));
    assert.ok(getpids.every((e) => e.durationNs >= 0 && e.result > 0), "a timed call carries its result and duration");
    assert.equal(stats.started, 1);
    assert.equal(stats.exits.NORMAL, 1);

    // Tracing on as well: the tracer sees every call, the sampler still its share, the count goes on.
    const traced: TraceEvent[] = [];
    node.kernel.tracer = (event) => void traced.push(event);
    sampled.length = 0;
    const again = await node.run(wasm, ["null", "1", "640"]);
    assert.equal(again.info.reason, "NORMAL", again.stderr);
    assert.equal(stats.calls(GETPID), 3640);
    assert.equal(traced.filter((e) => e.call === "getpid").length, 640);
    // 3000 left the countdown 3000 % 64 = 56 calls into a round; 640 more complete 10 rounds.
    assert.equal(sampled.filter((e) => e.call === "getpid").length, Math.floor(3640 / SAMPLE_EVERY) - Math.floor(3000 / SAMPLE_EVERY));
    assert.equal(stats.started, 2);
    assert.equal(stats.exits.NORMAL, 2);
  } finally {
    node.shutdown();
  }
});

test("an end by kill is counted by its reason", async () => {
  const wasm = await buildOnce("bench/guests/syscalls.ts");
  const node = new TestNode();
  try {
    const started = await node.start(wasm, ["null", "1000000", "1000"]);
    node.kernel.terminate(started.proc, exitInfo("KILLED", "killed by the test"));
    assert.equal((await started.exited).reason, "KILLED");
    assert.equal(node.kernel.stats.exits.KILLED, 1);
    assert.equal(node.kernel.stats.exits.NORMAL, 0);
  } finally {
    node.shutdown();
  }
});
