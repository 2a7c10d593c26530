// Real node processes coordinating on a real 3-member etcd, both started here on loopback:
// SIGSTOP of a lock holder's node, kill -9 of node1, an etcd member killed.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { Etcd3 } from "etcd3";
import { DEFAULT_CLUSTER_NAME } from "../host/cli/cluster-options.ts";
import { EtcdKeys } from "../host/cluster/etcd/etcd-keys.ts";
import { EtcdCluster } from "../host/cluster/etcd/etcd-launcher.ts";
import { onebox } from "./helpers/cli.ts";
import { keyed, startNodeProcess, stopNodeProcess, type NodeProcess } from "./helpers/cluster.ts";
import { guest, REPO, tempDir } from "./helpers/guests.ts";

// The default: TTL 5 s, fence after 4.25 s without an acknowledged keep-alive
// (lease-timing.ts), so a dead or paused node's locks pass on after about 5 s. Shorter
// TTLs leave too little room for an etcd leader election on a loaded machine.
const HEARTBEAT_MS = 3000;

const dir = tempDir("onebox-etcd-nodes");
const secretFile = path.join(dir, "secret");
let etcd: EtcdCluster;
const nodes = new Map<string, NodeProcess>();
const runs: ChildProcess[] = [];
let fencing = "";
let mesh = "";

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const node = (name: string): NodeProcess => nodes.get(name)!;
const cli = (...args: string[]) => onebox([...args, "--secret-file", secretFile], dir);

/** `onebox run` to its end, through `via`; its key=value lines. */
async function run(via: string, on: string, wasm: string, ...guestArgs: string[]): Promise<Map<string, string>> {
  // --scope owner: a watcher monitors a process another run started (not its descendant).
  const result = await onebox(["run", "--cluster", node(via).url, "--secret-file", secretFile, "--on", on, "--scope", "owner", wasm, ...guestArgs], dir);
  assert.equal(result.code, 0, result.stderr);
  return keyed(result.stdout.trim().split("\n"));
}

/** `onebox run` left running (a holder that never ends); resolves with its first key=value line. */
function runInBackground(via: string, on: string, wasm: string, ...guestArgs: string[]): Promise<Map<string, string>> {
  const child = spawn(process.execPath, [path.join(REPO, "host/cli/main.ts"), "run", "--cluster", node(via).url, "--secret-file", secretFile, "--on", on, wasm, ...guestArgs], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  runs.push(child);
  let out = "";
  let err = "";
  child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) resolve(keyed([out.split("\n")[0]!]));
    });
    child.once("exit", (code) => reject(new Error(`run ended with ${code} before printing: ${err}`)));
  });
}

async function nodeStates(via: string): Promise<Map<string, string>> {
  const listed = JSON.parse((await cli("nodes", "--cluster", node(via).url, "--json")).stdout) as { name: string; state: string }[];
  return new Map(listed.map((m) => [m.name, m.state]));
}

async function processes(): Promise<{ pid: number; node: string }[]> {
  return JSON.parse((await cli("ps", "--cluster", node("node3").url, "--json")).stdout) as { pid: number; node: string }[];
}

/** How many processes hold or wait for `lock`, as etcd has it. */
async function claims(lock: string): Promise<number> {
  const client = new Etcd3({ hosts: etcd.endpoints });
  try {
    return (await client.getAll().prefix(new EtcdKeys(DEFAULT_CLUSTER_NAME).lockPrefix(lock)).keys()).length;
  } finally {
    client.close();
  }
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

before(async () => {
  [fencing, mesh] = await Promise.all([guest("fencing"), guest("mesh")]);
  fs.writeFileSync(secretFile, "etcd test secret");
  etcd = await EtcdCluster.start({ dir: path.join(dir, "etcd") });
  for (const name of ["node1", "node2", "node3"]) {
    nodes.set(name, await startNodeProcess(name, { secretFile, heartbeatMs: HEARTBEAT_MS, cwd: dir, args: ["--etcd", etcd.endpoints.join(",")] }));
  }
  await until("three nodes alive", async () => [...(await nodeStates("node3")).values()].filter((s) => s === "alive").length === 3);
});

after(async () => {
  for (const child of runs) child.kill("SIGKILL");
  for (const n of nodes.values()) if (n.child.signalCode === null && n.child.exitCode === null) n.child.kill("SIGCONT");
  await Promise.all([...nodes.values()].map(stopNodeProcess));
  await etcd?.stop();
});

test("SIGSTOP of a lock holder's node: it fences itself, a waiter elsewhere gets a larger token, and the resumed holder never acts again", async () => {
  const holdFile = path.join(dir, "node2", "hold.log");
  const held = await runInBackground("node3", "node2", fencing, "hold", "S", "/n/node2/hold.log");
  const holdToken = BigInt(held.get("token")!);
  await until("the holder to write", () => fs.existsSync(holdFile) && fs.statSync(holdFile).size > 0);
  // Messages queue up for the holder while its node is paused: after the resume they
  // arrive before any timer, and must not wake it either.
  const poking = await runInBackground("node3", "node3", fencing, "poke", "S-holder");
  assert.match(poking.get("poking")!, /^\d+$/);
  const waiter = run("node3", "node3", fencing, "take", "S");
  node("node2").child.kill("SIGSTOP");
  const taken = await waiter;
  const takeToken = BigInt(taken.get("token")!);
  assert.ok(takeToken > holdToken, `token ${takeToken} after ${holdToken}`);
  // Whatever the holder wrote before the pause is all it ever writes.
  const sizeWhilePaused = fs.statSync(holdFile).size;
  const exited = exitOf(node("node2").child);
  node("node2").child.kill("SIGCONT");
  assert.equal(await exited, 3, node("node2").log());
  assert.equal(fs.statSync(holdFile).size, sizeWhilePaused, "the fenced holder wrote after it resumed");
  assert.match(node("node2").log(), /fencing/);
  await until("node2 down for the others", async () => (await nodeStates("node3")).get("node2") === "down");
});

test("kill -9 of node1: the others keep running; its monitors fire noconnection, its lock passes on, its name vanishes", async () => {
  const held = await runInBackground("node3", "node1", fencing, "hold", "K", "/n/node1/hold.log");
  const holdToken = BigInt(held.get("token")!);
  assert.match((await run("node3", "node3", fencing, "lookup", "K-holder")).get("whereis")!, /^\d+$/);
  const holderPid = (await processes()).find((p) => p.node === "node1")!.pid;
  const watch = run("node3", "node3", mesh, "watch", String(holderPid));
  const waiter = run("node3", "node3", fencing, "take", "K");
  await until("the waiter's claim in etcd", async () => (await claims("K")) === 2);
  await until("the watcher to run", async () => (await processes()).filter((p) => p.node === "node3").length >= 2);
  node("node1").child.kill("SIGKILL");
  assert.equal((await watch).get("watch.down"), "noconnection");
  assert.ok(BigInt((await waiter).get("token")!) > holdToken);
  assert.match((await run("node3", "node3", fencing, "lookup", "K-holder")).get("whereis")!, /^-\d+$/);
  await until("node1 down for node3", async () => (await nodeStates("node3")).get("node1") === "down");
  assert.equal(node("node3").child.exitCode, null, "node3 kept running");
});

test("one etcd member killed changes nothing; started again, it rejoins", async () => {
  await etcd.stopMember(0, "SIGKILL");
  const first = BigInt((await run("node3", "node3", fencing, "take", "M")).get("token")!);
  const second = BigInt((await run("node3", "node3", fencing, "take", "M")).get("token")!);
  assert.ok(second > first);
  assert.equal(node("node3").child.exitCode, null);
  etcd.startMember(0);
  await etcd.healthy();
});
