// Default confinement of guests, on real node processes over mutual TLS: a process may
// kill, monitor and link only its descendants (on any node) unless its root asked for
// `--scope owner`, and a user's processes change only their home (home/<user>/ on every
// node) unless the user is an admin; --ro and --rw narrow a root further.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { errno } from "../abi/abi.ts";
import { credentialsIn } from "../host/auth/certificates.ts";
import { onebox, startOnebox, type RunningCli } from "./helpers/cli.ts";
import { startNodeProcess, stopNodeProcess, type NodeProcess } from "./helpers/cluster.ts";
import { guest, tempDir } from "./helpers/guests.ts";

const HEARTBEAT_MS = 500;
const dir = tempDir("onebox-scope");
const secretFile = path.join(dir, "secret");
const caDir = path.join(dir, "ca");
const nodes: NodeProcess[] = [];
const background: RunningCli[] = [];
let wasm = "";

const cred = (name: string): string => path.join(dir, "creds", name);
const clientArgs = (who: string): string[] => ["--cluster", nodes[0]!.url, "--secret-file", secretFile, "--credentials", cred(who)];
/** `onebox run` as `who` with `options`, on `node`, of the scope guest with `guestArgs`. */
const runArgs = (who: string, node: string, options: string[], guestArgs: string[]): string[] => ["run", ...clientArgs(who), "--on", node, ...options, wasm, ...guestArgs];

async function issue(args: string[]): Promise<void> {
  const result = await onebox(args, dir);
  assert.equal(result.code, 0, result.stderr);
}

/** The key=value lines of a run that must succeed. */
async function run(who: string, node: string, options: string[], ...guestArgs: string[]): Promise<Record<string, string>> {
  const result = await onebox(runArgs(who, node, options, guestArgs), dir);
  assert.equal(result.code, 0, result.stderr);
  return Object.fromEntries(result.stdout.trim().split("\n").map((line) => line.split("=") as [string, string]));
}

/** An idle process of `who` on `node`, left running; its pid, from ps. */
async function idle(who: string, node: string): Promise<number> {
  const listed = async (): Promise<{ pid: number; node: string }[]> => JSON.parse((await onebox(["ps", ...clientArgs(who), "--json"], dir)).stdout);
  const before = new Set((await listed()).map((p) => p.pid));
  background.push(startOnebox(runArgs(who, node, [], ["idle"]), dir));
  for (let tries = 0; ; tries++) {
    assert.ok(tries < 300, `${who}'s idle process on ${node} never showed in ps`);
    const fresh = (await listed()).find((p) => p.node === node && !before.has(p.pid));
    if (fresh) return fresh.pid;
  }
}

before(async () => {
  wasm = await guest("scope");
  fs.writeFileSync(secretFile, "scope test secret", { mode: 0o600 });
  await issue(["cluster", "init", caDir]);
  for (const node of ["node1", "node2", "node3"]) await issue(["cluster", "cert", node, "--ca-dir", caDir, "--out", cred(node)]);
  await issue(["user", "add", "alice", "--role", "user", "--ca-dir", caDir, "--out", cred("alice")]);
  await issue(["user", "add", "ada", "--role", "admin", "--ca-dir", caDir, "--out", cred("ada")]);
  for (const name of ["node1", "node2", "node3"]) {
    const { caFile, certFile, keyFile } = credentialsIn(cred(name));
    nodes.push(await startNodeProcess(name, { join: nodes[0]?.url, secretFile, heartbeatMs: HEARTBEAT_MS, cwd: dir, args: ["--ca", caFile, "--cert", certFile, "--key", keyFile, "--audit-file", path.join(dir, "audit", `${name}.log`)] }));
  }
  for (const name of ["node1", "node2", "node3"]) fs.writeFileSync(path.join(dir, name, "shared.txt"), `${name}'s`);
});

after(async () => {
  for (const cli of background) cli.child.kill();
  await Promise.all(background.map((cli) => cli.ended));
  await Promise.all(nodes.map(stopNodeProcess));
});

const E = (name: Parameters<typeof errno>[0]): string => String(-errno(name));

test("a user's guest on node2 cannot kill, monitor or link its own user's process on node3, nor change node1's export outside its home; it can in its home and on its grandchild; its child on node3 cannot get out", async () => {
  const victim = await idle("alice", "node3");
  const out = await run("alice", "node2", [], "attack", String(victim), "node1", "alice", "node3");
  assert.deepEqual(out, {
    kill: E("EPERM"), monitor: E("EPERM"), link: E("EPERM"),
    "unlink-other": E("EACCES"), "write-other": E("EACCES"), "unlink-local": E("EACCES"), "read-other": "0",
    "mkdir-home": "0", "mkdir-own": "0", "mkdir-other": E("EACCES"), "home-write": "0", "home-unlink": "0",
    "grandchild-monitor": "0", "grandchild-link": "0", "grandchild-kill": "0",
    "grandchild-down": "1", "grandchild-exit": "1",
    "child.kill": E("EPERM"), "child.monitor": E("EPERM"), "child.link": E("EPERM"),
    "child.unlink-other": E("EACCES"), "child.unlink-local": E("EACCES"), "child.widen": E("EINVAL"), "child.home": "0",
    "child-ended": "0",
  });
  assert.equal(fs.readFileSync(path.join(dir, "node1", "shared.txt"), "utf8"), "node1's");
  assert.equal(fs.readFileSync(path.join(dir, "node3", "shared.txt"), "utf8"), "node3's");
  assert.equal(fs.readFileSync(path.join(dir, "node1", "home", "alice", "child.txt"), "utf8"), "child");
  assert.ok(!fs.existsSync(path.join(dir, "node1", "home", "someone-else")));
  // The victim still runs; a root started with --scope owner may end it.
  assert.deepEqual(await run("alice", "node1", ["--scope", "owner"], "kill", String(victim)), { kill: "0" });
});

test("an admin's guest keeps the whole namespace; --ro and --rw narrow a root, and a grant past the user's default is refused in one line", async () => {
  assert.deepEqual(await run("ada", "node2", [], "write", "/n/node1/by-admin.txt"), { write: "0" });
  assert.deepEqual(await run("alice", "node2", ["--ro", "/"], "write", "/n/node1/home/alice/ro.txt"), { write: E("EACCES") });
  assert.deepEqual(await run("ada", "node2", ["--rw", "/n/node1/tmp", "--ro", "/"], "write", "/n/node1/by-admin.txt"), { write: E("EACCES") });
  const refused = await onebox(runArgs("alice", "node2", ["--rw", "/n/node1/etc"], ["write", "/n/node1/etc/x"]), dir);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^onebox: .*EINVAL: \/n\/node1\/etc read-write is more than the caller holds\n$/);
});

test("an embedded run (no user: the whole namespace) is narrowed by --ro and --rw; a bad --scope is one line", async () => {
  const root = tempDir();
  const embedded = (options: string[], ...guestArgs: string[]) => onebox(["run", "--root", root, ...options, wasm, ...guestArgs], dir);
  const write = async (options: string[], file: string): Promise<string> => {
    const result = await embedded(options, "write", file);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout.trim();
  };
  assert.equal(await write([], "/anywhere.txt"), "write=0");
  assert.equal(await write(["--ro", "/"], "/anywhere.txt"), `write=${E("EACCES")}`);
  fs.mkdirSync(path.join(root, "out"));
  assert.equal(await write(["--ro", "/", "--rw", "/out"], "/out/x.txt"), "write=0");
  const bad = await embedded(["--scope", "everyone"], "idle");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^onebox: --scope everyone: give owner or descendants\n/);
});
