// Per-process memory caps and the node's memory budget: caps set per start share one
// compiled module, a start past the budget fails with EAGAIN, and a process that grows
// past it is ended with a reason that says so while the others go on.
import assert from "node:assert/strict";
import { test } from "node:test";
import fs from "node:fs";
import path from "node:path";
import { setImmediate as turn } from "node:timers/promises";
import { SysError } from "../host/kernel/errors.ts";
import { guest, tempDir } from "./helpers/guests.ts";
import { TestNode } from "./helpers/node.ts";
import {
  body, BR, CODE, DROP, EMPTY, END, EXPORT, exportEntry, FUNC, funcType, FUNCTION, I32_CONST, LOOP, MEMORY, MEMORY_KIND, section, sleb,
  TYPE, wasm,
} from "./helpers/wasm-asm.ts";

const MEMORY_GROW = 0x40;

/** A module that grows its memory by `pages` (as far as its cap lets it) and then spins. */
function hogFile(pages: number): string {
  const file = path.join(tempDir(), `hog-${pages}.wasm`);
  fs.writeFileSync(file, wasm(
    section(TYPE, [funcType([], [])]),
    section(FUNCTION, [[0]]),
    section(MEMORY, [[0x00, 1]]),
    section(EXPORT, [exportEntry("_start", FUNC, 0), exportEntry("memory", MEMORY_KIND, 0)]),
    section(CODE, [body([], [I32_CONST, ...sleb(pages), MEMORY_GROW, 0, DROP, LOOP, EMPTY, BR, 0, END])]),
  ));
  return file;
}

/** Wait (for as long as the test may run) until `condition` holds, letting the node run between looks. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await turn();
}

test("each process gets its own cap from one compiled module; a child inherits its parent's", async () => {
  const node = new TestNode({ memoryPages: 8, maxMemoryPages: 32, memoryBudgetPages: 1000 });
  const file = hogFile(31);
  const bytes = fs.readFileSync(file);
  const module = await node.kernel.modules.load(bytes);
  const pages = (p: { memoryCap: number }) => p.memoryCap;
  const output = { write: () => {} };
  const small = node.kernel.startRoot({ module, argv: [file], env: [], output });
  const large = node.kernel.startRoot({ module, argv: [file], env: [], output, memoryPages: 32 });
  assert.equal(pages(small), 8);
  assert.equal(pages(large), 32);
  // Each grew as far as its own cap let it: the small one's grow failed, the large one's worked.
  await until(() => node.kernel.memoryPagesInUse === 1 + 32);
  const child = await node.kernel.spawnChild(small, { path: "", args: [], env: [], node: "" });
  assert.equal(pages(node.kernel.procs.get(child)!), 8);
  assert.throws(() => node.kernel.startRoot({ module, argv: [file], env: [], output, memoryPages: 33 }), (e: unknown) =>
    e instanceof SysError && e.errnoName === "EINVAL" && /over the node's limit of 32/.test(e.message));
  node.shutdown();
  await until(() => node.kernel.procs.size === 0);
  assert.equal(node.kernel.memoryPagesInUse, 0, "ended processes give their pages back");
});

test("a start past the node's memory budget fails with EAGAIN; a process growing past it is ended, naming it", async () => {
  const node = new TestNode({ memoryPages: 40, maxMemoryPages: 40, memoryBudgetPages: 80 });
  const hog = hogFile(39);
  const first = await node.start(hog);
  const second = await node.start(hog);
  await until(() => node.kernel.memoryPagesInUse === 80);
  await assert.rejects(node.start(hog), (e: unknown) =>
    e instanceof SysError && e.errnoName === "EAGAIN" && e.message.includes("the node's memory budget is spent: 80 of 80 pages in use, the process needs 1"));
  node.kernel.terminate(first.proc, { status: 137, reason: "KILLED", text: "by the test" });
  await first.exited;
  assert.equal(node.kernel.memoryPagesInUse, 40);

  // A small process fits, then one that grows past the budget is ended at its next suspension.
  const ticker = await node.start(await guest("sched"), ["tick"]);
  const third = await node.start(hog);
  const info = await third.exited;
  assert.equal(info.reason, "LIMIT_MEMORY");
  assert.equal(info.status, 137);
  assert.match(info.text, /^over the node's memory budget: \d+ of 80 pages in use after it grew to 40$/);
  assert.equal((await ticker.exited).reason, "NORMAL", "another process went on");
  assert.ok(node.kernel.procs.has(second.proc.pid), "the process within the budget is still running");
  node.shutdown();
});

test("memlimit narrows the cap of the children a guest spawns, never past its own", async () => {
  const node = new TestNode({ memoryPages: 2048, maxMemoryPages: 4096, memoryBudgetPages: 8192 });
  const wasm = await guest("sched");
  // The child grows by 1024 pages: within the parent's 2048, not within 64.
  const inherited = await node.run(wasm, ["limit", "0"]);
  assert.deepEqual(inherited.lines.slice(0, 2).map((l) => l.replace(/grow=\d+/, "grow=N")), ["memlimit=0", "grow=N false"]);
  const narrowed = await node.run(wasm, ["limit", "64"]);
  assert.deepEqual(narrowed.lines.slice(0, 2), ["memlimit=0", "grow=-1 true"]);
  const widened = await node.run(wasm, ["limit", "4096"]);
  assert.equal(widened.lines[0], "memlimit=-28", "EINVAL");
});
