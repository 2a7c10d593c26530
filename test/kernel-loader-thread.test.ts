// Big modules are instrumented and compiled on the node's loader thread: they load and
// run as any other, and a bad one is refused with the same one-line reason.
import assert from "node:assert/strict";
import { test } from "node:test";
import { compileCore, instrumentFor, ModuleError, OFF_THREAD_BYTES } from "../host/kernel/module-cache.ts";
import { DEFAULT_LIMITS } from "../host/kernel/kernel.ts";
import { TestNode } from "./helpers/node.ts";
import { bigCoreModule } from "./helpers/wasm-asm.ts";

test("a module over the threshold loads on the loader thread and runs", async () => {
  const bytes = bigCoreModule(2 * OFF_THREAD_BYTES);
  assert.ok(bytes.length >= OFF_THREAD_BYTES);
  const node = new TestNode();
  // A Buffer, as a file read gives: the loader must not take its memory away.
  const given = Buffer.from(bytes);
  const module = await node.kernel.modules.load(given);
  assert.equal(given.length, bytes.length, "the caller's bytes are left as they were");
  assert.ok(Buffer.from(module.bytes).equals(Buffer.from(bytes)));
  assert.equal(module.memories.length, 1);
  const proc = node.kernel.startRoot({ module, argv: ["big"], env: [], output: { write: () => {} } });
  assert.equal((await node.kernel.whenExited(proc.pid)).reason, "NORMAL");
});

test("a bad module over the threshold is refused with the reason it would get on the event loop", async () => {
  const bytes = bigCoreModule(2 * OFF_THREAD_BYTES);
  bytes[bytes.length - 3] = 0xff; // an opcode no proposal defines, in the last body
  const inline = await compileCore(bytes, DEFAULT_LIMITS).then(() => undefined, (e: unknown) => e);
  assert.ok(inline instanceof ModuleError);
  assert.throws(() => instrumentFor(bytes, DEFAULT_LIMITS), ModuleError);
  const node = new TestNode();
  await assert.rejects(node.kernel.modules.load(bytes), (e: unknown) => e instanceof ModuleError && e.message === inline.message && !e.message.includes("\n"));
});
