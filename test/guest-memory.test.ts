// GuestMemory.peek, the journal's copy of a buffer's first bytes: every bit kept, from
// any alignment, with any length; nothing copied for a range outside memory.
import assert from "node:assert/strict";
import { test } from "node:test";
import { GuestMemory } from "../host/kernel/guest-memory.ts";

/** One page of guest memory filled with a pattern that holds NaNs of every kind at 8-byte steps. */
function patternedMemory(): { memory: WebAssembly.Memory; bytes: Uint8Array } {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const bytes = new Uint8Array(memory.buffer);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37 + 11) & 0xff;
  const words = new DataView(memory.buffer);
  // Signalling and quiet NaNs with payloads, both signs: a copy through doubles that
  // canonicalized them would change these bits.
  const nans = [0x7ff0000000000001n, 0x7ff7ffffdeadbeefn, 0xfff0000012345678n, 0x7ff8000000000000n, 0xffffffffffffffffn, 0xfff4000000000001n];
  nans.forEach((bits, i) => words.setBigUint64(64 + 8 * i, bits, true));
  return { memory, bytes };
}

test("peek copies exactly the bytes asked for, NaN patterns included, from any alignment", () => {
  const { memory, bytes } = patternedMemory();
  const guest = new GuestMemory(memory);
  const target = new Float64Array(16);
  const targetBytes = new Uint8Array(target.buffer);
  // Many rounds, so the copy runs in every tier of the compiler; every alignment meets
  // every length from 0 to 64 (below, at and above the journal's 48-byte prefix, which
  // peek copies unrolled from an aligned pointer).
  for (let round = 0; round < 20_000; round++) {
    const ptr = 64 + (round % 9);
    const len = (round * 7) % 65;
    targetBytes.fill(0xaa);
    assert.equal(guest.peek(ptr, len, targetBytes, target, 8), len);
    for (let i = 0; i < len; i++) if (targetBytes[8 + i] !== bytes[ptr + i]) assert.fail(`round ${round}: byte ${i} of [${ptr}, +${len}) is ${targetBytes[8 + i]}, not ${bytes[ptr + i]}`);
    // Nothing written around the range.
    for (let i = 0; i < 8; i++) assert.equal(targetBytes[i], 0xaa);
    for (let i = 8 + len; i < targetBytes.length; i++) assert.equal(targetBytes[i], 0xaa);
  }
});

test("peek of a range outside memory copies nothing and reports 0, for any pointer", () => {
  const { memory } = patternedMemory();
  const guest = new GuestMemory(memory);
  const target = new Float64Array(8);
  const targetBytes = new Uint8Array(target.buffer);
  for (const [ptr, len] of [[65_536 - 8, 16], [65_536 - 40, 48], [65_536, 1], [-8, 8], [-48, 48], [0xffff_fff8, 48], [2 ** 31, 8]] as const) {
    assert.equal(guest.peek(ptr, len, targetBytes, target, 0), 0, `[${ptr}, +${len})`);
  }
  assert.ok(targetBytes.every((b) => b === 0));
});

test("peek sees memory grown after the first copy", () => {
  // 48 bytes from an aligned pointer is the whole-prefix path, 16 the general one.
  for (const len of [16, 48]) {
    const { memory } = patternedMemory();
    const guest = new GuestMemory(memory);
    const target = new Float64Array(8);
    const targetBytes = new Uint8Array(target.buffer);
    assert.equal(guest.peek(65_536, len, targetBytes, target, 0), 0);
    memory.grow(1);
    new Uint8Array(memory.buffer).fill(7, 65_536, 65_536 + len);
    assert.equal(guest.peek(65_536, len, targetBytes, target, 0), len);
    assert.ok(targetBytes.subarray(0, len).every((b) => b === 7));
    // And again, from the view the first copy after the growth refreshed.
    targetBytes.fill(0);
    assert.equal(guest.peek(65_536, len, targetBytes, target, 0), len);
    assert.ok(targetBytes.subarray(0, len).every((b) => b === 7));
  }
});
