// A process's fd 0 buffer: bounded, read in order to its end, every read reported back.
import assert from "node:assert/strict";
import { test } from "node:test";
import { InputBuffer } from "../host/kernel/input-buffer.ts";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array): string => new TextDecoder().decode(data);

test("input is read in order across chunks, says when it is full, reports what was taken, and ends", async () => {
  const taken: number[] = [];
  const input = new InputBuffer((n) => taken.push(n), 7);
  assert.equal(input.ready(), false);
  const pending = input.read(3);
  assert.ok(pending instanceof Promise, "a read with nothing buffered waits");
  assert.equal(input.push(bytes("abcd")), true);
  assert.equal(text(await pending), "abc");
  assert.equal(input.push(bytes("efgh")), true);
  assert.equal(input.push(bytes("ij")), false, "at capacity: the source must pause");
  assert.equal(input.buffered, 7);
  assert.equal(text(input.read(100) as Uint8Array), "defghij");
  assert.deepEqual(taken, [3, 7]);
  const waiting = input.whenReady();
  input.end();
  await waiting;
  assert.equal((input.read(10) as Uint8Array).byteLength, 0, "end of file");
  assert.throws(() => input.push(bytes("late")), /after its end/);
});
