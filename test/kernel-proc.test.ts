import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { errno, EXIT_REASONS } from "../abi/abi.ts";
import { guest } from "./helpers/guests.ts";
import { TestNode } from "./helpers/node.ts";

const R = (name: keyof typeof EXIT_REASONS) => EXIT_REASONS[name].code;
const E = (name: Parameters<typeof errno>[0]) => -errno(name);

test("spawn, exit, wait, kill, monitor, sleep and yield, with their errors", async () => {
  const node = new TestNode();
  const parent = await node.start(await guest("proc"));
  const info = await parent.exited;
  const lines = parent.lines();
  assert.equal(info.reason, "NORMAL", parent.stderr());
  assert.deepEqual(lines, [
    "ppid=0",
    `child.args=${parent.proc.pid}|a b|`,
    "child.env=K=V|EMPTY=",
    "child.ppid-is-parent=true",
    `spawn.args=0/${R("NORMAL")}`,
    `exit=7/${R("NORMAL")}`,
    `proc_exit=5/${R("NORMAL")}`,
    `return=0/${R("NORMAL")}`,
    `trap=134/${R("TRAP")}`,
    `kill-self=137/${R("KILLED")}`,
    "kill=0",
    `kill.wait=137/${R("KILLED")}`,
    `kill.gone=${E("ESRCH")}`,
    "wait-any=1,2,3",
    `wait-any.none-left=${E("ECHILD")}`,
    `wait.not-child=${E("ECHILD")}`,
    `monitor=true true ${R("TRAP")} unreachable`,
    `demonitor.fired=${E("EINVAL")}`,
    `monitor.noproc=true ${R("NOPROC")}`,
    "demonitor=0",
    `demonitor.again=${E("EINVAL")}`,
    `demonitor.no-down=${E("EAGAIN")}`,
    `sleep.negative=${E("EINVAL")}`,
    "sleep=0",
    "yield=0",
    "sched_yield=0",
    `spawn.missing=${E("ENOENT")}`,
    `spawn.not-wasm=${E("ENOEXEC")}`,
    `spawn.other-node=${E("EHOSTUNREACH")}`,
    `kill.no-such=${E("ESRCH")}`,
  ]);
  assert.equal(node.kernel.procs.size, 0, "every child ended");
});

test("the operator can end a process blocked in a call", async () => {
  const node = new TestNode();
  const sleeper = await node.start(await guest("proc"), ["sleep"]);
  await new Promise((resolve) => setImmediate(resolve));
  node.kernel.terminate(sleeper.proc, { status: 137, reason: "KILLED", text: "by the test" });
  assert.deepEqual(await sleeper.exited, { status: 137, reason: "KILLED", text: "by the test" });
});

test("every process has the same fields in the same order, whichever optional ones its start gave it", async () => {
  const node = new TestNode();
  try {
    const module = await node.kernel.modules.load(fs.readFileSync(await guest("env")));
    const output = { write: () => {} };
    const input = { read: () => new Uint8Array(0), ready: () => true, whenReady: async () => {} };
    const bare = node.kernel.startRoot({ module, argv: ["bare"], env: [], output });
    const full = node.kernel.startRoot({ module, argv: ["full"], env: [], output, owner: "alice", memoryPages: 64, monotonicFloorMs: 5, input });
    // The same keys in the same order is the same hidden class: an entry that reads a
    // process's fields then compiles one load for each, not a dispatch over shapes.
    assert.deepEqual(Object.keys(full), Object.keys(bare));
    assert.equal(full.owner, "alice");
    assert.equal(bare.owner, undefined);
    for (const proc of [bare, full]) assert.equal((await node.kernel.whenExited(proc.pid)).reason, "NORMAL");
  } finally {
    node.shutdown();
  }
});
