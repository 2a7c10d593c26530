// Processes an operator manages on a real local cluster (node processes on loopback):
// run -d, logs (--follow, --json), attach and detach, top and ps with CPU time.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { httpGet } from "../host/observe/http-get.ts";
import { onebox, startOnebox } from "./helpers/cli.ts";
import { guest, tempDir } from "./helpers/guests.ts";
import { freePorts } from "./helpers/ports.ts";

const dir = tempDir("onebox-ops");
let module = "";

before(async () => {
  module = await guest("ops");
  const up = await onebox(["cluster", "up", "--nodes", "2", "--base-port", String(await freePorts(2))], dir);
  assert.equal(up.code, 0, up.stderr);
});

after(async () => {
  const down = await onebox(["cluster", "down"], dir);
  assert.equal(down.code, 0, down.stderr);
});

/** `run -d` on node2: exits 0 having printed only the pid. */
async function runDetached(...args: string[]): Promise<number> {
  const ran = await onebox(["run", "-d", "--on", "node2", module, ...args], dir);
  assert.equal(ran.code, 0, ran.stderr);
  assert.match(ran.stdout, /^\d+\n$/);
  return Number(ran.stdout);
}

interface PsRow { pid: number; state: string; cpuTimeNs: number; memoryBytes: number; node: string }

async function psRow(pid: number): Promise<PsRow | undefined> {
  const ps = await onebox(["ps", "--json"], dir);
  assert.equal(ps.code, 0, ps.stderr);
  return (JSON.parse(ps.stdout) as PsRow[]).find((p) => p.pid === pid);
}

test("run -d prints the pid; logs prints its output; logs --follow streams new output until it ends", async () => {
  const flag = path.join(dir, ".onebox", "nodes", "node2", "part-two");
  const pid = await runDetached("two-parts", "/part-two");
  const follow = startOnebox(["logs", "--follow", String(pid)], dir);
  await follow.waitFor("part one\n");
  const now = await onebox(["logs", String(pid)], dir);
  assert.equal(now.code, 0, now.stderr);
  assert.equal(now.stdout, "part one\n");
  assert.equal(now.stderr, "part one on stderr\n", "its stderr to stderr, and no end: it runs");
  // Part two is written only now, so the follower can have it only by following.
  fs.writeFileSync(flag, "");
  const followed = await follow.ended;
  assert.equal(followed.code, 0, followed.stderr);
  assert.equal(followed.stdout, "part one\npart two\n");
  assert.match(followed.stderr, /ended: normal, status 7/);
  const json = await onebox(["logs", "--json", String(pid)], dir);
  assert.equal(json.code, 0, json.stderr);
  const lines = json.stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(lines, [
    { pid, stream: "stdout", text: "part one\n" },
    { pid, stream: "stderr", text: "part one on stderr\n" },
    { pid, stream: "stdout", text: "part two\n" },
    { pid, exit: { reason: "NORMAL", status: 7, text: "exit" } },
  ]);
});

test("a process that writes 4 MiB keeps its newest 256 KiB on its node; logs says how much was dropped", async () => {
  const pid = await runDetached("flood", "4096");
  const follow = await onebox(["logs", "--follow", String(pid)], dir);
  assert.equal(follow.code, 0, follow.stderr);
  const logs = await onebox(["logs", "--json", String(pid)], dir);
  const lines = logs.stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as { text?: string; dropped?: number; exit?: { status: number } });
  const kept = lines.map((l) => l.text ?? "").join("");
  const dropped = lines.find((l) => l.dropped !== undefined)!.dropped!;
  assert.equal(kept.length + dropped, 4096 * 1024, "every byte is either kept or counted as dropped");
  assert.ok(kept.length <= 256 * 1024 && kept.length > 200 * 1024, `kept ${kept.length} bytes`);
  assert.ok(kept.endsWith(`${"4095".padStart(8, "0")} ${"x".repeat(1014)}\n`), "the newest output is kept");
  assert.equal(lines.at(-1)!.exit?.status, 0);
});

test("attach sends input and shows output; Ctrl-C detaches and leaves it running; a second attach ends with its status", async () => {
  const pid = await runDetached("echo");
  const first = startOnebox(["attach", String(pid)], dir);
  first.child.stdin!.write("hello\n");
  await first.waitFor("echo: HELLO\n");
  const busy = await onebox(["attach", String(pid)], dir);
  assert.equal(busy.code, 1);
  assert.match(busy.stderr, /^onebox: attach \d+: EBUSY: .*already has a client attached\n$/);
  first.child.kill("SIGINT");
  const detached = await first.ended;
  assert.equal(detached.code, 0, detached.stderr);
  assert.match(detached.stderr, /detached from process \d+; it runs on/);
  assert.notEqual((await psRow(pid))?.state ?? "gone", "gone", "still running after the detach");
  const second = startOnebox(["attach", String(pid)], dir);
  second.child.stdin!.write("again\n");
  await second.waitFor("echo: AGAIN\n");
  second.child.stdin!.end();
  const ended = await second.ended;
  assert.equal(ended.code, 5, ended.stderr);
  assert.equal(ended.stdout, "echo: AGAIN\necho done\n", "output from the attach on only");
  const logs = await onebox(["logs", String(pid)], dir);
  assert.equal(logs.stdout, "echo ready\necho: HELLO\necho: AGAIN\necho done\n");
});

test("top --once --json shows a busy process's CPU and syscalls; ps shows its CPU time and memory", async () => {
  const pid = await runDetached("busy");
  try {
    const top = await onebox(["top", "--once", "--json", "--interval", "0.5"], dir);
    assert.equal(top.code, 0, top.stderr);
    const row = (JSON.parse(top.stdout) as { pid: number; node: string; cpuPercent: number; cpuTimeNs: number; syscallsPerSecond: number; memoryBytes: number; mailboxDepth: number }[]).find((r) => r.pid === pid);
    assert.ok(row, `pid ${pid} in top: ${top.stdout}`);
    assert.equal(row.node, "node2");
    assert.ok(row.cpuPercent > 0 && row.cpuTimeNs > 0, `busy, yet ${JSON.stringify(row)}`);
    assert.ok(row.cpuPercent <= 100, `one guest runs on one core at most: ${JSON.stringify(row)}`);
    assert.ok(row.syscallsPerSecond > 0, `calls getpid in a loop, yet ${JSON.stringify(row)}`);
    assert.ok(row.memoryBytes > 0);
    assert.equal(row.mailboxDepth, 0);
    const ps = await psRow(pid);
    assert.ok(ps && ps.cpuTimeNs > 0 && ps.memoryBytes > 0, JSON.stringify(ps));
    const table = await onebox(["ps"], dir);
    assert.match(table.stdout.split("\n")[0]!, /PID\s+NODE\s+PPID\s+OWNER\s+STATE\s+UPTIME\s+CPU\s+MEMORY\s+MODULE/);
    const text = await onebox(["top", "--once", "--interval", "0.2"], dir);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^node2: \d+ processes, cpu [\d.]+%/m);
    assert.match(text.stdout, /NODE\s+PID\s+PPID\s+STATE\s+CPU%\s+CPU\s+MEMORY\s+MAILBOX\s+SYSCALLS\/S\s+MODULE/);
  } finally {
    assert.equal((await onebox(["kill", String(pid)], dir)).code, 0);
  }
});

test("the new commands refuse what they cannot do in one line: usage 2, failure 1", async () => {
  const oneLine = (result: { stderr: string }) => assert.match(result.stderr, /^onebox: [^\n]+\n$/);
  for (const args of [["logs"], ["logs", "--bogus", "1"], ["attach", "x"], ["top", "--interval", "soon"], ["logs", "1", "2"]]) {
    const result = await onebox(args, dir);
    assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
    oneLine(result);
  }
  const nowhere = await onebox(["logs", String((99 << 20) | 1)], dir);
  assert.equal(nowhere.code, 1);
  assert.match(nowhere.stderr, /no node 99/);
  const gone = await onebox(["logs", String((1 << 20) | 999_999)], dir);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /ESRCH/);
  oneLine(gone);
  const noCluster = await onebox(["run", "-d", module], tempDir("onebox-ops-none"));
  assert.equal(noCluster.code, 1);
  assert.match(noCluster.stderr, /no cluster/);
  for (const command of ["logs", "attach", "top"]) {
    const help = await onebox([command, "--help"], dir);
    assert.equal(help.code, 0);
    assert.match(help.stdout, new RegExp(`^usage: onebox ${command}`));
  }
});

test("onebox dashboard prints the URL with the token of the admin credential cluster up made, and the API takes it", async () => {
  const printed = await onebox(["dashboard", "--json"], dir);
  assert.equal(printed.code, 0, printed.stderr);
  const url = new URL((JSON.parse(printed.stdout) as { url: string }).url);
  const users = path.join(dir, ".onebox", "users");
  const [me] = fs.readdirSync(users);
  assert.equal(url.hash, `#token=${fs.readFileSync(path.join(users, me!, "token"), "utf8").trim()}`);
  const get = (headers?: Record<string, string>) =>
    httpGet(`${url.origin}/api/cluster`, { ca: fs.readFileSync(path.join(dir, ".onebox", "ca", "ca.pem")), headers, timeoutMs: 60_000 });
  const answer = await get({ authorization: `Bearer ${url.hash.slice("#token=".length)}` });
  assert.equal(answer.status, 200, answer.body);
  assert.deepEqual((JSON.parse(answer.body) as { nodes: { name: string }[] }).nodes.map((n) => n.name), ["node1", "node2"]);
  assert.equal((await get()).status, 401);
});
