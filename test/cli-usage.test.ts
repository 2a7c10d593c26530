// The CLI's contract with scripts: exit status 0 done, 1 failed, 2 the command line is
// wrong (one line on stderr each time), and flags that read --flag=false as off.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { UsageError } from "../host/cli/command.ts";
import { flag, parseOptions } from "../host/cli/options.ts";
import { onebox } from "./helpers/cli.ts";
import { REPO, tempDir } from "./helpers/guests.ts";

const oneLine = (stderr: string): string => {
  const lines = stderr.trim().split("\n");
  assert.equal(lines.length, 1, stderr);
  return lines[0]!;
};

test("a wrong command line exits 2 with one line naming what is wrong", async () => {
  for (const [args, reason] of [
    [["frobnicate"], /unknown command 'frobnicate'/],
    [["run", "--bogus", "x.wasm"], /unknown option --bogus/],
    [["run"], /run needs a module/],
    [["kill"], /kill takes one pid/],
    [["demo", "--nodes", "many"], /--nodes needs a whole number/],
    [["demo", "--keep=maybe"], /--keep is a flag/],
  ] as const) {
    const result = await onebox(args);
    assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
    assert.match(oneLine(result.stderr), reason);
  }
  const bare = await onebox([]);
  assert.equal(bare.code, 2);
  assert.match(bare.stderr, /^usage: onebox <command>/);
});

test("a failure exits 1 with one line; --version and --help exit 0", async () => {
  const missing = await onebox(["run", path.join(tempDir("onebox-usage"), "absent.wasm")]);
  assert.equal(missing.code, 1);
  assert.match(oneLine(missing.stderr), /cannot read .*absent\.wasm: ENOENT/);
  const version = (JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string }).version;
  assert.deepEqual(await onebox(["--version"]), { code: 0, stdout: `onebox ${version}\n`, stderr: "" });
  const help = await onebox(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Exit status: 0 done, 1 failed/);
});

test("--flag=false turns a flag off, --flag=true on, and anything else is a usage error", () => {
  const spec = [{ name: "json", help: "" }];
  assert.equal(flag(parseOptions(["--json=false"], spec), "json"), false);
  assert.equal(flag(parseOptions(["--json", "--json=false"], spec), "json"), false);
  assert.equal(flag(parseOptions(["--json=false", "--json=true"], spec), "json"), true);
  assert.equal(flag(parseOptions(["--json"], spec), "json"), true);
  assert.throws(() => parseOptions(["--json=yes"], spec), UsageError);
});
