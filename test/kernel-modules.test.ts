import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { minimalModuleBytes } from "../bench/floors/modules.ts";
import { SETTLE_MS } from "../host/kernel/export-dir.ts";
import { TestNode } from "./helpers/node.ts";

/** The minimal module with `pages` of memory: same size, different bytes. */
function minimal(pages: number): Uint8Array {
  const bytes = minimalModuleBytes();
  const memorySection = bytes.indexOf(0x05, 8);
  bytes[memorySection + 4] = pages;
  return bytes;
}

test("a module file is read once while unchanged, and again once rewritten", async () => {
  const node = new TestNode();
  const file = path.join(node.root, "m.wasm");
  const ns = { home: node.kernel.nodeName };
  fs.writeFileSync(file, minimal(1));

  // Just written: its timestamps cannot yet tell it from a rewrite in the same tick.
  const fresh = await node.kernel.loadModule(ns, "/m.wasm");
  fs.writeFileSync(file, minimal(2));
  const rewrittenAtOnce = await node.kernel.loadModule(ns, "/m.wasm");
  assert.notEqual(rewrittenAtOnce.hash, fresh.hash);

  await sleep(SETTLE_MS + 100);
  const settled = await node.kernel.loadModule(ns, "/m.wasm");
  assert.equal(settled.hash, rewrittenAtOnce.hash);
  assert.equal(node.kernel.loadModule(ns, "/m.wasm"), settled, "an unchanged file is served from the cache, synchronously");

  fs.writeFileSync(file, minimal(1));
  assert.equal((await node.kernel.loadModule(ns, "/m.wasm")).hash, fresh.hash);
});
