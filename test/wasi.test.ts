// Unmodified C programs (test/wasi/*.c: wasi-libc's stdio, dirent, stat, time, poll) and
// Rust programs (test/wasi/*.rs: std::fs, std::io::stdin, Instant/SystemTime, thread::sleep)
// built with `onebox build`, run with `onebox run`, and compared with the same binary
// under Node's own node:wasi with the same directory preopened as `/`: the same output,
// locally and with the files on another node of a real two-node cluster. Where node:wasi is
// the odd one out against wasmtime, the program prints that line to stderr and the test
// checks it on onebox alone.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { ERRNO } from "../abi/abi.ts";
import { componentCacheDir } from "../host/kernel/component-loader.ts";
import { Kernel } from "../host/kernel/kernel.ts";
import { RUST_BUILD_INPUTS } from "../host/toolchain/rust.ts";
import type { ClockTimer } from "../host/clock/clock.ts";
import { VirtualClock } from "../host/clock/virtual-clock.ts";
import { onebox } from "./helpers/cli.ts";
import { startNodeProcess, stopNodeProcess, type NodeProcess } from "./helpers/cluster.ts";
import { REPO, tempDir } from "./helpers/guests.ts";
import { startCaptured } from "./helpers/node.ts";

const skip = spawnSync("clang-14", ["--version"]).error ? "needs the C toolchain (see README)" : false;
const skipRust = spawnSync("/usr/bin/rustc", ["--version"]).error ? "needs Debian's Rust toolchain (see README)" : false;
const MAIN = path.join(REPO, "host/cli/main.ts");
const NODE_WASI = path.join(REPO, "test/helpers/node-wasi.ts");
/** What a program's binary depends on besides its source: the toolchain driver and the SDK it links. */
const BUILD_INPUTS = { c: ["host/toolchain/c.ts", "guest-sdk/c/onebox.h"], rs: RUST_BUILD_INPUTS };

interface Ran {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run a command to its end, feeding it `input` on stdin (then end of file). */
function runCommand(args: readonly string[], input = "", cwd = REPO): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
    child.stdin.on("error", () => {});
    child.stdin.end(input);
  });
}

/**
 * `onebox build` of a test program, once per source, flags and toolchain: kept in the
 * onebox cache under the hash of its inputs, as the bench's component guest is.
 */
const builds = new Map<string, Promise<string>>();
function build(source: string, flags: readonly string[] = []): Promise<string> {
  const key = `${source} ${flags.join(" ")}`;
  let built = builds.get(key);
  if (!built) {
    const hash = createHash("sha256").update(key);
    const inputs = source.endsWith(".rs") ? BUILD_INPUTS.rs : BUILD_INPUTS.c;
    for (const input of [source, ...inputs]) hash.update(fs.readFileSync(path.resolve(REPO, input)));
    const cached = path.join(componentCacheDir(), "wasi-tests", `${hash.digest("hex")}.wasm`);
    built = (async () => {
      if (fs.existsSync(cached)) return cached;
      fs.mkdirSync(path.dirname(cached), { recursive: true });
      const tmp = `${cached}.${process.pid}.tmp`;
      const ran = await onebox(["build", source, ...flags, "-o", tmp]);
      assert.equal(ran.code, 0, ran.stderr);
      // Renamed into place, so a concurrent run never reads half a file.
      fs.renameSync(tmp, cached);
      return cached;
    })();
    builds.set(key, built);
  }
  return built;
}

const FILES = (): Promise<string> => build("test/wasi/files.c");
const STDIN = (): Promise<string> => build("test/wasi/stdin.c");
const CLOCKS = (): Promise<string> => build("test/wasi/clocks.c", ["-D_WASI_EMULATED_PROCESS_CLOCKS", "-lwasi-emulated-process-clocks"]);
const RUST_FILES = (): Promise<string> => build("test/wasi/files.rs");

const outside = tempDir("onebox-wasi-outside");
fs.writeFileSync(path.join(outside, "x"), "not yours\n");

/** What files.c and files.rs expect to find: in.txt, and `escape`, a link to a directory outside. */
function fixture(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "in.txt"), "alpha\nbeta\ngamma\n");
  fs.symlinkSync(outside, path.join(dir, "escape"));
  return dir;
}

/** Every path under `dir` with its size (directories as "/"): what a run left behind. */
function tree(dir: string, prefix = ""): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)).flatMap((e) => {
    const rel = `${prefix}${e.name}`;
    if (e.isSymbolicLink()) return [`${rel} -> link`];
    if (e.isDirectory()) return [`${rel}/`, ...tree(path.join(dir, e.name), `${rel}/`)];
    return [`${rel} ${fs.statSync(path.join(dir, e.name)).size}`];
  });
}

/** The program under node:wasi with `dir` as `/`: the reference. */
const reference = async (module: string, dir: string, args: readonly string[] = [], input = ""): Promise<Ran> =>
  runCommand(["--no-warnings", NODE_WASI, module, dir, ...args], input);

const oneboxRun = (module: string, root: string, args: readonly string[] = [], input = ""): Promise<Ran> =>
  runCommand([MAIN, "run", "--root", root, module, ...args], input);

/**
 * A files program under onebox run and under node:wasi, each in a fresh fixture as `/`: both
 * succeed with the same output and leave the same tree. Returns onebox's run.
 */
async function filesAsNodeWasi(module: string, name: string): Promise<Ran> {
  const mine = fixture(tempDir(`onebox-wasi-${name}`));
  const theirs = fixture(tempDir(`node-wasi-${name}`));
  const [ran, expected] = await Promise.all([oneboxRun(module, mine), reference(module, theirs)]);
  assert.equal(expected.status, 0, expected.stderr);
  assert.equal(ran.status, 0, ran.stderr);
  assert.equal(ran.stdout, expected.stdout);
  assert.deepEqual(tree(mine), tree(theirs));
  return ran;
}

test("files and directories: fopen/fgets, fprintf, append, seek/tell, pread/pwrite, stat, utimes, rename, links, opendir/readdir, mkdir/rmdir/unlink and their errors, as node:wasi", { skip }, async () => {
  const ran = await filesAsNodeWasi(await FILES(), "files");
  assert.match(ran.stdout, /^ls work: hard\.txt link moved\.txt sub$/m, "the program got as far as listing");
  assert.match(ran.stderr, /^a link out of the export is refused 1$/m);
});

test("Rust std::fs: File::create, write!, append, read_to_string, BufReader lines, seek, metadata, read_dir, rename, hard_link, a megabyte, remove and the io::Error of each failure, as node:wasi", { skip: skipRust }, async () => {
  const ran = await filesAsNodeWasi(await RUST_FILES(), "rust-files");
  assert.match(ran.stdout, /^remove_dir non-empty err \w+ Some\(55\)$/m, "ENOTEMPTY reaches the program as its raw_os_error");
  assert.match(ran.stdout, /^big round trip 1048576 bytes equal true$/m);
  assert.match(ran.stdout, /^after removes \["deep", "moved\.txt"\]$/m, "the program got to its end");
  // fd_read on a directory is EBADF, as wasmtime says; node:wasi says ENOTCAPABLE (76).
  assert.match(ran.stderr, /^read_to_string of a directory err \w+ Some\(8\)$/m);
});

/** More than four times the 64 KiB input buffer, so flow control has to pause and resume. */
const INPUT = Array.from({ length: 20_000 }, (_, i) => `line ${i} of the input\n`).join("");

test("standard input reaches fd 0 through onebox run, to its end, past the 64 KiB input buffer", { skip }, async () => {
  const module = await STDIN();
  const input = INPUT;
  assert.ok(input.length > 4 * 64 * 1024);
  const dir = tempDir("onebox-wasi-stdin");
  const [ran, expected] = await Promise.all([oneboxRun(module, dir, [], input), reference(module, dir, [], input)]);
  assert.equal(ran.status, 0, ran.stderr);
  assert.equal(ran.stdout, expected.stdout);
  assert.match(ran.stdout, /^lines 20000 bytes \d+ checksum \d+ eof 1 read after eof 0$/m);
  const empty = await oneboxRun(module, dir);
  assert.match(empty.stdout, /^lines 0 bytes 0 checksum 0 eof 1 read after eof 0$/m);
});

test("Rust: stdin().lock().lines() reads all of standard input, a large one and an empty one, as node:wasi", { skip: skipRust }, async () => {
  const module = await build("test/wasi/stdin.rs");
  const dir = tempDir("onebox-wasi-rust-stdin");
  const [ran, expected] = await Promise.all([oneboxRun(module, dir, [], INPUT), reference(module, dir, [], INPUT)]);
  assert.equal(ran.status, 0, ran.stderr);
  assert.equal(ran.stdout, expected.stdout);
  assert.match(ran.stdout, /^lines 20000 bytes 468890 checksum \d+ longest 23 read after eof 0$/m);
  const empty = await oneboxRun(module, dir);
  assert.equal(empty.stdout, "lines 0 bytes 0 checksum 0 longest 0 read after eof 0\n");
});

test("Rust: Instant, SystemTime and thread::sleep (poll_oneoff on a clock), as node:wasi", { skip: skipRust }, async () => {
  const module = await build("test/wasi/clocks.rs");
  const dir = tempDir("onebox-wasi-rust-clocks");
  const [ran, expected] = await Promise.all([oneboxRun(module, dir), reference(module, dir)]);
  assert.equal(ran.status, 0, ran.stderr);
  assert.equal(ran.stdout, expected.stdout);
  assert.doesNotMatch(ran.stdout, /false/, "every clock check holds");
  assert.match(ran.stdout, /^sleep 20 ms returned$/m);
  // Checked on onebox alone: node:wasi's sleep can end a millisecond early.
  assert.equal(ran.stderr.match(/^sleep \d+ ms waited at least that: true$/gm)?.length, 3, ran.stderr);
  assert.match(ran.stderr, /^instant elapsed at least 21 ms: true$/m);
});

test("a clock subscription fires only once its time has come, though the kernel's timer fires early", { skip: skipRust }, async () => {
  // Node's timers count from the event loop's cached time, so one can fire before
  // performance.now() reaches its deadline; this clock's fire half a millisecond early.
  class EarlyClock extends VirtualClock {
    override setTimeout(run: () => void, ms: number): ClockTimer {
      return super.setTimeout(run, ms >= 1 ? ms - 0.5 : ms);
    }
  }
  const virtual = new EarlyClock();
  const kernel = new Kernel({ nodeId: 1, nodeName: "local", root: tempDir("onebox-wasi-early"), clock: virtual });
  try {
    const started = await startCaptured(kernel, await build("test/wasi/clocks.rs"));
    const info = await virtual.drive(started.exited);
    assert.equal(info.status, 0, started.stderr());
    assert.equal(started.stderr().match(/^sleep \d+ ms waited at least that: true$/gm)?.length, 3, started.stderr());
    assert.ok(virtual.now() >= 21, `slept 0 + 1 + 20 ms of virtual time, not ${virtual.now()}`);
  } finally {
    kernel.shutdown();
  }
});

test("clocks, nanosleep, clock(), strftime, sscanf/strtoul (compiler-rt) and poll_oneoff, as node:wasi", { skip }, async () => {
  const module = await CLOCKS();
  const dir = tempDir("onebox-wasi-clocks");
  const [ran, expected] = await Promise.all([oneboxRun(module, dir), reference(module, dir)]);
  assert.equal(ran.status, 0, ran.stderr);
  assert.equal(ran.stdout, expected.stdout);
  assert.match(ran.stdout, /^poll clocks: errno 0 events 1 first 2 type 0 waited at least 20 ms: 1$/m);
  assert.match(ran.stderr, /^poll fds: errno 0 events 2 \[7 type 2 error 0\] \[8 type 1 error 8\]$/m);
});

describeCluster();

/** The same files program on node `a` of a real two-node cluster, its files on node `b`'s export. */
function describeCluster(): void {
  const dir = tempDir("onebox-wasi-cluster");
  const secretFile = path.join(dir, "secret");
  const nodes: NodeProcess[] = [];
  const cli = (...args: string[]) => onebox([...args, "--secret-file", secretFile], dir);

  before(async () => {
    if (skip) return;
    fs.writeFileSync(secretFile, "wasi test secret");
    nodes.push(await startNodeProcess("a", { secretFile, heartbeatMs: 500, cwd: dir }));
    nodes.push(await startNodeProcess("b", { join: nodes[0]!.url, secretFile, heartbeatMs: 500, cwd: dir }));
    let alive = 0;
    for (let tries = 0; alive < 2 && tries < 100; tries++) {
      const listed = JSON.parse((await cli("nodes", "--cluster", nodes[0]!.url, "--json")).stdout || "[]") as { state: string }[];
      alive = listed.filter((m) => m.state === "alive").length;
    }
    assert.equal(alive, 2, "both nodes joined");
  });

  after(async () => {
    await Promise.all(nodes.map(stopNodeProcess));
  });

  test("on a two-node cluster, a process on node a works on node b's files (/n/b) with node:wasi's output", { skip }, async () => {
    const module = await FILES();
    const remote = fixture(path.join(dir, "b"));
    const theirs = fixture(tempDir("node-wasi-remote"));
    const ran = await runCommand([MAIN, "run", "--cluster", nodes[0]!.url, "--secret-file", secretFile, "--on", "a", module, "/n/b"], "", dir);
    const expected = await reference(module, theirs);
    assert.equal(ran.status, 0, ran.stderr);
    assert.equal(ran.stdout, expected.stdout);
    assert.match(ran.stderr, /^a link out of the export is refused 1$/m);
    assert.deepEqual(tree(remote), tree(theirs));
  });

  test("on a two-node cluster, a Rust std::fs program on node a works on node b's files (/n/b/rust) with node:wasi's output", { skip: skip || skipRust }, async () => {
    const module = await RUST_FILES();
    // Beside the C program's files on b's export, which that test (run before this one) compared.
    const remote = fixture(path.join(dir, "b", "rust"));
    const theirs = fixture(tempDir("node-wasi-rust-remote"));
    const ran = await runCommand([MAIN, "run", "--cluster", nodes[0]!.url, "--secret-file", secretFile, "--on", "a", module, "/n/b/rust"], "", dir);
    const expected = await reference(module, theirs);
    assert.equal(ran.status, 0, ran.stderr);
    assert.equal(ran.stdout, expected.stdout);
    assert.match(ran.stdout, /^after removes /m);
    assert.match(ran.stderr, /^read_to_string of a directory err \w+ Some\(8\)$/m);
    assert.deepEqual(tree(remote), tree(theirs));
  });

  test("on a cluster, onebox run --cluster forwards its standard input to the process on the node, end included", { skip }, async () => {
    const module = await STDIN();
    const run = (input: string) => runCommand([MAIN, "run", "--cluster", nodes[0]!.url, "--secret-file", secretFile, "--on", "b", module], input, dir);
    const [ran, expected] = await Promise.all([run(INPUT), reference(module, dir, [], INPUT)]);
    assert.equal(ran.status, 0, ran.stderr);
    assert.equal(ran.stdout, expected.stdout);
    assert.match(ran.stdout, /^lines 20000 /m);
    assert.match((await run("")).stdout, /^lines 0 bytes 0 checksum 0 eof 1 read after eof 0$/m);
  });
}

test("WASI calls wasi-libc does not show: the preopen, readdir cookies, rights, renumber, flags, links, sockets, signals, each with its errno", { skip }, async () => {
  const ran = await oneboxRun(await build("test/wasi/raw.c"), tempDir("onebox-wasi-raw"));
  const e = (name: keyof typeof ERRNO): string => String(ERRNO[name].code);
  const expected: Record<string, string> = {
    "prestat.3": "0", "prestat.3.len": "1", "prestat_dir_name.short": e("ENAMETOOLONG"), prestat_dir_name: "0", "preopen.name": "/", "prestat.4": e("EBADF"),
    mkdir: "0", "open.dir": "0",
    // A buffer with room for one entry and a piece of the next: each call resumes from the last whole one's cookie.
    "readdir.0": "a next 1 type 4", "readdir.1": "b next 2 type 4", "readdir.2": "c next 3 type 4",
    "readdir.closed": e("EBADF"), "open.ro": "0", "readdir.notdir": e("ENOTDIR"), "write.readonly": e("ENOTCAPABLE"),
    "rights.widen": e("ENOTCAPABLE"), "rights.narrow": "0", "seek.narrowed": e("ENOTCAPABLE"),
    fdstat: "0", "fdstat.filetype": "4", "fdstat.rights": "1", "fdstat.dir": "300",
    "set_flags.append": e("ENOTSUP"), "set_flags.nonblock": "0", advise: "0", "advise.bad": e("EINVAL"), "oflags.bad": e("EINVAL"),
    "open.absolute": e("ENOTCAPABLE"), "open.dotdot": "1", "open.file.as.dir": e("ENOTDIR"),
    symlink: "0", "open.nofollow": e("ELOOP"), "open.follow": "0", "symlink.absolute": e("ENOTCAPABLE"),
    renumber: "0", "renumber.gone": e("EBADF"), "renumber.moved": "0", "renumber.stdio": e("ENOTSUP"), "renumber.bad": e("EBADF"),
    "times.both": e("EINVAL"), allocate: "0", "allocate.size": "123", "sync.dir": "0", datasync: "0",
    sock_accept: e("ENOTSOCK"), "sock_shutdown.stdout": e("ENOTSOCK"), "sock_shutdown.bad": e("EBADF"),
    "rename.unknown-node": e("EHOSTUNREACH"), "raise.ignored": "0", "raise.bad": e("EINVAL"),
  };
  const lines = ran.stdout.trim().split("\n");
  const got = new Map(lines.map((line) => line.split(/=(.*)/s, 2) as [string, string]));
  for (const [key, value] of Object.entries(expected)) assert.equal(got.get(key), value, `${key} (all: ${lines.join(" | ")})`);
  assert.equal(got.size, Object.keys(expected).length, "every check printed, nothing after the signal");
  assert.equal(ran.status, 128 + 15, "SIGTERM ends the process, status 128 + 15");
  assert.match(ran.stderr, /ended: killed: raised signal 15/);
});

test("poll_oneoff on fd 0 sleeps until input arrives, beside a clock that has not fired", { skip }, async () => {
  const module = await build("test/wasi/poll-stdin.c");
  const child = spawn(process.execPath, [MAIN, "run", "--root", tempDir("onebox-wasi-poll"), module], { cwd: REPO, stdio: "pipe" });
  let stdout = "";
  const said = (text: string) => new Promise<void>((resolve) => {
    const check = () => stdout.includes(text) && resolve();
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      check();
    });
    check();
  });
  const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
  await said("waiting\n");
  child.stdin.end("ping\n");
  assert.equal(await closed, 0);
  assert.equal(stdout, "waiting\npoll errno 0 events 1 userdata 1 type 1\nread 5 ping\n");
});
