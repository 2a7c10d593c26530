// A record written across nodes: a process on B recorded into a file of C's export, over
// the simulated network, bigger than one remote write (MAX_FILE_CHUNK_BYTES), lands
// whole and replays alone with the same output.
import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { MAX_FILE_CHUNK_BYTES } from "../host/cluster/file-server.ts";
import { parseRecord } from "../host/kernel/replay/record-format.ts";
import { DEFAULT_RECORD_LIMIT } from "../host/kernel/replay/recorder.ts";
import { replayRecord } from "../host/kernel/replay/replay-run.ts";
import { simCluster, waitFor } from "./helpers/cluster.ts";
import { buildOnce } from "./helpers/guests.ts";
import { capturedOutput } from "./helpers/node.ts";

test("a process on B recorded into C's export: the record, over several remote writes, is whole and replays alone", async () => {
  const pingpong = fs.readFileSync(await buildOnce("examples/pingpong/main.ts"));
  const cluster = await simCluster(41, ["A", "B", "C"]);
  try {
    const [, b, c] = cluster.nodes;
    const module = await b!.kernel.modules.load(pingpong);
    const output = capturedOutput();
    // 40,000 round trips make a record of about 5 MB: more than one remote write carries.
    const proc = b!.kernel.startRoot({ module, argv: ["pingpong.wasm", "40000"], env: [], output: output.sink, record: { limit: DEFAULT_RECORD_LIMIT, node: "C", rel: "big.obxrec" } });
    const info = await b!.kernel.whenExited(proc.pid);
    assert.equal(info.reason, "NORMAL", info.text);
    const record = () => {
      try {
        return parseRecord(c!.kernel.exportDir.readFile("big.obxrec"));
      } catch {
        return undefined;
      }
    };
    await waitFor("the whole record on C", () => record()?.end !== undefined, 60_000);
    const bytes = c!.kernel.exportDir.readFile("big.obxrec");
    assert.ok(bytes.byteLength > MAX_FILE_CHUNK_BYTES, `a record of ${bytes.byteLength} bytes`);
    const parsed = parseRecord(bytes);
    assert.equal(parsed.end?.reason, "NORMAL");
    assert.equal(parsed.cutAt, undefined);
    const replayed = capturedOutput();
    const replay = await replayRecord({ record: parsed, output: replayed.sink });
    assert.equal(replay.outcome, undefined, JSON.stringify(replay.outcome));
    assert.equal(replayed.text(), output.text());
    assert.match(output.text(), /^40000 round trips/);
  } finally {
    await cluster.stop();
  }
});
