// A node's HTTP side on a real 3-node cluster (three node processes on loopback):
// /metrics after a workload, /healthz and /readyz, and hostile HTTP requests.
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { after, before, test } from "node:test";
import { dashboardToken, httpUrlOf } from "../host/observe/dashboard-token.ts";
import { onebox } from "./helpers/cli.ts";
import { startNodeProcess, stopNodeProcess, type NodeProcess } from "./helpers/cluster.ts";
import { guest, tempDir } from "./helpers/guests.ts";

const dir = tempDir("onebox-observe");
const secretFile = path.join(dir, "secret");
const nodes: NodeProcess[] = [];
const http = (node: NodeProcess) => httpUrlOf(node.url);

before(async () => {
  fs.writeFileSync(secretFile, "observe test secret");
  nodes.push(await startNodeProcess("node1", { secretFile, heartbeatMs: 500, cwd: dir }));
  for (const name of ["node2", "node3"]) nodes.push(await startNodeProcess(name, { join: nodes[0]!.url, secretFile, heartbeatMs: 500, cwd: dir }));
});

after(async () => {
  await Promise.all(nodes.map(stopNodeProcess));
});

/** The samples of one metric family as label-text -> value, from Prometheus's text format. */
function samples(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`).exec(line);
    if (match) out.set(match[1] ?? "", Number(match[2]));
  }
  return out;
}
const total = (text: string, name: string, labels = ""): number =>
  [...samples(text, name)].filter(([l]) => l.includes(labels)).reduce((sum, [, v]) => sum + v, 0);

async function scrape(node: NodeProcess): Promise<string> {
  const response = await fetch(`${http(node)}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  return response.text();
}

test("/metrics on every node counts a workload: processes, exits, syscalls, messages per peer, heartbeats", async () => {
  const wasm = await guest("mesh");
  const run = await onebox(["run", "--cluster", nodes[0]!.url, "--secret-file", secretFile, "--on", "node1", wasm, "main", "node2", "node3"], dir);
  assert.equal(run.code, 0, run.stderr);
  const texts = await Promise.all(nodes.map(scrape));
  for (const [i, text] of texts.entries()) {
    const name = nodes[i]!.name;
    for (const family of ["onebox_processes", "onebox_processes_started_total", "onebox_process_exits_total", "onebox_syscalls_total",
      "onebox_syscall_duration_seconds", "onebox_peer_messages_total", "onebox_peer_bytes_total", "onebox_mailbox_messages",
      "onebox_locks", "onebox_heartbeats_total", "onebox_members", "nodejs_eventloop_lag_p99_seconds"]) {
      assert.match(text, new RegExp(`^# TYPE ${family} `, "m"), `${name} declares ${family}`);
    }
    assert.ok(total(text, "onebox_processes_started_total") > 0, `${name} started processes`);
    assert.ok(total(text, "onebox_process_exits_total") > 0, `${name} saw processes end`);
    assert.ok(total(text, "onebox_syscalls_total") > 0, `${name} served syscalls`);
    assert.ok(total(text, "onebox_heartbeats_total", 'direction="received"') > 0, `${name} heard heartbeats`);
    assert.equal(total(text, "onebox_members", 'state="alive"'), 3, `${name} sees three members alive`);
    // node1 runs the guest, whose children run on node2 and node3: each talks with node1.
    for (const peer of i === 0 ? nodes.slice(1) : nodes.slice(0, 1)) {
      assert.ok(total(text, "onebox_peer_messages_total", `peer="${peer.name}"`) > 0, `${name} exchanged messages with ${peer.name}`);
      assert.ok(total(text, "onebox_peer_bytes_total", `peer="${peer.name}"`) > 0, `${name} exchanged bytes with ${peer.name}`);
    }
    assert.match(text, new RegExp(`onebox_processes\\{node="${name}"\\} \\d`), "every sample names its node");
  }
  assert.ok(total(texts[0]!, "onebox_syscalls_total", 'call="spawn"') > 0, "node1's guest spawned");
  assert.ok(texts.some((text) => total(text, "onebox_process_exits_total", 'reason="KILLED"') > 0), "the guest's kill shows on the node its victim ran");
  const timed = texts.reduce((sum, text) => sum + total(text, "onebox_syscall_duration_seconds_count"), 0);
  assert.ok(timed > 0, "one call in 64 is timed into the histogram");
  assert.ok(total(texts[0]!, "onebox_syscall_duration_seconds_bucket", 'le="+Inf"') === total(texts[0]!, "onebox_syscall_duration_seconds_count"));
});

test("/healthz and /readyz answer on every node", async () => {
  for (const node of nodes) {
    const health = await fetch(`${http(node)}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(await health.text(), "ok\n");
    const ready = await fetch(`${http(node)}/readyz`);
    assert.equal(ready.status, 200, await ready.clone().text());
  }
  const wrongMethod = await fetch(`${http(nodes[1]!)}/healthz`, { method: "POST" });
  assert.equal(wrongMethod.status, 405);
  assert.equal((await fetch(`${http(nodes[1]!)}/nothing`)).status, 404);
});

test("the dashboard's API needs the token derived from the secret", async () => {
  assert.equal((await fetch(`${http(nodes[1]!)}/api/cluster`)).status, 401);
  assert.equal((await fetch(`${http(nodes[1]!)}/api/cluster`, { headers: { authorization: "Bearer wrong" } })).status, 401);
  const token = dashboardToken(fs.readFileSync(secretFile));
  const response = await fetch(`${http(nodes[1]!)}/api/cluster`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200);
  const view = (await response.json()) as { nodes: { name: string }[]; locals: { node: string; error?: string }[] };
  assert.deepEqual(view.nodes.map((n) => n.name), ["node1", "node2", "node3"]);
  assert.deepEqual(view.locals.map((l) => `${l.node}:${l.error ?? "ok"}`), ["node1:ok", "node2:ok", "node3:ok"]);
  const noSuch = await fetch(`${http(nodes[1]!)}/api/kill`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ pid: (3 << 20) | 99999 }) });
  assert.equal(noSuch.status, 404, await noSuch.clone().text());
});

test("onebox dashboard prints the URL with the token, or one line saying why not", async () => {
  const printed = await onebox(["dashboard", "--cluster", nodes[1]!.url, "--secret-file", secretFile, "--json"], dir);
  assert.equal(printed.code, 0, printed.stderr);
  const token = dashboardToken(fs.readFileSync(secretFile));
  assert.deepEqual(JSON.parse(printed.stdout), { url: `${http(nodes[1]!)}/dashboard/#token=${token}` });
  const page = await fetch(`${http(nodes[1]!)}/dashboard/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<script type="module" src="app.js">/);
  const unreachable = await onebox(["dashboard", "--cluster", "ws://127.0.0.1:1", "--secret-file", secretFile], dir);
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, /^onebox: cannot reach the node at http:\/\/127\.0\.0\.1:1: .+\n$/);
});

/** Send raw bytes to a node's port and read what it answers until it closes. */
function raw(node: NodeProcess, bytes: string | Buffer): Promise<string> {
  const { hostname, port } = new URL(http(node));
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString("latin1")));
    socket.on("error", (error) => ((error as NodeJS.ErrnoException).code === "ECONNRESET" ? resolve(answer) : reject(error)));
    socket.on("close", () => resolve(answer));
    socket.end(bytes);
  });
}

test("malformed and huge HTTP requests are refused and the node goes on serving", async () => {
  const target = nodes[2]!;
  const token = dashboardToken(fs.readFileSync(secretFile));
  assert.match(await raw(target, "NONSENSE \x01\x02\r\n\r\n"), /^HTTP\/1\.1 400/);
  assert.match(await raw(target, `GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(100_000)}\r\n\r\n`), /^HTTP\/1\.1 431/);
  assert.match(await raw(target, `GET /${"a".repeat(3000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`), /^HTTP\/1\.1 414/);
  const huge = Buffer.alloc(1 << 20, "x");
  assert.match(await raw(target, Buffer.concat([Buffer.from(`POST /api/kill HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Length: ${huge.length}\r\n\r\n`), huge])), /^HTTP\/1\.1 413/);
  const chunked = `POST /api/kill HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nTransfer-Encoding: chunked\r\n\r\n${"1000\r\n" + "y".repeat(4096) + "\r\n"}${"1000\r\n" + "y".repeat(4096) + "\r\n"}0\r\n\r\n`;
  assert.match(await raw(target, chunked), /^HTTP\/1\.1 413/);
  assert.match(await raw(target, `POST /api/kill HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{"pi`), /^HTTP\/1\.1 400/);
  assert.equal(target.child.exitCode, null, target.log());
  assert.equal((await fetch(`${http(target)}/healthz`)).status, 200);
  const listed = await onebox(["nodes", "--cluster", target.url, "--secret-file", secretFile, "--json"], dir);
  assert.equal(listed.code, 0, listed.stderr);
  assert.equal((JSON.parse(listed.stdout) as unknown[]).length, 3, "the mesh on the same port still serves");
});

test("a member whose coordinator is gone is alive but not ready", async () => {
  await stopNodeProcess(nodes[0]!);
  const node2 = nodes[1]!;
  let status = 0;
  let body = "";
  for (const deadline = performance.now() + 30_000; performance.now() < deadline; ) {
    const response = await fetch(`${http(node2)}/readyz`);
    status = response.status;
    body = await response.text();
    if (status === 503) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(status, 503);
  assert.match(body, /^not ready: /);
  assert.equal((await fetch(`${http(node2)}/healthz`)).status, 200);
});
