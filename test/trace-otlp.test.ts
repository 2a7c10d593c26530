// `onebox trace --otlp`: a 2-node run's merged journal as OpenTelemetry spans, checked
// structurally (the OTLP/JSON shape, parents, links, times) and for determinism.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import type { JournalRecord } from "../host/kernel/journal/journal-reader.ts";
import { otlpTrace, type OtlpAttribute, type OtlpSpan, type OtlpTraceRequest } from "../host/trace/otlp-export.ts";
import { onebox } from "./helpers/cli.ts";
import { startNodeProcess, stopNodeProcess, type NodeProcess } from "./helpers/cluster.ts";
import { guest, tempDir } from "./helpers/guests.ts";
import { fields } from "./helpers/node.ts";

const dir = tempDir("onebox-otlp");
const secretFile = path.join(dir, "secret");
const nodes: NodeProcess[] = [];
const clusterArgs = () => ["--cluster", nodes[0]!.url, "--secret-file", secretFile];

before(async () => {
  fs.writeFileSync(secretFile, "otlp test secret");
  nodes.push(await startNodeProcess("node1", { secretFile, heartbeatMs: 2000, cwd: dir }));
  nodes.push(await startNodeProcess("node2", { join: nodes[0]!.url, secretFile, heartbeatMs: 2000, cwd: dir }));
});

after(async () => {
  await Promise.all(nodes.map(stopNodeProcess));
});

const attribute = (attributes: readonly OtlpAttribute[], key: string): string | undefined => {
  const value = attributes.find((a) => a.key === key)?.value;
  return value === undefined ? undefined : "stringValue" in value ? value.stringValue : value.intValue;
};

/** The shape a collector's OTLP/JSON decoder wants, span by span; every span, by id. */
function checkShape(request: OtlpTraceRequest): Map<string, OtlpSpan> {
  const spans = new Map<string, OtlpSpan>();
  assert.ok(Array.isArray(request.resourceSpans) && request.resourceSpans.length > 0);
  for (const resource of request.resourceSpans) {
    assert.equal(attribute(resource.resource.attributes, "service.name"), "onebox");
    const node = attribute(resource.resource.attributes, "onebox.node");
    assert.ok(node === "node1" || node === "node2", `resource of ${node}`);
    assert.equal(resource.scopeSpans.length, 1);
    for (const span of resource.scopeSpans[0]!.spans) {
      assert.match(span.traceId, /^[0-9a-f]{32}$/);
      assert.match(span.spanId, /^[0-9a-f]{16}$/);
      if (span.parentSpanId !== undefined) assert.match(span.parentSpanId, /^[0-9a-f]{16}$/);
      assert.match(span.startTimeUnixNano, /^\d+$/);
      assert.match(span.endTimeUnixNano, /^\d+$/);
      assert.ok(BigInt(span.startTimeUnixNano) > 0n && BigInt(span.endTimeUnixNano) >= BigInt(span.startTimeUnixNano), `${span.name}'s times`);
      assert.ok([1, 4, 5].includes(span.kind));
      for (const a of span.attributes) assert.ok("stringValue" in a.value || /^-?\d+$/.test(a.value.intValue), a.key);
      assert.ok(!spans.has(span.spanId), `span id ${span.spanId} is unique`);
      spans.set(span.spanId, span);
    }
  }
  return spans;
}

test("a 2-node run exports as OTLP spans: children under their spawn, each recv linked to its send, the same at every export", async () => {
  const wasm = await guest("causal");
  const run = await onebox(["run", ...clusterArgs(), "--on", "node1", wasm, "main", "node2", "node1", "2"], dir);
  assert.equal(run.code, 0, run.stderr);
  const out = fields(run.stdout.split("\n"));
  const pids = ["main", "relay1", "relay2"].map((role) => Number(out.get(`${role}.pid`)));

  const file = path.join(dir, "trace.otlp.json");
  const exported = await onebox(["trace", "--otlp", file, ...clusterArgs()], dir);
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal(exported.stdout, "");
  const request = JSON.parse(fs.readFileSync(file, "utf8")) as OtlpTraceRequest;
  const spans = checkShape(request);

  const byPid = (pid: number) => [...spans.values()].filter((s) => attribute(s.attributes, "onebox.pid") === String(pid));
  for (const span of spans.values()) {
    // Every call's parent is its process's span; every child process's parent is the spawn that made it.
    if (span.name.startsWith("process ")) {
      if (span.parentSpanId === undefined) continue;
      const spawn = spans.get(span.parentSpanId);
      assert.equal(spawn?.name, "spawn", `${span.name}'s parent is a spawn`);
      assert.equal(attribute(spawn!.attributes, "onebox.result"), attribute(span.attributes, "onebox.pid"));
      assert.equal(spawn!.traceId, span.traceId, "a child is in its parent's trace");
    } else {
      const parent = spans.get(span.parentSpanId!);
      assert.equal(parent?.name, `process ${attribute(span.attributes, "onebox.pid")}`);
    }
  }
  const [main, relay1, relay2] = pids.map((pid) => byPid(pid).find((s) => s.name === `process ${pid}`)!);
  assert.equal(main!.parentSpanId, undefined, "the run's process is a root");
  for (const relay of [relay1!, relay2!]) assert.ok(relay.parentSpanId !== undefined && relay.traceId === main!.traceId, `${relay.name} hangs under main's spawn`);
  assert.deepEqual(new Set([relay1, relay2].map((s) => attribute(s!.attributes, "onebox.node"))), new Set(["node2", "node1"]));

  const recvs = [...spans.values()].filter((s) => s.name === "recv" && attribute(s.attributes, "onebox.errno") === undefined && attribute(s.attributes, "onebox.message_id") !== undefined);
  assert.ok(recvs.length >= 9, `the chain's recvs (${recvs.length}) are there`);
  for (const recv of recvs) {
    assert.equal(recv.kind, 5);
    assert.equal(recv.links?.length, 1, "a recv links to its send");
    const send = spans.get(recv.links![0]!.spanId);
    assert.equal(send?.name, "send");
    assert.equal(send!.kind, 4);
    assert.equal(send!.traceId, recv.links![0]!.traceId);
    assert.equal(attribute(send!.attributes, "onebox.message_id"), attribute(recv.attributes, "onebox.message_id"));
    // Wall clocks of two nodes need not agree (that is what Lamport time is for): order is checked on it.
    assert.ok(Number(attribute(recv.attributes, "onebox.lamport")) > Number(attribute(send!.attributes, "onebox.lamport")), "a recv's Lamport time is above its send's");
  }

  // The same records give the same bytes: the file equals the export of `trace --json`'s records, made here.
  const listed = await onebox(["trace", "--json", ...clusterArgs()], dir);
  assert.equal(listed.code, 0, listed.stderr);
  const records = listed.stdout.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as JournalRecord);
  assert.equal(fs.readFileSync(file, "utf8"), `${JSON.stringify(otlpTrace(records))}\n`);

  const refused = await onebox(["trace", "--otlp", file, "--follow", ...clusterArgs()], dir);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /^onebox: --otlp writes its file once every journal is read: not with --follow\n$/);
});

const record = (fields: Partial<JournalRecord> & Pick<JournalRecord, "node" | "seq" | "pid" | "call">): JournalRecord => ({
  args: "", result: 0, errno: "", startMs: 1_700_000_000_000.5, durationUs: 2.5, lamport: fields.seq, msg: "", ...fields,
});

test("a spawn or a send missing from the records leaves a parentless process and an unlinked recv, and nothing breaks", () => {
  const records = [
    record({ node: "a", seq: 1, pid: 7, call: "recv", result: 3, msg: "5@1" }),
    record({ node: "a", seq: 2, pid: 7, call: "send", msg: "7@2" }),
    record({ node: "b", seq: 1, pid: 8, call: "recv", result: 3, msg: "7@2" }),
    record({ node: "b", seq: 2, pid: 8, call: "open", result: -1, errno: "ENOENT" }),
  ];
  const request = otlpTrace(records);
  assert.deepEqual(otlpTrace(records), request, "deterministic");
  const spans = allSpans(request);
  const [lost, , found, failed] = records.map((r) => spans.find((s) => s.name === r.call && attribute(s.attributes, "onebox.pid") === String(r.pid) && attribute(s.attributes, "onebox.seq") === String(r.seq))!);
  assert.equal(lost!.links, undefined, "the send of 5@1 is not among the records");
  assert.equal(found!.links?.length, 1);
  assert.deepEqual(failed!.status, { code: 2, message: "ENOENT" });
  assert.equal(found!.startTimeUnixNano, "1700000000000500000");
  assert.equal(found!.endTimeUnixNano, "1700000000000502500");
  assert.ok(spans.filter((s) => s.name.startsWith("process ")).every((s) => s.parentSpanId === undefined));
  assert.notEqual(spans.find((s) => s.name === "process 7")!.traceId, spans.find((s) => s.name === "process 8")!.traceId, "two roots, two traces");
});

const allSpans = (request: OtlpTraceRequest): OtlpSpan[] => request.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
