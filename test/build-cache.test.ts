// host/toolchain/build-cache.ts: a build is reused while its inputs are unchanged, redone
// when one changes, and a label's directory keeps at most CACHED_BUILDS_PER_LABEL modules.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { CACHED_BUILDS_PER_LABEL, cachedBuild } from "../host/toolchain/build-cache.ts";
import { REPO, tempDir } from "./helpers/guests.ts";

test("cachedBuild reuses a build while its inputs hold, and keeps a bounded number", async () => {
  const dir = tempDir("onebox-build-cache");
  process.env.ONEBOX_CACHE = path.join(dir, "cache");
  const source = path.join(REPO, "examples/hello/main.ts");
  const input = path.join(dir, "input.txt");
  let builds = 0;
  const build = () => cachedBuild(source, [input], "t", () => builds++);

  const cacheDir = path.join(dir, "cache", "t");
  fs.writeFileSync(input, "0");
  const first = await build();
  const [firstFile] = fs.readdirSync(cacheDir);
  assert.deepEqual(await build(), first);
  assert.equal(builds, 1);
  for (let i = 1; i <= CACHED_BUILDS_PER_LABEL; i++) {
    fs.writeFileSync(input, String(i));
    await build();
  }
  assert.equal(builds, CACHED_BUILDS_PER_LABEL + 1);
  const kept = fs.readdirSync(cacheDir);
  assert.equal(kept.length, CACHED_BUILDS_PER_LABEL);
  assert.ok(!kept.includes(firstFile!), "the oldest build was removed");
  assert.deepEqual([...first.subarray(0, 4)], [0, 0x61, 0x73, 0x6d], "the bytes are a module");
});
