// Deadlock detection and causality through etcd on two real node processes and a real
// one-member etcd, all started here on loopback: cycles of lock waits and `wait` across
// nodes get EDEADLK; a lock handed from node1 to node2 through etcd is journaled in order.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { Etcd3 } from "etcd3";
import { DEFAULT_CLUSTER_NAME } from "../host/cli/cluster-options.ts";
import { EtcdKeys } from "../host/cluster/etcd/etcd-keys.ts";
import { EtcdCluster } from "../host/cluster/etcd/etcd-launcher.ts";
import type { JournalRecord } from "../host/kernel/journal/journal-reader.ts";
import { causalOrder } from "../host/trace/trace-merge.ts";
import { onebox } from "./helpers/cli.ts";
import { keyed, startNodeProcess, stopNodeProcess, waitFor, type NodeProcess } from "./helpers/cluster.ts";
import { guest, REPO, tempDir } from "./helpers/guests.ts";

const dir = tempDir("onebox-etcd-deadlock");
const secretFile = path.join(dir, "secret");
let etcd: EtcdCluster;
let client: Etcd3;
const keys = new EtcdKeys(DEFAULT_CLUSTER_NAME);
const nodes: NodeProcess[] = [];
const runs: ChildProcess[] = [];
let links = "";
let fencing = "";

const clusterArgs = () => ["--cluster", nodes[0]!.url, "--secret-file", secretFile];
const reported = (stdout: string) => Object.fromEntries(keyed(stdout.split("\n").filter(Boolean)));

async function run(on: string, wasm: string, ...guestArgs: string[]): Promise<string> {
  const result = await onebox(["run", ...clusterArgs(), "--on", on, wasm, ...guestArgs], dir);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const count = async (prefix: Buffer): Promise<number> => (await client.getAll().prefix(prefix).keys()).length;

before(async () => {
  [links, fencing] = await Promise.all([guest("links"), guest("fencing")]);
  fs.writeFileSync(secretFile, "etcd deadlock test secret");
  etcd = await EtcdCluster.start({ dir: path.join(dir, "etcd"), members: 1 });
  client = new Etcd3({ hosts: etcd.endpoints });
  for (const name of ["node1", "node2"]) nodes.push(await startNodeProcess(name, { secretFile, heartbeatMs: 3000, cwd: dir, args: ["--etcd", etcd.endpoints.join(",")] }));
  await until("both nodes alive for node1", async () => {
    const listed = JSON.parse((await onebox(["nodes", "--json", ...clusterArgs()], dir)).stdout || "[]") as { state: string }[];
    return listed.filter((m) => m.state === "alive").length === 2;
  });
});

after(async () => {
  for (const child of runs) child.kill("SIGKILL");
  await Promise.all(nodes.map(stopNodeProcess));
  client?.close();
  await etcd?.stop();
});

test("a lock holder waiting for its child on the other node, which wants the lock, is told EDEADLK; also through a grandchild", async () => {
  // Each case is a race between the parent's wait and the descendant's lock: run it a few times.
  for (let i = 0; i < 3; i++) {
    const out = reported(await run("node1", links, "deadlock", "node2", "node1"));
    assert.match(out["deadlock.pair"] ?? "", /^(parent|descendant)$/, JSON.stringify(out));
    assert.match(out["deadlock.chain"] ?? "", /^(parent|descendant)$/, JSON.stringify(out));
    assert.equal(out["deadlock.killed"], "137/1");
    assert.equal(out["deadlock.none"], "0/0");
  }
  await until("every wait-for edge to go", async () => (await count(keys.waitsPrefix)) === 0);
});

test("a lock-lock cycle across nodes, both sides asking at once: one is refused and the other granted, never both left waiting", async () => {
  const rounds = 6;
  const out = reported(await run("node1", links, "lockcycle", "node2", String(rounds)));
  const who = Array.from({ length: rounds }, (_, i) => out[`lockcycle.${i}`]);
  for (const found of who) assert.match(found ?? "", /^(parent|child|both)$/, JSON.stringify(out));
  await until("every wait-for edge to go", async () => (await count(keys.waitsPrefix)) === 0);
});

test("a lock released on node1 and granted on node2 through etcd: the merged trace has the grant after all the releaser did before", async () => {
  const holder = spawn(process.execPath, [path.join(REPO, "host/cli/main.ts"), "run", ...clusterArgs(), "--on", "node1", fencing, "handoff", "H", "2000"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  runs.push(holder);
  let held = "";
  holder.stdout!.on("data", (chunk: Buffer) => (held += chunk.toString()));
  const holderExit = new Promise<number | null>((resolve) => holder.once("exit", resolve));
  await waitFor("the holder's token", () => held.includes("\n"), 60_000);
  const waiter = run("node2", fencing, "take", "H");
  await until("the waiter's claim queued behind the holder's", async () => (await count(keys.lockPrefix("H"))) === 2);
  await run("node2", fencing, "nudge", "H-holder");
  const taken = keyed((await waiter).trim().split("\n"));
  assert.ok(BigInt(taken.get("token")!) > BigInt(keyed([held.split("\n")[0]!]).get("token")!));
  assert.equal(await holderExit, 0);

  const trace = await onebox(["trace", "--json", "--call", "lock,unlock,lamport", ...clusterArgs()], dir);
  assert.equal(trace.code, 0, trace.stderr);
  const records = trace.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as JournalRecord);
  for (let i = 1; i < records.length; i++) assert.ok(causalOrder(records[i - 1]!, records[i]!) < 0, `record ${i} is in causal order`);
  const release = records.findIndex((r) => r.node === "node1" && r.call === "unlock" && r.args.includes('"H"') && r.errno === "");
  const grant = records.findIndex((r) => r.node === "node2" && r.call === "lock" && r.args.includes('"H"') && r.errno === "");
  assert.ok(release >= 0 && grant >= 0, trace.stdout);
  // The unlock's own record sits at its return, after etcd answered: concurrent with the
  // grant. Everything before it (the 2000 clock reads that pushed node1 ahead) is below the grant.
  const holderPid = records[release]!.pid;
  const before = records.filter((r) => r.pid === holderPid && r.seq < records[release]!.seq);
  assert.ok(before.filter((r) => r.call === "lamport").length === 2000, `the holder's clock reads: ${before.length}`);
  const last = before.at(-1)!;
  assert.ok(records[grant]!.lamport > last.lamport, `grant at ${records[grant]!.lamport}, the releaser's last call before its unlock at ${last.lamport}`);
});
