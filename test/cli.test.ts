import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { ABI_VERSION } from "../abi/abi.ts";
import { stampAbiVersion } from "../host/toolchain/abi-section.ts";
import { compileAssemblyScript } from "../host/toolchain/assemblyscript.ts";
import { onebox } from "./helpers/cli.ts";
import { guest, REPO, tempDir } from "./helpers/guests.ts";

const dir = tempDir("onebox-cli");
const root = path.join(dir, "root");

/** A failed run: non-zero exit and exactly one line on stderr, returned. */
async function refused(module: string): Promise<string> {
  const { code, stdout, stderr } = await onebox(["run", "--root", root, module]);
  assert.notEqual(code, 0, "non-zero exit");
  assert.equal(stdout, "");
  const lines = stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line of error, got:\n${stderr}`);
  assert.match(lines[0]!, /^onebox: /);
  return lines[0]!;
}

test("onebox build writes a module that onebox run runs, exiting with its status", async () => {
  const out = path.join(dir, "hello.wasm");
  const built = await onebox(["build", "examples/hello/main.ts", "-o", out]);
  assert.equal(built.code, 0, built.stderr);
  assert.ok(fs.statSync(out).size > 0);
  const ran = await onebox(["run", "--root", root, out]);
  assert.equal(ran.code, 0, ran.stderr);
  assert.match(ran.stdout, /^hello from pid \d+\n$/);
});

test("a file that is not Wasm is refused", async () => {
  const file = path.join(dir, "text.wasm");
  fs.writeFileSync(file, "just some text\n");
  assert.match(await refused(file), /text\.wasm: not a WebAssembly module/);
});

test("a truncated module is refused", async () => {
  const bytes = fs.readFileSync(await guest("trap"));
  const file = path.join(dir, "truncated.wasm");
  fs.writeFileSync(file, bytes.subarray(0, bytes.byteLength >> 1));
  assert.match(await refused(file), /truncated\.wasm: .*truncated/);
});

test("a module that does not exist is refused", async () => {
  assert.match(await refused(path.join(dir, "missing.wasm")), /missing\.wasm: ENOENT/);
});

test("an unknown import is named", async () => {
  assert.match(await refused(await guest("unknown-import")), /unknown import onebox\.teleport/);
});

test("a module built for another ABI version is refused, naming both versions", async () => {
  const other = ABI_VERSION + 98;
  const file = path.join(dir, "other-abi.wasm");
  fs.writeFileSync(file, stampAbiVersion(await compileAssemblyScript(path.join(REPO, "test/guests/trap.ts")), other));
  const error = await refused(file);
  assert.match(error, new RegExp(`v${other}\\b`));
  assert.match(error, new RegExp(`v${ABI_VERSION}\\b`));
});

test("a trap ends the program with an error naming the trap, after its output", async () => {
  const { code, stdout, stderr } = await onebox(["run", "--root", root, await guest("trap")]);
  assert.equal(code, 134);
  assert.equal(stdout, "about to trap\n");
  assert.match(stderr, /^onebox: .*trap\.wasm \(pid \d+\) ended: trap: unreachable\n$/);
});

test("a guest that never imports the SDK builds, and its abort still reports and traps", async () => {
  const source = path.join(dir, "plain.ts");
  fs.writeFileSync(source, 'const limit: i32 = 2;\nassert(limit < 2, "limit exceeded");\n');
  const built = await onebox(["build", source]);
  assert.equal(built.code, 0, built.stderr);
  const { code, stderr } = await onebox(["run", "--root", root, path.join(dir, "plain.wasm")]);
  assert.equal(code, 134);
  assert.match(stderr, /^abort: limit exceeded at .*plain\.ts:2:\d+\n/);
});

test("a build with a compile error exits non-zero with the compiler's diagnostic", async () => {
  const source = path.join(dir, "broken.ts");
  fs.writeFileSync(source, "let y: i32 = undefinedThing;\n");
  const { code, stderr } = await onebox(["build", source]);
  assert.equal(code, 1);
  assert.match(stderr, /Cannot find name 'undefinedThing'/);
  assert.doesNotMatch(stderr, /~lib\/onebox/, "no diagnostics from the SDK itself");
});

test("run --on without any cluster says so instead of running on an embedded node", async () => {
  const hello = path.join(dir, "hello-on.wasm");
  assert.equal((await onebox(["build", "examples/hello/main.ts", "-o", hello])).code, 0);
  const away = tempDir("onebox-no-cluster");
  const { code, stdout, stderr } = await onebox(["run", "--on", "node2", hello], away);
  assert.equal(code, 1);
  assert.equal(stdout, "");
  assert.match(stderr, /^onebox: --on needs a cluster: .*\n$/);
});
