// Who may do what, on real node processes over mutual TLS: node certificates, user roles,
// owners of processes, the audit log, and the joins and member lists nobody may forge.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { errno } from "../abi/abi.ts";
import { credentialsIn } from "../host/auth/certificates.ts";
import { DEFAULT_CLUSTER_NAME } from "../host/cli/cluster-options.ts";
import { Channel } from "../host/transport/channel.ts";
import { realClock } from "../host/clock/clock.ts";
import { clientHandshake } from "../host/transport/handshake.ts";
import { WsTransport } from "../host/transport/ws-transport.ts";
import { onebox } from "./helpers/cli.ts";
import { startNodeProcess, stopNodeProcess, type NodeProcess } from "./helpers/cluster.ts";
import { guest, REPO, tempDir } from "./helpers/guests.ts";

const HEARTBEAT_MS = 500;
const dir = tempDir("onebox-authority");
const secretFile = path.join(dir, "secret");
const caDir = path.join(dir, "ca");
const nodes: NodeProcess[] = [];
let wasm = "";

const cred = (name: string): string => path.join(dir, "creds", name);
const audit = (node: string): string => path.join(dir, "audit", `${node}.log`);
/** `onebox COMMAND ARGS` as the user whose credential is `who` (options first: run passes what follows its module to the guest). */
const as = (who: string, command: string, ...args: string[]) =>
  onebox([command, "--cluster", nodes[0]!.url, "--secret-file", secretFile, "--credentials", cred(who), ...args], dir);

async function issue(args: string[]): Promise<void> {
  const result = await onebox(args, dir);
  assert.equal(result.code, 0, result.stderr);
}

/** Node `name` with the credential in `credDir` (default its own), joining the first node unless it is first. */
function startNode(name: string, credDir = cred(name)): Promise<NodeProcess> {
  const { caFile, certFile, keyFile } = credentialsIn(credDir);
  return startNodeProcess(name, {
    join: nodes[0]?.url, secretFile, heartbeatMs: HEARTBEAT_MS, cwd: dir,
    args: ["--ca", caFile, "--cert", certFile, "--key", keyFile, "--audit-file", audit(name)],
  });
}

before(async () => {
  wasm = await guest("mesh");
  fs.writeFileSync(secretFile, "authority test secret", { mode: 0o600 });
  await issue(["cluster", "init", caDir]);
  for (const node of ["node1", "node2"]) await issue(["cluster", "cert", node, "--ca-dir", caDir, "--out", cred(node)]);
  for (const [user, role] of [["alice", "user"], ["bob", "user"], ["vic", "viewer"], ["olga", "operator"]] as const) {
    await issue(["user", "add", user, "--role", role, "--ca-dir", caDir, "--out", cred(user)]);
  }
  nodes.push(await startNode("node1"));
  nodes.push(await startNode("node2"));
});

after(async () => {
  await Promise.all(nodes.map(stopNodeProcess));
});

interface Listed { pid: number; node: string; owner: string; ppid: number }
const ps = async (who: string): Promise<Listed[]> => {
  const result = await as(who, "ps", "--json");
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Listed[];
};

/** `onebox run` as `who` in the background, on `node`; resolves with its exit status. */
function runInBackground(who: string, node: string, ...guestArgs: string[]): Promise<number | null> {
  const child = spawn(process.execPath, [path.join(REPO, "host/cli/main.ts"), "run", "--cluster", nodes[0]!.url, "--secret-file", secretFile, "--credentials", cred(who), "--on", node, wasm, ...guestArgs],
    { cwd: dir, stdio: "pipe" });
  return new Promise((resolve) => child.once("exit", resolve));
}

async function processesOf(who: string, count: number): Promise<Listed[]> {
  let procs: Listed[] = [];
  for (let tries = 0; procs.length < count; tries++) {
    assert.ok(tries < 200, `${who}'s processes never showed in ps: ${JSON.stringify(procs)}`);
    procs = await ps(who);
  }
  return procs;
}

test("users run, see and kill only their own processes; a viewer reads but cannot run; an operator kills anyone's; the audit log records it", async () => {
  assert.equal((await as("alice", "whoami")).stdout.trim(), "alice user");
  // alice's process on node2 spawns a child on node1; both sleep. The child is hers too.
  const ended = runInBackground("alice", "node2", "sleep-with-child", "node1");
  const mine = await processesOf("alice", 2);
  assert.deepEqual(mine.map((p) => `${p.node}:${p.owner}`).sort(), ["node1:alice", "node2:alice"]);
  const parent = mine.find((p) => p.node === "node2")!.pid;
  const target = mine.find((p) => p.node === "node1")!.pid;
  assert.equal(mine.find((p) => p.pid === target)!.ppid, parent);

  assert.deepEqual(await ps("bob"), [], "bob sees none of alice's processes");
  const bobKill = await as("bob", "kill", String(target));
  assert.equal(bobKill.code, 1);
  assert.match(bobKill.stderr, /^onebox: .*user 'bob' lacks the right 'every-process'.*\n$/);

  const vicRun = await as("vic", "run", wasm, "sleep");
  assert.equal(vicRun.code, 1);
  assert.match(vicRun.stderr, /viewer 'vic' lacks the right 'run'/);
  assert.equal(vicRun.stderr.trim().split("\n").length, 1, vicRun.stderr);
  assert.ok((await ps("vic")).some((p) => p.pid === target && p.owner === "alice"), "a viewer sees every process");
  const vicKill = await as("vic", "kill", String(target));
  assert.match(vicKill.stderr, /viewer 'vic' lacks the right 'kill'/);

  assert.equal((await as("olga", "kill", String(target))).code, 0);
  assert.equal((await as("alice", "kill", String(parent))).code, 0, "alice kills her own");
  assert.equal(await ended, 137);

  // `run --on node2` talks to node2 itself; the rest went through node1.
  const lines = [audit("node1"), audit("node2")].flatMap((file) => fs.readFileSync(file, "utf8").trim().split("\n"));
  const has = (pattern: RegExp): boolean => lines.some((line) => pattern.test(line));
  assert.ok(has(/^\d{4}-\d\d-\d\dT[\d:.]+Z alice user run \S+ sleep-with-child node1: ok$/), lines.join("\n"));
  assert.ok(has(new RegExp(`Z alice user kill ${parent}: ok$`)), lines.join("\n"));
  assert.ok(has(new RegExp(`Z bob user kill ${target}: refused: EACCES`)), lines.join("\n"));
  assert.ok(has(/Z vic viewer run .*: refused: EACCES: viewer 'vic' lacks the right 'run'$/), lines.join("\n"));
  assert.ok(has(new RegExp(`Z olga operator kill ${target}: ok$`)), lines.join("\n"));
});

test("a guest under a root run with --scope owner may kill its own user's processes, on any node, and no one else's (EPERM)", async () => {
  const bobs = runInBackground("bob", "node1", "sleep");
  const alices = runInBackground("alice", "node1", "sleep");
  const [bob] = await processesOf("bob", 1);
  const [alice] = await processesOf("alice", 1);
  const kill = async (on: string, pid: number): Promise<string> => {
    const result = await as("alice", "run", "--on", on, "--scope", "owner", wasm, "kill", String(pid));
    assert.equal(result.code, 0, result.stderr);
    return result.stdout.trim();
  };
  // From node1 (where bob's process runs) and from node2: the kernel's check, then the serving node's.
  assert.equal(await kill("node1", bob!.pid), `kill=-${errno("EPERM")}`);
  assert.equal(await kill("node2", bob!.pid), `kill=-${errno("EPERM")}`);
  assert.equal(await kill("node2", alice!.pid), "kill=0");
  assert.equal(await alices, 137);
  assert.equal((await as("olga", "kill", String(bob!.pid))).code, 0);
  assert.equal(await bobs, 137);
});

test("a node without a certificate from the cluster's CA cannot join, nor one with a user's certificate", async () => {
  const otherCa = path.join(dir, "other-ca");
  await issue(["cluster", "init", otherCa]);
  await issue(["cluster", "cert", "node9", "--ca-dir", otherCa, "--out", cred("node9")]);
  await assert.rejects(startNode("node9"), /exited with 1/);
  // alice's certificate is the cluster's, but names a user: she may not join as a node.
  await assert.rejects(startNode("alice"), /alice.*may not send 'join'/);
  assert.equal(JSON.parse((await as("alice", "nodes", "--json")).stdout).length, 2);
});

test("a join under a taken name is refused, and nobody claims a name not in its certificate", async () => {
  // A second certificate for node2 (as a careless operator might issue): node2 is alive, so no.
  await issue(["cluster", "cert", "node2", "--ca-dir", caDir, "--out", cred("node2-again")]);
  await assert.rejects(startNode("node2", cred("node2-again")), /EEXIST: node2 is a member/);
  // node2's certificate under another name.
  await assert.rejects(startNode("node3", cred("node2")), /'node3' presents the certificate of 'node2'/);
  const listed = JSON.parse((await as("vic", "nodes", "--json")).stdout) as { name: string; state: string }[];
  assert.deepEqual(listed.map((m) => `${m.name}:${m.state}`), ["node1:alive", "node2:alive"]);
});

test("a member's address answered by another node is not taken for it", async () => {
  // node3 (a real member) announces node2's address: whoever dials node3 reaches node2,
  // whose certificate says node2. Without the check, node2 would serve what is meant for node3.
  await issue(["cluster", "cert", "node3", "--ca-dir", caDir, "--out", cred("node3")]);
  const { caFile, certFile, keyFile } = credentialsIn(cred("node3"));
  const node3 = await startNodeProcess("node3", {
    join: nodes[0]!.url, secretFile, heartbeatMs: HEARTBEAT_MS, cwd: dir,
    args: ["--ca", caFile, "--cert", certFile, "--key", keyFile, "--audit-file", audit("node3"), "--advertise", nodes[1]!.url],
  });
  try {
    fs.writeFileSync(path.join(dir, "node2", "only-on-node2.txt"), "node2's");
    const stat = await as("alice", "run", "--on", "node1", wasm, "stat", "/n/node3/only-on-node2.txt");
    assert.equal(stat.stdout.trim(), `stat=-${errno("EHOSTUNREACH")}`, stat.stderr);
  } finally {
    await stopNodeProcess(node3);
  }
});

/** A connection to node2 with `who`'s credential, claiming node id `nodeId`. */
async function connectAs(who: string, nodeId: number): Promise<Channel> {
  const conn = await new WsTransport(credentialsIn(cred(who))).connect(nodes[1]!.url);
  const identity = { cluster: DEFAULT_CLUSTER_NAME, name: who, secret: fs.readFileSync(secretFile), log: () => {}, clock: realClock, nodeId: () => nodeId };
  return new Channel(conn, await clientHandshake(identity, conn), () => {});
}

test("a member list from anyone but the coordinator is refused", async () => {
  const forged = { members: { version: 1_000_000, members: [{ id: 1, name: "node1", url: nodes[0]!.url, state: "down" as const, labels: {}, load: 0 }] } };
  // node1's certificate is needed to speak as node 1: node2's own, claiming id 1, is closed at once.
  const impostor = await connectAs("node2", 1);
  await assert.rejects(impostor.call(forged), /claims node id 1, which is 'node1'/);
  // As itself, a member may not send the list either.
  const member = await connectAs("node2", 2);
  await assert.rejects(member.call(forged), /EPERM: only the coordinator sends the member list/);
  member.close("done");
  const user = await connectAs("olga", 0);
  await assert.rejects(user.call(forged), /EACCES: operator 'olga' may not send 'members'/);
  user.close("done");
  // (node3 of the test before may still be listed, going down.)
  const listed = JSON.parse((await as("vic", "nodes", "--json")).stdout) as { name: string; state: string }[];
  assert.deepEqual(listed.filter((m) => m.name !== "node3").map((m) => `${m.name}:${m.state}`), ["node1:alive", "node2:alive"]);
});

test("a node refuses an empty or others-readable secret or key, and plain ws unless --insecure", async () => {
  const { caFile, certFile, keyFile } = credentialsIn(cred("node1"));
  const start = (secret: string, key = keyFile, tls = ["--ca", caFile, "--cert", certFile, "--key", key]) =>
    onebox(["node", "start", "--name", "node1", "--listen", "127.0.0.1:0", "--root", path.join(dir, "refused"), "--secret-file", secret, ...tls], dir);
  const empty = path.join(dir, "empty-secret");
  fs.writeFileSync(empty, "", { mode: 0o600 });
  const open = path.join(dir, "open-secret");
  fs.writeFileSync(open, "readable by all");
  fs.chmodSync(open, 0o644);
  const openKey = path.join(dir, "open-key.pem");
  fs.copyFileSync(keyFile, openKey);
  fs.chmodSync(openKey, 0o604);
  const cases: [Promise<{ code: number; stderr: string }>, RegExp][] = [
    [start(empty), /^onebox: node node1: secret file \S+ is empty\n$/],
    [start(open), /^onebox: node node1: secret file \S+ is accessible to other users \(mode 644\): chmod o-rw it\n$/],
    [start(secretFile, openKey), /^onebox: node node1: key file \S+ is accessible to other users \(mode 604\)/],
    [start(secretFile, keyFile, []), /^onebox: node start needs --ca, --cert and --key \(mutual TLS\), or --insecure/],
  ];
  for (const [result, reason] of cases) {
    const { code, stderr } = await result;
    assert.notEqual(code, 0);
    assert.match(stderr, reason);
  }
});
