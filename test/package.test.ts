// The package as a user gets it: `npm pack`, installed from the tarball into an empty
// folder and globally into a temp prefix, without the optional guest toolchains, and run
// from outside the repository. The installs fetch protobufjs, tinybench and ws from the
// npm registry (or npm's cache).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { REPO, tempDir } from "./helpers/guests.ts";

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

// The Node running the tests first on PATH: the installed bin's `#!/usr/bin/env node` finds
// it, as it finds a user's Node 24; npm itself may run on an older one.
const PATH = `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`;

function run(file: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, timeout: 240_000, maxBuffer: 16 << 20, env: { ...process.env, PATH, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

async function ok(file: string, args: readonly string[], cwd: string): Promise<string> {
  const result = await run(file, args, cwd);
  assert.equal(result.code, 0, `${path.basename(file)} ${args.join(" ")}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/**
 * A copy of the checkout's files (tracked, and new ones not ignored; node_modules linked)
 * where `npm pack` runs its `prepare` build: packing in the checkout itself would rebuild
 * its dist/ under the other tests.
 */
async function checkoutCopy(dir: string): Promise<string> {
  const copy = path.join(dir, "checkout");
  for (const file of (await ok("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], REPO)).split("\0").filter(Boolean)) {
    if (!fs.existsSync(path.join(REPO, file))) continue; // deleted in the work tree, not yet in the index
    fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    fs.copyFileSync(path.join(REPO, file), path.join(copy, file));
  }
  fs.symlinkSync(path.join(REPO, "node_modules"), path.join(copy, "node_modules"));
  return copy;
}

const NPM = ["--no-audit", "--no-fund", "--omit=optional", "--loglevel=error"];
const version = (JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string }).version;

test("the packed tarball installs without toolchains and runs hello and the demo from outside the repository", async (t) => {
  const dir = tempDir("onebox-package");
  const checkout = await checkoutCopy(dir);
  const tarball = path.join(dir, (await ok("npm", ["pack", "--silent", "--pack-destination", dir], checkout)).trim().split("\n").at(-1)!);

  await t.test("the tarball holds the built CLI and what it reads, not the sources or tests", async () => {
    const files = (await ok("tar", ["-tzf", tarball], dir)).split("\n");
    for (const file of ["package/dist/cli/main.js", "package/dist/host/index.d.ts", "package/dist/examples/hello.wasm", "package/abi/wire.proto", "package/guest-sdk/c/onebox.h",
      "package/dashboard/index.html", "package/dashboard/app.js", "package/dashboard/style.css"]) {
      assert.ok(files.includes(file), `${file} is packed`);
    }
    assert.ok(!files.some((f) => f.startsWith("package/test/") || f.startsWith("package/host/")), "no tests and no TypeScript sources");
  });

  const app = path.join(dir, "app");
  fs.mkdirSync(app);
  // Its own package.json, so npm installs here even if a folder above has one.
  fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "app", private: true }));
  await ok("npm", ["install", ...NPM, tarball], app);
  const local = path.join(app, "node_modules/.bin/onebox");
  const hello = path.join(app, "node_modules/onebox/dist/examples/hello.wasm");

  await t.test("installed into an empty folder: --version, run, the library entry", async () => {
    assert.ok(!fs.existsSync(path.join(app, "node_modules/assemblyscript")), "no optional toolchain was installed");
    assert.equal((await ok(local, ["--version"], app)).trim(), `onebox ${version}`);
    assert.match(await ok(local, ["run", hello], app), /^hello from pid \d+$/m);
    const entry = await ok(process.execPath, ["--input-type=module", "-e", "const m = await import('onebox'); console.log(typeof m.Kernel, typeof m.ClusterNode)"], app);
    assert.equal(entry.trim(), "function function");
  });

  await t.test("build without the toolchain says in one line what to install", async () => {
    fs.writeFileSync(path.join(app, "guest.ts"), "console.log('hi');\n");
    const result = await run(local, ["build", "guest.ts"], app);
    assert.equal(result.code, 1);
    const [progress, reason, ...more] = result.stderr.trim().split("\n");
    assert.equal(progress, "onebox: building guest.ts ...");
    assert.match(reason ?? "", /^onebox: building AssemblyScript needs assemblyscript, .*: npm install assemblyscript$/);
    assert.deepEqual(more, [], "one line");
  });

  await t.test("the demo runs from the installed package, outside the repository", async () => {
    const basePort = 20_000 + Math.floor(Math.random() * 20_000);
    const result = await run(local, ["demo", "--base-port", String(basePort)], app);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /mapreduce: \d+ words, \d+ distinct, over 3 nodes/);
    assert.match(result.stdout, /ring: mean hop [\d.]+ us/);
    assert.doesNotMatch(result.stderr, /building examples/, "the demo ran the prebuilt examples");
  });

  // The machines this runs on have Debian's Node 20 beside the project's Node 24.
  const oldNode = "/usr/bin/node";
  const oldMajor = fs.existsSync(oldNode) ? Number((await ok(oldNode, ["--version"], dir)).replace(/^v/, "").split(".")[0]) : undefined;
  await t.test("on a Node older than 24.20 the CLI says so in one line", { skip: oldMajor === undefined || oldMajor >= 24 ? "no Node older than 24 at /usr/bin/node" : false }, async () => {
    const result = await run(oldNode, [path.join(app, "node_modules/onebox/dist/cli/main.js"), "run", hello], app);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^onebox: needs Node 24\.20 or newer \(JSPI\); this is v\d+\.\d+\.\d+\n$/);
  });

  await t.test("installed globally into a prefix: --version and run", async () => {
    const prefix = path.join(dir, "global");
    await ok("npm", ["install", "--global", "--prefix", prefix, ...NPM, tarball], dir);
    const global = path.join(prefix, "bin/onebox");
    assert.equal((await ok(global, ["--version"], dir)).trim(), `onebox ${version}`);
    assert.match(await ok(global, ["run", hello], dir), /^hello from pid \d+$/m);
  });
});
