// What `onebox run` of a core module loads: its own code, not the cluster client (ws,
// protobufjs), jco or a guest toolchain. A module load hook in the CLI's process lists
// every module it loads.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { wasiHelloBytes } from "../bench/floors/modules.ts";
import { REPO, tempDir } from "./helpers/guests.ts";

const HOOK = `
import fs from "node:fs";
import { registerHooks } from "node:module";
registerHooks({ load(url, context, next) { fs.appendFileSync(process.env.ONEBOX_TEST_LOADED, url + "\\n"); return next(url, context); } });
`;

function loadedBy(args: readonly string[], dir: string): Promise<string[]> {
  const log = path.join(dir, `loaded-${args[0]}.txt`);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", `data:text/javascript,${encodeURIComponent(HOOK)}`, path.join(REPO, "host/cli/main.ts"), ...args],
      { cwd: dir, env: { ...process.env, ONEBOX_TEST_LOADED: log }, timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${args.join(" ")}: ${stderr}`));
        if (args[0] === "run") assert.equal(stdout, "hello\n");
        resolve(fs.readFileSync(log, "utf8").trim().split("\n"));
      },
    );
  });
}

const HEAVY = /node_modules\/(ws|protobufjs|@bytecodealliance|assemblyscript|binaryen)\//;

test("run of a core module on an embedded node loads no cluster client, jco or toolchain", async () => {
  const dir = tempDir("onebox-startup");
  fs.writeFileSync(path.join(dir, "hello.wasm"), wasiHelloBytes());
  const loaded = await loadedBy(["run", "--root", dir, "hello.wasm"], dir);
  assert.ok(loaded.some((url) => url.endsWith("/host/kernel/kernel.ts")), "the kernel is loaded");
  assert.deepEqual(loaded.filter((url) => HEAVY.test(url) || /\/host\/(toolchain|cluster|transport)\//.test(url)), []);
  assert.deepEqual(loaded.filter((url) => url.includes("-command.ts") && !url.endsWith("/run-command.ts")), [], "no other command");
});

test("--version and --help load no command", async () => {
  const dir = tempDir("onebox-startup");
  for (const flag of ["--version", "--help"]) {
    const loaded = await loadedBy([flag], dir);
    assert.deepEqual(loaded.filter((url) => url.includes("-command.ts") || url.includes("/kernel/")), [], flag);
  }
});

test("a cluster node loads the etcd client only when it coordinates on etcd", async () => {
  const dir = tempDir("onebox-startup");
  const log = path.join(dir, "loaded-node.txt");
  const script = `await import(${JSON.stringify(path.join(REPO, "host/cluster/node.ts"))});`;
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, ["--import", `data:text/javascript,${encodeURIComponent(HOOK)}`, "--input-type=module", "-e", script], { env: { ...process.env, ONEBOX_TEST_LOADED: log }, timeout: 120_000 }, (error, _stdout, stderr) =>
      error ? reject(new Error(stderr)) : resolve(),
    ),
  );
  const loaded = fs.readFileSync(log, "utf8").trim().split("\n");
  assert.ok(loaded.some((url) => url.endsWith("/host/cluster/node.ts")), "the node is loaded");
  assert.deepEqual(loaded.filter((url) => /node_modules\/(etcd3|@grpc)\/|\/host\/cluster\/etcd\//.test(url)), []);
});
