// A guest looping the costliest bulk memory or table instruction of each kind is
// preempted between slices like any loop: another process finishes beside it, the
// event loop turns, and kill stops it. Before bulk instructions were charged by size,
// one slice of such a loop ran for minutes.
import assert from "node:assert/strict";
import { test } from "node:test";
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { guest, tempDir } from "./helpers/guests.ts";
import { TestNode } from "./helpers/node.ts";
import {
  body, BR, CODE, DROP, ELEM, EMPTY, END, EXPORT, exportEntry, FUNC, FUNCREF, funcType, FUNCTION, I32_CONST, LOOP, MEMORY, MEMORY_COPY,
  MEMORY_FILL, MEMORY_INIT, MEMORY_KIND, MISC, REF_NULL, section, sleb, TABLE, TABLE_COPY, TABLE_FILL, TABLE_GROW, TABLE_INIT, TYPE, uleb,
  vec, wasm,
} from "./helpers/wasm-asm.ts";

const KILLED = { status: 137, reason: "KILLED", text: "by the test" } as const;
const PAGES = 256; // 16 MiB
const BYTES = PAGES * 65536;
const ENTRIES = 65536;
const SEGMENT = 4096;

/** A module whose _start loops `op` forever, with a 16 MiB memory, a full table and passive segments. */
function looping(op: number[]): Uint8Array {
  return wasm(
    section(TYPE, [funcType([], [])]),
    section(FUNCTION, [[0]]),
    section(TABLE, [[FUNCREF, 0x00, ...uleb(ENTRIES)], [FUNCREF, 0x00, 0]]),
    section(MEMORY, [[0x00, ...uleb(PAGES)]]),
    section(EXPORT, [exportEntry("_start", FUNC, 0), exportEntry("memory", MEMORY_KIND, 0)]),
    section(ELEM, [[0x01, 0x00, ...vec(new Array(SEGMENT).fill([0]))]]),
    [12, 1, 1], // data count: one segment
    section(CODE, [body([], [LOOP, EMPTY, ...op, BR, 0, END])]),
    section(11, [[0x01, ...uleb(SEGMENT), ...new Array(SEGMENT).fill(1)]]),
  );
}

const attacks: Record<string, number[]> = {
  "memory.fill": [I32_CONST, 0, I32_CONST, 0, I32_CONST, ...sleb(BYTES), MISC, MEMORY_FILL, 0],
  "memory.copy": [I32_CONST, 0, I32_CONST, ...sleb(BYTES / 2), I32_CONST, ...sleb(BYTES / 2), MISC, MEMORY_COPY, 0, 0],
  "memory.init": [I32_CONST, 0, I32_CONST, 0, I32_CONST, ...sleb(SEGMENT), MISC, MEMORY_INIT, 0, 0],
  "table.grow": [REF_NULL, FUNCREF, I32_CONST, ...sleb(10_000), MISC, TABLE_GROW, 1, DROP],
  "table.fill": [I32_CONST, 0, REF_NULL, FUNCREF, I32_CONST, ...sleb(ENTRIES), MISC, TABLE_FILL, 0],
  "table.copy": [I32_CONST, 0, I32_CONST, 1, I32_CONST, ...sleb(ENTRIES - 1), MISC, TABLE_COPY, 0, 0],
  "table.init": [I32_CONST, 0, I32_CONST, 0, I32_CONST, ...sleb(SEGMENT), MISC, TABLE_INIT, 0, 0],
};

for (const [name, op] of Object.entries(attacks)) {
  test(`a guest looping ${name} is preempted between slices and can be killed`, async () => {
    const node = new TestNode();
    const file = path.join(tempDir(), `${name}.wasm`);
    fs.writeFileSync(file, looping(op));
    const attacker = await node.start(file);
    await sleep(5); // resolves only if the attacker lets the event loop turn
    const ticker = await node.start(await guest("sched"), ["tick"]);
    assert.equal((await ticker.exited).reason, "NORMAL");
    assert.deepEqual(ticker.lines(), ["tick 1", "tick 2", "tick 3"]);
    assert.ok(node.kernel.procs.has(attacker.proc.pid), `the ${name} loop is still running`);
    node.kernel.terminate(attacker.proc, KILLED);
    assert.deepEqual(await attacker.exited, KILLED);
    node.shutdown();
  });
}
