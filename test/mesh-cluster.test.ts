import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { WebSocket } from "ws";
import { ABI_VERSION, errno } from "../abi/abi.ts";
import { DEFAULT_CLUSTER_NAME } from "../host/cli/cluster-options.ts";
import { WsTransport } from "../host/transport/ws-transport.ts";
import { decodeFrame, encodeFrame, type Frame } from "../host/transport/wire.ts";
import { onebox } from "./helpers/cli.ts";
import { keyed, startNodeProcess, stopNodeProcess, waitFor, type NodeProcess } from "./helpers/cluster.ts";
import { guest, REPO, tempDir } from "./helpers/guests.ts";

const HEARTBEAT_MS = 500;
const E = (name: Parameters<typeof errno>[0]) => String(-errno(name));

const dir = tempDir("onebox-mesh");
const secretFile = path.join(dir, "secret");
const nodes: NodeProcess[] = [];
let wasm = "";

const cli = (...args: string[]) => onebox([...args, "--secret-file", secretFile], dir);
/** `onebox run` with the guest's arguments after the module. */
const run = (on: string, ...guestArgs: string[]) => onebox(["run", "--cluster", nodes[0]!.url, "--secret-file", secretFile, "--on", on, wasm, ...guestArgs], dir);

/** Pids `onebox ps` shows on `node`, once there is at least one (asked through `via`). */
async function processesOn(node: string, via = nodes[0]!.url): Promise<number[]> {
  for (let tries = 0; tries < 100; tries++) {
    const procs = JSON.parse((await cli("ps", "--cluster", via, "--json")).stdout) as { pid: number; node: string }[];
    const pids = procs.filter((p) => p.node === node).map((p) => p.pid);
    if (pids.length > 0) return pids;
  }
  throw new Error(`no process showed up on ${node}`);
}

before(async () => {
  wasm = await guest("mesh");
  fs.writeFileSync(secretFile, "mesh test secret");
  nodes.push(await startNodeProcess("node1", { secretFile, heartbeatMs: HEARTBEAT_MS, cwd: dir }));
  for (const name of ["node2", "node3"]) nodes.push(await startNodeProcess(name, { join: nodes[0]!.url, secretFile, heartbeatMs: HEARTBEAT_MS, cwd: dir }));
});

after(async () => {
  await Promise.all(nodes.map(stopNodeProcess));
});

test("three node processes: every routed syscall, driven by onebox run --cluster --on", async () => {
  const listed = JSON.parse((await cli("nodes", "--cluster", nodes[0]!.url, "--json")).stdout) as { name: string; state: string }[];
  assert.deepEqual(listed.map((m) => `${m.name}:${m.state}`), ["node1:alive", "node2:alive", "node3:alive"]);
  const result = await run("node1", "main", "node2", "node3");
  assert.equal(result.code, 0, result.stderr);
  const out = keyed(result.stdout.split("\n").filter(Boolean));
  assert.equal(out.get("echo.node"), "2");
  assert.equal(out.get("order"), "true");
  assert.equal(out.get("monitor.down"), "killed true");
  assert.equal(out.get("kill.wait"), "137/1");
  assert.equal(out.get("child.read"), "hello from home");
  assert.equal(out.get("read.back"), "12X45");
  assert.equal(out.get("trylock.busy"), E("EBUSY"));
  assert.equal(out.get("lock.token-grows"), "true");
  assert.equal(out.get("whereis"), "true");
  assert.equal(out.get("spawn.unknown"), E("EHOSTUNREACH"));
});

test("ps lists processes cluster-wide and kill ends one on another node", async () => {
  const sleeper = spawn(process.execPath, [path.join(REPO, "host/cli/main.ts"), "run", "--cluster", nodes[0]!.url, "--secret-file", secretFile, "--on", "node2", wasm, "sleep"], { cwd: dir, stdio: "pipe" });
  const ended = new Promise<number | null>((resolve) => sleeper.once("exit", resolve));
  const [target] = await processesOn("node2", nodes[2]!.url);
  assert.equal((await cli("kill", "--cluster", nodes[0]!.url, String(target))).code, 0);
  assert.equal(await ended, 137, "run exits with the killed process's status");
  const again = await cli("kill", "--cluster", nodes[0]!.url, String(target));
  assert.equal(again.code, 1);
  assert.match(again.stderr, /ESRCH/);
});

test("a wrong secret is refused, with a clear line on both sides", async () => {
  const wrong = path.join(dir, "wrong-secret");
  fs.writeFileSync(wrong, "not the secret");
  const result = await onebox(["nodes", "--cluster", nodes[0]!.url, "--secret-file", wrong], dir);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /does not know the cluster secret/);
  assert.equal(result.stderr.trim().split("\n").length, 1, "one line");
  await assert.rejects(startNodeProcess("intruder", { join: nodes[0]!.url, secretFile: wrong, heartbeatMs: HEARTBEAT_MS, cwd: dir }), /refused|secret/);
  assert.match(nodes[0]!.log(), /refused connection from (cli|intruder).*HMAC mismatch/);
});

test("a wrong cluster name is refused, with a clear line on both sides", async () => {
  const result = await cli("nodes", "--cluster", nodes[0]!.url, "--cluster-name", "elsewhere");
  assert.equal(result.code, 1);
  assert.match(result.stderr, /refused: cluster 'elsewhere' is not this cluster/);
  assert.equal(result.stderr.trim().split("\n").length, 1, "one line");
  await assert.rejects(
    startNodeProcess("stranger", { join: nodes[0]!.url, secretFile, heartbeatMs: HEARTBEAT_MS, cwd: dir, args: ["--cluster-name", "elsewhere"] }),
    /cluster 'elsewhere' is not this cluster/,
  );
  assert.match(nodes[0]!.log(), /refused connection from \S+: cluster 'elsewhere' is not this cluster '/);
});

/** One frame from a bare connection, as a peer of another onebox version would see it. */
const nextFrame = (conn: Awaited<ReturnType<WsTransport["connect"]>>): Promise<Frame> =>
  new Promise((resolve, reject) => conn.setHandlers((bytes) => resolve(decodeFrame(bytes)), reject));

test("a peer of another ABI version is refused, with a clear line on both sides", async () => {
  const other = ABI_VERSION + 1;
  const hello = (proof?: Uint8Array) => encodeFrame({ hello: { cluster: DEFAULT_CLUSTER_NAME, abiVersion: other, nonce: randomBytes(32), name: "future", proof } });

  // A newer client dials a node: the node refuses it and says why.
  const conn = await new WsTransport().connect(nodes[0]!.url);
  const answer = nextFrame(conn);
  conn.send(hello());
  const refusal = await answer;
  conn.close("done");
  assert.ok("refuse" in refusal && refusal.refuse, `the node answers with a refusal: ${JSON.stringify(refusal)}`);
  assert.match(refusal.refuse.reason, new RegExp(`ABI version ${other} is not this node's ${ABI_VERSION}`));
  await waitFor("the node's log line", () => new RegExp(`refused connection from \\S+: ABI version ${other} is not`).test(nodes[0]!.log()));

  // The CLI dials a newer node: the CLI refuses it, says why, and tells the node.
  let told = "";
  const server = await new WsTransport().listen("127.0.0.1:0", (peer) => {
    peer.setHandlers(
      (bytes) => {
        const frame = decodeFrame(bytes);
        if ("hello" in frame && frame.hello) peer.send(hello(new Uint8Array(32)));
        if ("refuse" in frame && frame.refuse) told = frame.refuse.reason;
      },
      () => {},
    );
  });
  try {
    const result = await cli("nodes", "--cluster", server.url);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`ABI version ${other} is not this node's ${ABI_VERSION}`));
    assert.equal(result.stderr.trim().split("\n").length, 1, "one line");
    await waitFor("the refusal to reach the newer node", () => told !== "");
    assert.match(told, /ABI version/);
  } finally {
    await server.close();
  }
});

test("a malformed frame closes only its own connection", async () => {
  const socket = new WebSocket(nodes[0]!.url);
  await new Promise((resolve) => socket.once("open", resolve));
  const closed = new Promise((resolve) => socket.once("close", resolve));
  socket.send(Buffer.from([0xff, 0xff, 0xff, 0x01, 0x02]));
  await closed;
  assert.equal((await cli("nodes", "--cluster", nodes[0]!.url)).code, 0, "the node lives on");
});

test("kill -9 of a node: monitors fire noconnection within two heartbeat timeouts, its lock passes on", async () => {
  const holder = spawn(process.execPath, [path.join(REPO, "host/cli/main.ts"), "run", "--cluster", nodes[0]!.url, "--secret-file", secretFile, "--on", "node3", wasm, "holder", "K9"], { cwd: dir, stdio: "pipe" });
  const holderEnded = new Promise((resolve) => holder.once("exit", resolve));
  let holderOut = "";
  holder.stdout.on("data", (chunk: Buffer) => void (holderOut += chunk.toString()));
  await waitFor("the holder's token", () => holderOut.includes("holder.token="), 60_000);
  const holderToken = BigInt(keyed(holderOut.split("\n").filter(Boolean)).get("holder.token")!);
  const holderPid = (await processesOn("node3"))[0]!;
  const waiter = run("node2", "lockwait", "K9");
  // --scope owner: the watcher watches a process another run started.
  const watcher = onebox(["run", "--cluster", nodes[0]!.url, "--secret-file", secretFile, "--on", "node1", "--scope", "owner", wasm, "watch", String(holderPid)], dir);
  await processesOn("node2");
  await processesOn("node1");

  const killedAt = performance.now();
  nodes[2]!.child.kill("SIGKILL");
  const watched = await watcher;
  const elapsed = performance.now() - killedAt;
  assert.equal(keyed(watched.stdout.split("\n").filter(Boolean)).get("watch.down"), "noconnection", watched.stderr);
  // Two heartbeat timeouts, plus the watcher's CLI printing and exiting.
  assert.ok(elapsed < 2 * HEARTBEAT_MS + 1000, `monitor fired ${elapsed.toFixed(0)} ms after the kill`);
  const waited = await waiter;
  const waiterToken = BigInt(keyed(waited.stdout.split("\n").filter(Boolean)).get("waiter.token") ?? "0");
  assert.ok(waiterToken > holderToken, `the waiter's token ${waiterToken} after the dead holder's ${holderToken}: ${waited.stderr}`);
  await holderEnded;
  const listed = JSON.parse((await cli("nodes", "--cluster", nodes[0]!.url, "--json")).stdout) as { name: string; state: string }[];
  assert.equal(listed.find((m) => m.name === "node3")?.state, "down");
});
