// fence through the CLI as a user runs it: `onebox run` of an AssemblyScript program
// whose two children hold one lock in turn; the first one's late write is refused.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { errno } from "../abi/abi.ts";
import { keyed } from "./helpers/cluster.ts";
import { onebox } from "./helpers/cli.ts";
import { guest, tempDir } from "./helpers/guests.ts";

test("onebox run: a holder that lost its lock gets ESTALE from its fenced file, and its write never lands", async () => {
  const root = tempDir("onebox-cli-fence");
  const ran = await onebox(["run", "--root", root, await guest("fenced"), "main", "F", "/f.txt"]);
  assert.equal(ran.code, 0, ran.stderr);
  const lines = ran.stdout.trimEnd().split("\n");
  const late = lines.find((line) => line.startsWith("late="));
  assert.equal(late, `late=${-errno("ESTALE")}`, ran.stdout);
  const results = keyed(lines);
  const [older, newer] = [BigInt(results.get("first.token")!), BigInt(results.get("second.token")!)];
  assert.ok(newer > older, `the second holder's token is larger: ${older} then ${newer}`);
  assert.equal(results.get("write"), "7 7");
  assert.equal(fs.readFileSync(path.join(root, "f.txt"), "utf8"), "first\nsecond\nsecond\n");
});
