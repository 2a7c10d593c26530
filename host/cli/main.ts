#!/usr/bin/env node
// Loads only what the command given needs: each command's module (and what it imports:
// the kernel, the cluster, the toolchains) is imported when that command runs, so `run`
// of a core module, --help and --version start as fast as Node does.
import fs from "node:fs";
import nodeModule from "node:module";
import { packagePath } from "../package-root.ts";
import { CliError, HelpRequested, UsageError } from "./command.ts";
import { COMMANDS } from "./commands.ts";

const USAGE = `usage: onebox <command> [options]

N machines, one box: a WebAssembly distributed process host.

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join("\n")}

Run 'onebox <command> --help' for a command's options, 'onebox --version' for the version.
Exit status: 0 done, 1 failed (one line on stderr says why), 2 the command line is
wrong; run exits with the program's own status.`;

async function main(argv: string[]): Promise<number> {
  // Before any command is loaded: their modules need what an older Node lacks.
  if (typeof WebAssembly.Suspending !== "function") {
    throw new CliError(`needs Node 24.20 or newer (JSPI); this is ${process.version}`);
  }
  // V8's compiled code for the modules imported from here on is kept on disk (in the OS's
  // temp directory, per Node version, checked against each file's contents), so a
  // command's code is compiled once, not at every start. (A default import: an older
  // Node, which lacks it, must still reach the message above.)
  nodeModule.enableCompileCache();
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-V") {
    console.log(`onebox ${(JSON.parse(fs.readFileSync(packagePath("package.json"), "utf8")) as { version: string }).version}`);
    return 0;
  }
  if (!name || name === "-h" || name === "--help" || name === "help") {
    (name ? process.stdout : process.stderr).write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) throw new UsageError(`unknown command '${name}' (see onebox --help)`);
  const command = await entry.load();
  try {
    return await command.run(rest);
  } catch (error) {
    if (!(error instanceof HelpRequested)) throw error;
    console.log(command.help);
    return 0;
  }
}

/** Exit once stdout and stderr have drained: guests' timers must not keep us alive. */
function exitAfterFlush(status: number): void {
  process.stdout.write("", () => process.stderr.write("", () => process.exit(status)));
}

main(process.argv.slice(2)).then(exitAfterFlush, (error: unknown) => {
  // An error with an errno is the cluster's answer (a refusal, a lost connection), not a bug here: one line too.
  const answered = error instanceof CliError || typeof (error as { errnoName?: unknown })?.errnoName === "string";
  const message = answered ? (error as Error).message : ((error as Error)?.stack ?? String(error));
  process.stderr.write(`onebox: ${message}\n`);
  exitAfterFlush(error instanceof UsageError ? 2 : 1);
});
