// Process capability sets (host/kernel/capabilities.ts) on one node: a child confined by
// its parent's childcap cannot leave its namespace subtree, spawn, or take locks and
// names outside its prefixes, and cannot widen its set for its own children; a child
// limited to killing its children cannot kill its sibling, while its parent still can;
// and no sequence of narrowings, over generations, widens a set.
import assert from "node:assert/strict";
import { test } from "node:test";
import { errno, FLAGS } from "../abi/abi.ts";
import { FULL_CAPABILITIES, MAX_GRANTS, narrowCapabilities, withGift, within, type Capabilities } from "../host/kernel/capabilities.ts";
import { SysError } from "../host/kernel/errors.ts";
import { confinedLines, givenLines } from "./helpers/caps.ts";
import { guest } from "./helpers/guests.ts";
import { TestNode } from "./helpers/node.ts";

const E = (name: Parameters<typeof errno>[0]) => -errno(name);


test("a child narrowed to /data read-only, no spawn, and lock and name prefixes is held to it, and cannot widen it", async () => {
  const node = new TestNode();
  try {
    const { info, lines, stderr } = await node.run(await guest("caps"), ["confine"]);
    assert.equal(info.reason, "NORMAL", stderr);
    assert.deepEqual(lines, confinedLines());
  } finally {
    node.shutdown();
  }
});

test("a child limited to killing its own children gets EPERM for its sibling; its parent kills its own child", async () => {
  const node = new TestNode();
  try {
    const { info, lines, stderr } = await node.run(await guest("caps"), ["killer"]);
    assert.equal(info.reason, "NORMAL", stderr);
    assert.deepEqual(lines, [`sibling=${E("EPERM")} own=0`, "parent-kill=0"]);
  } finally {
    node.shutdown();
  }
});

test("capgive hands a confined process a subtree read-only, which it reads after the TAG_CAP message and cannot pass on widened", async () => {
  const node = new TestNode();
  try {
    const { info, lines, stderr } = await node.run(await guest("caps"), ["give"]);
    assert.equal(info.reason, "NORMAL", stderr);
    assert.deepEqual(lines.sort(), givenLines("local").sort());
  } finally {
    node.shutdown();
  }
});

/** A small deterministic generator (mulberry32), so a failure names its seed and repeats. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test("no sequence of childcap calls gives a child more than its parent holds, over generations", () => {
  const kinds = Object.values(FLAGS.capKind).map((k) => k.value);
  const texts = ["", "a", "a/b", "a/b/c", "ab", "job-", "job-1", "j", "/", "zone=a", "zone=b", "zone=b,rack=1"];
  const nodes = ["n1", "n2"];
  let accepted = 0;
  let refused = 0;
  for (let seed = 1; seed <= 200; seed++) {
    const next = random(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    let own: Capabilities = FULL_CAPABILITIES;
    for (let generation = 0; generation < 4; generation++) {
      let child = own;
      for (let call = 0; call < 8; call++) {
        const kind = pick(kinds);
        const text = pick(texts);
        const where = { node: pick(nodes), rel: text.replace(/^\//, "") };
        try {
          child = narrowCapabilities(own, child, kind, text, () => where);
          accepted++;
        } catch (error) {
          refused++;
          assert.ok(error instanceof SysError && error.errnoName === "EINVAL", `seed ${seed}: ${String(error)}`);
        }
        assert.ok(within(child, own), `seed ${seed}: ${JSON.stringify(child)} is wider than ${JSON.stringify(own)}`);
      }
      own = child;
    }
  }
  assert.ok(accepted > 1000 && refused > 1000, `both narrowings and refused widenings were tried: ${accepted} and ${refused}`);
  // within itself can say no: read-write under a read-only grant, spawn after no-spawn, a wider prefix.
  const ro: Capabilities = { ...FULL_CAPABILITIES, paths: [{ node: "n1", rel: "a", write: false }], maySpawn: false, lockPrefixes: ["job-"] };
  assert.equal(within({ ...ro, paths: [{ node: "n1", rel: "a/b", write: true }] }, ro), false);
  assert.equal(within({ ...ro, paths: [{ node: "n1", rel: "ab", write: false }] }, ro), false);
  assert.equal(within({ ...ro, maySpawn: true }, ro), false);
  assert.equal(within({ ...ro, lockPrefixes: ["j"] }, ro), false);
  assert.equal(within({ ...ro, lockPrefixes: undefined }, ro), false);
  assert.equal(within({ ...ro, lockPrefixes: ["job-1"] }, ro), true);
  const zoned: Capabilities = { ...FULL_CAPABILITIES, spawnLabels: { zone: "b" } };
  assert.equal(within({ ...zoned, spawnLabels: {} }, zoned), false);
  assert.equal(within({ ...zoned, spawnLabels: { zone: "b", rack: "1" } }, zoned), true);
});

test("a malformed capability message from a peer is refused with EINVAL, and a full set stays as it is", () => {
  const resolve = (p: string) => ({ node: "n1", rel: p.replace(/^\/n\/n1\/?/, "") });
  const confined: Capabilities = { ...FULL_CAPABILITIES, paths: [{ node: "n1", rel: "a", write: false }] };
  const gift = (kind: number, text: string) => {
    const body = new TextEncoder().encode(text);
    const data = new Uint8Array(4 + body.byteLength);
    new DataView(data.buffer).setInt32(0, kind, true);
    data.set(body, 4);
    return data;
  };
  for (const bad of [new Uint8Array(0), new Uint8Array(3), gift(FLAGS.capKind.CAP_NO_SPAWN.value, ""), gift(99, "x")]) {
    assert.throws(() => withGift(confined, bad, resolve), (e: unknown) => e instanceof SysError && e.errnoName === "EINVAL");
  }
  assert.deepEqual(withGift(confined, gift(FLAGS.capKind.CAP_PATH_RW.value, "/n/n1/b"), resolve).paths, [...confined.paths!, { node: "n1", rel: "b", write: true }]);
  const full: Capabilities = { ...confined, paths: Array.from({ length: MAX_GRANTS }, (_, i) => ({ node: "n1", rel: `p${i}`, write: false })) };
  assert.equal(withGift(full, gift(FLAGS.capKind.CAP_PATH_RO.value, "/n/n1/b"), resolve).paths!.length, MAX_GRANTS);
  assert.equal(withGift(FULL_CAPABILITIES, gift(FLAGS.capKind.CAP_PATH_RO.value, "/n/n1/b"), resolve).paths, undefined, "all of the namespace stays all of it");
});
