// The bench is a benchmark, not a unit test: this proves the suite runs end to end and
// every entry produces figures. It never judges a time.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { ENTRIES } from "../bench/entries.ts";
import type { Report } from "../bench/run.ts";

const CLI = path.resolve(import.meta.dirname, "../host/cli/main.ts");

test("onebox bench --quick --json produces every entry with finite figures", { timeout: 300_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "onebox-bench-test-"));
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, "bench", "--quick", "--json", "--results", dir], { maxBuffer: 1 << 24 });
    const report = JSON.parse(stdout) as Report;
    assert.ok(report.machine.cores > 0);
    assert.deepEqual(report.results.map((r) => r.name), ENTRIES.map((e) => e.name));
    for (const r of report.results) {
      const entry = ENTRIES.find((e) => e.name === r.name)!;
      if ("skipped" in entry) {
        assert.equal(r.skipped, entry.skipped, r.name);
        continue;
      }
      assert.equal(r.error, undefined, `${r.name} failed: ${r.error}`);
      for (const figure of [r.median_ns, r.p99_ns, r.ops_per_s]) assert.ok(Number.isFinite(figure) && figure! > 0, `${r.name}: ${figure}`);
      assert.equal(r.floor, entry.floor ?? null);
      if (entry.floor) assert.ok(Number.isFinite(r.ratio) && r.ratio! > 0, `${r.name} ratio ${r.ratio}`);
    }
    assert.equal(fs.readdirSync(dir).length, 1, "the run is saved");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
