// Every command's options are declared once (host/cli/options.ts) and both its parser and
// its --help come from that: this walks the command table, so a new command is covered.
import assert from "node:assert/strict";
import { test } from "node:test";
import { HelpRequested, UsageError } from "../host/cli/command.ts";
import { COMMANDS } from "../host/cli/commands.ts";
import { given, option, optionLabel, options, parseOptions, type OptionSpec } from "../host/cli/options.ts";
import { onebox } from "./helpers/cli.ts";

/** The option names --help lists (each line that starts, two spaces in, with an option), each once: two subcommands may share one. */
function listedOptions(help: string): string[] {
  return [...new Set([...help.matchAll(/^  (?:-([A-Za-z]), )?(--[a-z][\w-]*|-[A-Za-z])\b/gm)].map((m) => m[2]!.replace(/^--?/, "")))].sort();
}

test("every command's --help lists exactly the options it parses, and refuses an unknown one in one line", async () => {
  for (const entry of COMMANDS) {
    const command = await entry.load();
    const forms = Object.entries(command.options);
    assert.ok(forms.length > 0, entry.name);
    const declared = new Set(forms.flatMap(([, spec]) => spec.map((o) => o.name)));
    assert.deepEqual(listedOptions(command.help), [...declared, "help"].sort(), `${entry.name} --help`);
    for (const [sub, spec] of forms) {
      for (const o of spec) assert.ok(command.help.includes(`  ${optionLabel(o)}`), `${entry.name} --help shows ${optionLabel(o)}`);
      const words = sub === "" ? [] : [sub];
      await assert.rejects(command.run([...words, "--help"]), HelpRequested, `${entry.name} ${sub} --help`);
      await assert.rejects(command.run([...words, "--no-such-option", "x"]), (error: Error) => {
        assert.ok(error instanceof UsageError, `${entry.name} ${sub}: ${error.stack}`);
        assert.match(error.message, /^unknown option --no-such-option \(see --help\)$/);
        return true;
      });
    }
  }
});

test("an unknown option exits 2 with one line naming it, for a command and a subcommand", async () => {
  for (const args of [["ps", "--bogus"], ["cluster", "up", "-z"]]) {
    const result = await onebox(args);
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stderr, `onebox: unknown option ${args.at(-1)} (see --help)\n`);
  }
});

const SPEC: readonly OptionSpec[] = [
  { name: "detach", short: "d", help: "" },
  { name: "env", value: "K=V", repeatable: true, help: "" },
  { name: "nodes", value: "N", default: "3", help: "" },
  { name: "D", value: "NAME", repeatable: true, help: "" },
];

test("the parser: short aliases, repeats, defaults, '--', and run's stop at the program", () => {
  const args = parseOptions(["-d", "--env", "A=1", "--env=B=2", "-DX", "-D", "Y", "a", "--", "--env", "b"], SPEC);
  assert.equal(given(args, "detach"), true);
  assert.deepEqual(options(args, "env"), ["A=1", "B=2"]);
  assert.deepEqual(options(args, "D"), ["X", "Y"]);
  assert.equal(option(args, "nodes"), "3");
  assert.equal(given(args, "nodes"), false);
  // After `--` everything is a positional, an option's look included.
  assert.deepEqual(args.positionals, ["a", "--env", "b"]);
  // With a program, its own arguments (and its own --help) are its own.
  const run = parseOptions(["--nodes", "5", "prog.wasm", "--env", "x", "--help", "-d"], SPEC, true);
  assert.equal(option(run, "nodes"), "5");
  assert.deepEqual(run.positionals, ["prog.wasm"]);
  assert.deepEqual(run.rest, ["--env", "x", "--help", "-d"]);
  const odd = parseOptions(["--", "-d", "x"], SPEC, true);
  assert.deepEqual([odd.positionals, odd.rest], [["-d"], ["x"]]);
  // Help is asked for even beside a wrong option; a value option needs its value.
  assert.throws(() => parseOptions(["--bogus", "-h"], SPEC), HelpRequested);
  assert.throws(() => parseOptions(["--nodes"], SPEC), (error: Error) => error instanceof UsageError && error.message === "--nodes needs a value (N)");
  assert.throws(() => parseOptions(["-q"], SPEC), /unknown option -q/);
  // Reading an option the command did not declare is onebox's bug, not the user's.
  assert.throws(() => option(args, "undeclared"), (error: Error) => !(error instanceof UsageError));
});
