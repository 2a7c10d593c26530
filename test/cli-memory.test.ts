// onebox run --memory: a program's memory cap raised (or lowered) up to the node's maximum.
import assert from "node:assert/strict";
import { test } from "node:test";
import { guest, tempDir } from "./helpers/guests.ts";
import { onebox } from "./helpers/cli.ts";

test("run --memory raises the program's cap up to the node's maximum, and refuses more in one line", async () => {
  const wasm = await guest("sched");
  const root = tempDir();
  // The guest asks to grow by 1024 pages (64 MiB): past the default cap, within 128M.
  const byDefault = await onebox(["run", "--root", root, wasm, "grow"]);
  assert.match(byDefault.stdout, /^grow=-1 true$/m);
  const raised = await onebox(["run", "--root", root, "--memory", "128M", wasm, "grow"]);
  assert.match(raised.stdout, /^grow=\d+ false$/m);
  assert.notEqual(raised.code, 0, "it still traps when it fills the raised cap");

  const over = await onebox(["run", "--root", root, "--memory", "2G", wasm, "grow"]);
  assert.notEqual(over.code, 0);
  assert.match(over.stderr, /memory cap of 32768 pages is over the node's limit of 16384/);
  assert.equal(over.stderr.trim().split("\n").length, 1);
  const bad = await onebox(["run", "--root", root, "--memory", "lots", wasm]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--memory lots: give a size such as 256M/);
});
