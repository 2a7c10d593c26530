import assert from "node:assert/strict";
import path from "node:path";
import { describe, test } from "node:test";
import { onebox } from "./helpers/cli.ts";
import { buildOnce, tempDir } from "./helpers/guests.ts";

/** Build examples/NAME/main.ts and run it through the CLI in its own export; it must exit 0. */
async function runExample(name: string, ...args: string[]): Promise<string[]> {
  const module = await buildOnce(`examples/${name}/main.ts`);
  const { code, stdout, stderr } = await onebox(["run", "--root", path.join(tempDir(`onebox-${name}`), "root"), module, ...args]);
  assert.equal(code, 0, stderr);
  return stdout.trimEnd().split("\n");
}

describe("examples, end to end through onebox run", { concurrency: 2 }, () => {
  test("hello prints its pid", async () => {
    assert.match((await runExample("hello")).join("\n"), /^hello from pid \d+$/);
  });

  test("pingpong prints the mean round trip, for N from args or 10000", async () => {
    const [line] = await runExample("pingpong", "100");
    assert.match(line!, /^100 round trips, mean \d+(\.\d+)? us$/);
    assert.match((await runExample("pingpong"))[0]!, /^10000 round trips, mean \d+(\.\d+)? us$/);
  });

  test("files writes, reads back and lists", async () => {
    const [read, listing] = await runExample("files");
    assert.match(read!, /^read 2\d bytes: hello from pid \d+$/);
    assert.equal(listing, "notes/ holds: hello.txt");
  });

  test("lock: 8 processes x 100 increments under a lock", async () => {
    assert.deepEqual(await runExample("lock"), ["count=800"]);
  });

  test("spin: the looping child is killed", async () => {
    assert.match((await runExample("spin")).join("\n"), /^child \d+ ended: killed, status 137$/);
  });

  test("supervisor: restarts the crashing worker 3 times, printing each reason", async () => {
    const lines = await runExample("supervisor");
    assert.equal(lines.length, 4);
    lines.forEach((line, i) => {
      const outcome = i < 3 ? `restart ${i + 1} of 3` : "giving up";
      assert.match(line, new RegExp(`^worker \\d+ ended: trap \\(unreachable\\); ${outcome}$`));
    });
  });
});
