// A seeded module fuzzer over the node's loader: corrupted modules (bulk instructions,
// tables, memories, a _start) go through ModuleCache.load, inline and on the loader
// thread, and then run. A rejection must be a one-line ModuleError; a module that loads
// must start and end (any reason but the host's own error), with the node unharmed.
// ONEBOX_FUZZ_MODULES=N runs N cases (default 300).
import assert from "node:assert/strict";
import { test } from "node:test";
import { ModuleError, OFF_THREAD_BYTES } from "../host/kernel/module-cache.ts";
import { TestNode } from "./helpers/node.ts";
import {
  body, CODE, DROP, EMPTY, END, EXPORT, exportEntry, FUNC, FUNCREF, funcType, FUNCTION, I32_CONST, LOOP, MEMORY, MEMORY_COPY, MEMORY_FILL,
  MEMORY_KIND, MISC, REF_NULL, section, sleb, TABLE, TABLE_FILL, TABLE_GROW, TYPE, wasm, BR_IF, LOCAL_GET, LOCAL_TEE, I32_SUB, I32,
} from "./helpers/wasm-asm.ts";

const CASES = Number(process.env.ONEBOX_FUZZ_MODULES ?? 300);

/** _start: a few bulk instructions, then a short counted loop; returns. */
function seedModule(padding: number): Uint8Array {
  const code = [
    I32_CONST, 0, I32_CONST, 9, I32_CONST, ...sleb(4096), MISC, MEMORY_FILL, 0,
    I32_CONST, 0, I32_CONST, 64, I32_CONST, 32, MISC, MEMORY_COPY, 0, 0,
    REF_NULL, FUNCREF, I32_CONST, 16, MISC, TABLE_GROW, 0, DROP,
    I32_CONST, 0, REF_NULL, FUNCREF, I32_CONST, 8, MISC, TABLE_FILL, 0,
    I32_CONST, 50, LOCAL_TEE, 0, DROP,
    LOOP, EMPTY, LOCAL_GET, 0, I32_CONST, 1, I32_SUB, LOCAL_TEE, 0, BR_IF, 0, END,
  ];
  // Padding functions make the module big enough for the loader thread when asked.
  const filler = body([], new Array(Math.max(0, padding)).fill(0x01)); // nops
  const fillers = padding > 0 ? 4 : 0;
  return wasm(
    section(TYPE, [funcType([], [])]),
    section(FUNCTION, [[0], ...new Array(fillers).fill([0])]),
    section(TABLE, [[FUNCREF, 0x00, 4]]),
    section(MEMORY, [[0x00, 1]]),
    section(EXPORT, [exportEntry("_start", FUNC, 0), exportEntry("memory", MEMORY_KIND, 0)]),
    section(CODE, [body([[1, I32]], code), ...new Array(fillers).fill(filler)]),
  );
}

test(`${CASES} corrupted modules through the loader: one-line refusals or clean runs, never a host error`, async (t) => {
  const node = new TestNode();
  const seeds = [seedModule(0), seedModule(Math.ceil(OFF_THREAD_BYTES / 4))];
  assert.ok(seeds[1]!.length >= OFF_THREAD_BYTES, "the big seed goes to the loader thread");
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let loaded = 0;
  let refused = 0;
  for (let i = 0; i < CASES; i++) {
    // Mostly the small seed (fast); every 25th case the big one, corrupted within its first bytes.
    const base = i % 25 === 0 ? seeds[1]! : seeds[0]!;
    const bytes = base.slice();
    const span = Math.min(bytes.length, seeds[0]!.length);
    for (let k = 1 + Math.floor(random() * 3); k > 0; k--) bytes[8 + Math.floor(random() * (span - 8))] = Math.floor(random() * 256);
    const hex = Buffer.from(bytes.subarray(0, 64)).toString("hex");
    let module;
    try {
      module = await node.kernel.modules.load(bytes);
    } catch (error) {
      assert.ok(error instanceof ModuleError, `case ${i}: ${error} (${hex})`);
      assert.doesNotMatch(error.message, /\n/, `case ${i}`);
      refused++;
      continue;
    }
    loaded++;
    let proc;
    try {
      proc = node.kernel.startRoot({ module, argv: ["fuzz"], env: [], output: { write: () => {} } });
    } catch (error) {
      assert.ok(error instanceof ModuleError, `case ${i}: start threw ${error} (${hex})`);
      continue;
    }
    const ended = node.kernel.whenExited(proc.pid);
    // A corrupted loop bound may spin: end whatever still runs after the node has had a turn.
    setImmediate(() => node.kernel.terminate(proc, { status: 137, reason: "KILLED", text: "fuzz case over" }));
    const info = await ended;
    assert.notEqual(info.reason, "ERROR", `case ${i}: ${info.text} (${hex})`);
  }
  t.diagnostic(`${loaded} loaded, ${refused} refused`);
  assert.ok(loaded > 0 && refused > 0, `both outcomes seen: ${loaded} loaded, ${refused} refused`);
  assert.equal(node.kernel.memoryPagesInUse, 0);
  node.shutdown();
});
