// Users' tokens on the dashboard's API and revocation, on real node processes over mutual
// TLS: a token acts with its user's role, as the CLI does, and the audit log names them; a
// revoked user or node is refused everywhere, cut off at once, and stays so after restarts.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import { after, before, test } from "node:test";
import { credentialsIn } from "../host/auth/certificates.ts";
import { issueToken } from "../host/auth/user-token.ts";
import { DEFAULT_CLUSTER_NAME } from "../host/cli/cluster-options.ts";
import { realClock } from "../host/clock/clock.ts";
import { Channel } from "../host/transport/channel.ts";
import { clientHandshake } from "../host/transport/handshake.ts";
import { WsTransport } from "../host/transport/ws-transport.ts";
import { onebox } from "./helpers/cli.ts";
import { startNodeProcess, stopNodeProcess, type NodeProcess } from "./helpers/cluster.ts";
import { guest, REPO, tempDir } from "./helpers/guests.ts";

const HEARTBEAT_MS = 500;
const DEADLINE_MS = 60_000;
const dir = tempDir("onebox-tokens");
const secretFile = path.join(dir, "secret");
const caDir = path.join(dir, "ca");
const nodes = new Map<string, NodeProcess>();
let wasm = "";

const cred = (name: string): string => path.join(dir, "creds", name);
const audit = (node: string): string => path.join(dir, "audit", `${node}.log`);
const token = (user: string): string => fs.readFileSync(path.join(cred(user), "token"), "utf8").trim();
const url = (node: string): string => nodes.get(node)!.url;
/** `onebox COMMAND ARGS` as `who`, through `node`. */
const as = (who: string, command: string[], node = "node1") =>
  onebox([...command, "--cluster", url(node), "--secret-file", secretFile, "--credentials", cred(who)], dir);

async function issue(args: string[]): Promise<void> {
  const result = await onebox(args, dir);
  assert.equal(result.code, 0, result.stderr);
}

/** Start node `name` (joining node1, unless it is node1 or `alone`), with its revocation list in its own file. */
async function startNode(name: string, alone = name === "node1"): Promise<NodeProcess> {
  const { caFile, certFile, keyFile } = credentialsIn(cred(name));
  const node = await startNodeProcess(name, {
    join: alone ? undefined : url("node1"), secretFile, heartbeatMs: HEARTBEAT_MS, cwd: dir,
    args: ["--ca", caFile, "--cert", certFile, "--key", keyFile, "--audit-file", audit(name), "--revocation-file", path.join(dir, "revoked", `${name}.json`)],
  });
  nodes.set(name, node);
  return node;
}

before(async () => {
  wasm = await guest("mesh");
  fs.writeFileSync(secretFile, "tokens test secret", { mode: 0o600 });
  await issue(["cluster", "init", caDir]);
  for (const node of ["node1", "node2", "node3"]) await issue(["cluster", "cert", node, "--ca-dir", caDir, "--out", cred(node)]);
  for (const [user, role] of [["ada", "admin"], ["alice", "user"], ["bob", "user"], ["vic", "viewer"], ["carl", "user"]] as const) {
    await issue(["user", "add", user, "--role", role, "--ca-dir", caDir, "--out", cred(user)]);
  }
  await startNode("node1");
  await startNode("node2");
});

after(async () => {
  await Promise.all([...nodes.values()].map(stopNodeProcess));
});

interface Answer { status: number; body: { error?: string } & Record<string, unknown> }

/** A request to `node`'s HTTP side over https (the cluster CA's certificate), with `bearer` if given. */
function api(node: string, route: string, bearer?: string, post?: unknown): Promise<Answer> {
  const base = new URL(url(node).replace(/^wss:/, "https:"));
  const headers: Record<string, string> = bearer === undefined ? {} : { authorization: `Bearer ${bearer}` };
  if (post !== undefined) headers["content-type"] = "application/json";
  return new Promise((resolve, reject) => {
    const request = https.request(new URL(route, base), { method: post === undefined ? "GET" : "POST", headers, ca: fs.readFileSync(path.join(caDir, "ca.pem")), checkServerIdentity: () => undefined }, (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk));
      response.on("end", () => {
        let body: Answer["body"] = {};
        try {
          body = JSON.parse(text) as Answer["body"];
        } catch {
          body = { text };
        }
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    request.on("error", reject);
    request.end(post === undefined ? undefined : JSON.stringify(post));
  });
}

/** `onebox run` as `who` in the background, on `node`; its exit status and stderr when it ends. */
function runInBackground(who: string, node: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [path.join(REPO, "host/cli/main.ts"), "run", "--cluster", url(node), "--secret-file", secretFile, "--credentials", cred(who), "--on", node, wasm, "sleep"],
    { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stderr })));
}

interface Listed { pid: number; node: string; owner: string }

/** The pid of `who`'s one process, once ps (as the admin) shows it. */
async function pidOf(who: string): Promise<number> {
  for (const deadline = performance.now() + DEADLINE_MS; performance.now() < deadline; ) {
    const ps = await as("ada", ["ps", "--json"]);
    const found = (JSON.parse(ps.stdout) as Listed[]).find((p) => p.owner === who);
    if (found) return found.pid;
  }
  throw new Error(`${who}'s process never showed in ps`);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (const deadline = performance.now() + DEADLINE_MS; performance.now() < deadline; ) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const auditLines = (): string[] => [...nodes.keys()].flatMap((n) => (fs.existsSync(audit(n)) ? fs.readFileSync(audit(n), "utf8").trim().split("\n") : []));

test("a token acts with its user's role: own processes only for a user, no kill for a viewer, 401 without a valid token; the audit log names them", async () => {
  const alices = runInBackground("alice", "node2");
  const bobs = runInBackground("bob", "node1");
  const alice = await pidOf("alice");
  const bob = await pidOf("bob");

  // Served by node2, which asks node1 for its view with alice's token.
  const seen = await api("node2", "/api/cluster", token("alice"));
  assert.equal(seen.status, 200, JSON.stringify(seen.body));
  assert.deepEqual((seen.body.processes as Listed[]).map((p) => p.pid), [alice], "alice sees only her own process");
  type Local = { node: string; error?: string; locks?: unknown[] };
  const locals = seen.body.locals as Local[];
  assert.deepEqual(locals.map((l) => `${l.node}:${l.error ?? "ok"}`).sort(), ["node1:ok", "node2:ok"]);
  assert.ok(locals.every((l) => l.locks === undefined), "a user sees no locks: they name others' processes");
  const vicSees = await api("node1", "/api/cluster", token("vic"));
  assert.deepEqual((vicSees.body.processes as Listed[]).map((p) => p.pid).sort(), [alice, bob].sort(), "a viewer sees every process");
  assert.ok((vicSees.body.locals as Local[]).some((l) => l.node === "node1" && Array.isArray(l.locks)), "a viewer sees the coordinator's locks");

  const aliceKillsBob = await api("node2", "/api/kill", token("alice"), { pid: bob });
  assert.equal(aliceKillsBob.status, 403);
  assert.match(aliceKillsBob.body.error!, /^EACCES: user 'alice' lacks the right 'every-process'/);
  const vicKills = await api("node1", "/api/kill", token("vic"), { pid: alice });
  assert.equal(vicKills.status, 403);
  assert.equal(vicKills.body.error, "EACCES: viewer 'vic' lacks the right 'kill'");

  // The trace: alice's records are of her process only; the viewer's include bob's.
  const vicTrace = await until("a trace record of bob's process", async () => {
    const trace = await api("node1", "/api/trace", token("vic"));
    return (trace.body.records as { pid: number }[]).some((r) => r.pid === bob) ? trace : undefined;
  });
  assert.equal(vicTrace.status, 200);
  const aliceTrace = await api("node1", "/api/trace", token("alice"));
  assert.equal(aliceTrace.status, 200);
  const tracedPids = new Set((aliceTrace.body.records as { pid: number }[]).map((r) => r.pid));
  assert.deepEqual([...tracedPids].filter((pid) => pid !== alice), [], "alice's trace shows no one else's calls");

  const none = await api("node1", "/api/cluster");
  assert.equal(none.status, 401);
  assert.match(none.body.error!, /needs a user's token/);
  assert.equal((await api("node1", "/api/kill", "ob1.bad.token", { pid: bob })).status, 401);
  const otherCa = path.join(dir, "other-ca");
  await issue(["cluster", "init", otherCa]);
  const forged = await api("node1", "/api/cluster", issueToken(otherCa, "ada", "admin", 1));
  assert.equal(forged.status, 401);
  assert.equal(forged.body.error, "the token is not signed by this cluster's CA");
  // Alice's token with its claims changed to admin: the signature no longer matches.
  const [prefix, claims, signature] = token("alice").split(".");
  const raised = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(claims!, "base64url").toString()), role: "admin" })).toString("base64url");
  assert.equal((await api("node1", "/api/cluster", `${prefix}.${raised}.${signature}`)).status, 401);
  for (const open of ["/metrics", "/healthz", "/readyz"]) assert.equal((await api("node1", open)).status, 200, `${open} stays open`);

  assert.equal((await api("node1", "/api/kill", token("alice"), { pid: alice })).status, 200, "alice kills her own");
  assert.equal((await alices).code, 137);
  assert.equal((await api("node2", "/api/kill", token("ada"), { pid: bob })).status, 200, "an admin kills anyone's");
  assert.equal((await bobs).code, 137);

  const lines = auditLines();
  const has = (pattern: RegExp): boolean => lines.some((line) => pattern.test(line));
  assert.ok(has(new RegExp(`Z alice user kill ${bob}: refused: EACCES: user 'alice' lacks the right 'every-process'`)), lines.join("\n"));
  assert.ok(has(new RegExp(`Z vic viewer kill ${alice}: refused: EACCES: viewer 'vic' lacks the right 'kill'$`)), lines.join("\n"));
  assert.ok(has(new RegExp(`Z alice user kill ${alice}: ok$`)), lines.join("\n"));
  assert.ok(has(new RegExp(`Z ada admin kill ${bob}: ok$`)), lines.join("\n"));
});

test("a revoked user is refused on every node, their open connection closed, after a restart too; user add again makes a new credential", async () => {
  const carls = runInBackground("carl", "node2");
  await pidOf("carl");
  const byAlice = await as("alice", ["user", "revoke", "carl"]);
  assert.equal(byAlice.code, 1);
  assert.match(byAlice.stderr, /^onebox: .*user 'alice' lacks the right 'revoke'\n$/);

  const revoked = await as("ada", ["user", "revoke", "carl"]);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.equal(revoked.stdout.trim(), "revoked user 'carl' on node1, node2");
  // carl's run talked to node2: its connection is closed, with the reason.
  const ended = await carls;
  assert.notEqual(ended.code, 0);
  assert.match(ended.stderr, /revoked/);
  for (const node of ["node1", "node2"]) {
    const ps = await as("carl", ["ps"], node);
    assert.equal(ps.code, 1);
    assert.match(ps.stderr, /^onebox: .*the credentials of user 'carl' were revoked at \S+\n$/);
    const http = await api(node, "/api/cluster", token("carl"));
    assert.equal(http.status, 401);
    assert.match(http.body.error!, /the credentials of user 'carl' were revoked/);
  }

  // A node that was not there learns it when it joins; restarted, it keeps it: alone, with
  // no member to learn it from, it still refuses carl.
  await startNode("node3");
  assert.equal((await api("node3", "/api/cluster", token("carl"))).status, 401);
  await stopNodeProcess(nodes.get("node3")!);
  await startNode("node3", true);
  assert.equal((await api("node3", "/api/cluster", token("carl"))).status, 401, "node3 kept the list across its restart");
  await stopNodeProcess(nodes.get("node3")!);

  // To change a role: revoke, then add.
  await issue(["user", "add", "carl", "--role", "viewer", "--ca-dir", caDir, "--out", cred("carl")]);
  assert.equal((await as("carl", ["whoami"], "node2")).stdout.trim(), "carl viewer");
  assert.equal((await api("node2", "/api/cluster", token("carl"))).status, 200);

  const lines = auditLines();
  assert.ok(lines.some((l) => /Z ada admin revoke user carl: ok$/.test(l)), lines.join("\n"));
  assert.ok(lines.some((l) => /Z alice user revoke user carl: refused: EACCES/.test(l)), lines.join("\n"));
  // Refused on both ways in: ps over wss, and the token over https.
  const refusals = lines.filter((l) => /Z carl user connect: refused: EACCES: the credentials of user 'carl' were revoked/.test(l));
  assert.ok(refusals.length >= 4, lines.join("\n"));
});

test("a revoked node is cut off and cannot rejoin", async () => {
  const down = async (): Promise<true | undefined> => {
    const listed = JSON.parse((await as("ada", ["nodes", "--json"])).stdout) as { name: string; state: string }[];
    return (listed.find((m) => m.name === "node3")?.state ?? "down") === "down" ? true : undefined;
  };
  // node3 of the test before is gone: it joins under its name once the old one is declared down.
  await until("the old node3 to be declared down", down);
  await startNode("node3");
  const revoked = await as("ada", ["cluster", "revoke", "node3"]);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.equal(revoked.stdout.trim(), "revoked node 'node3' on node1, node2, node3");
  await until("node3 to be declared down", down);
  await stopNodeProcess(nodes.get("node3")!);
  await assert.rejects(startNode("node3"), /the credentials of node 'node3' were revoked/);
});

test("nobody but a node sends a revocation list, and an admin's revocation dated ahead or malformed is refused", async () => {
  const connectAs = async (who: string): Promise<Channel> => {
    const conn = await new WsTransport(credentialsIn(cred(who))).connect(url("node1"));
    const identity = { cluster: DEFAULT_CLUSTER_NAME, name: who, secret: fs.readFileSync(secretFile), log: () => {}, clock: realClock };
    return new Channel(conn, await clientHandshake(identity, conn), () => {});
  };
  const now = Math.floor(Date.now() / 1000);
  const ada = await connectAs("ada");
  try {
    // As a node would send it: an admin is a user, and users may not.
    await assert.rejects(ada.call({ revoked: { revoked: [{ name: "alice", node: false, before: now }] } }), /EACCES: admin 'ada' may not send 'revoked': only member nodes do/);
    await assert.rejects(ada.call({ revoke: { revoked: [{ name: "alice", node: false, before: now + 3600 }] } }), /EINVAL: the revocation of 'alice' is dated .* more than 300 s ahead/);
    await assert.rejects(ada.call({ revoke: { revoked: [{ name: "../alice", node: false, before: now }] } }), /EINVAL: name '\.\.\/alice'/);
  } finally {
    ada.close("done");
  }
  assert.equal((await api("node1", "/api/cluster", token("alice"))).status, 200, "alice was revoked by none of these");
});
