// deploy/onebox-node.service checked by systemd's own verifier, where the machine has it.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { REPO, tempDir } from "./helpers/guests.ts";

const ANALYZE = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].find((file) => fs.existsSync(file));
const skip = ANALYZE ? false : "systemd-analyze is not installed here (no systemd)";
const UNIT = path.join(REPO, "deploy/onebox-node.service");

/** systemd-analyze verify's exit status and everything it said: it only warns about many mistakes. */
function verify(unit: string): Promise<{ code: number; said: string }> {
  return new Promise((resolve) => {
    execFile(ANALYZE!, ["verify", unit], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, said: `${stdout}${stderr}`.trim() });
    });
  });
}

test("the systemd unit passes systemd-analyze verify without a warning", { skip }, async () => {
  const result = await verify(UNIT);
  assert.equal(result.code, 0, result.said);
  assert.equal(result.said, "");
});

test("a broken copy of the unit is caught, so the check above can fail", { skip }, async () => {
  const broken = path.join(tempDir("onebox-unit"), "onebox-node.service");
  fs.writeFileSync(broken, fs.readFileSync(UNIT, "utf8").replace("Restart=on-failure", "Restart=sometimes"));
  const result = await verify(broken);
  assert.match(result.said, /restart specifier/);
});
