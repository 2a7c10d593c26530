#!/usr/bin/env node
import fs from "node:fs";
import { packagePath } from "../package-root.ts";
import { benchCommand } from "./bench-command.ts";
import { buildCommand } from "./build-command.ts";
import { clusterCommand } from "./cluster-command.ts";
import { CliError, HelpRequested, type Command } from "./command.ts";
import { demoCommand } from "./demo-command.ts";
import { killCommand } from "./kill-command.ts";
import { nodeCommand } from "./node-command.ts";
import { nodesCommand } from "./nodes-command.ts";
import { psCommand } from "./ps-command.ts";
import { runCommand } from "./run-command.ts";

const COMMANDS: readonly Command[] = [buildCommand, runCommand, benchCommand, nodeCommand, clusterCommand, nodesCommand, psCommand, killCommand, demoCommand];

const USAGE = `usage: onebox <command> [options]

N machines, one box: a WebAssembly distributed process host.

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join("\n")}

Run 'onebox <command> --help' for a command's options, 'onebox --version' for the version.`;

async function main(argv: string[]): Promise<number> {
  if (typeof WebAssembly.Suspending !== "function") {
    throw new CliError(`onebox needs Node 24.20 or newer (JSPI); this is ${process.version}. Run it through npx onebox after npm install.`);
  }
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-V") {
    console.log(`onebox ${(JSON.parse(fs.readFileSync(packagePath("package.json"), "utf8")) as { version: string }).version}`);
    return 0;
  }
  if (!name || name === "-h" || name === "--help" || name === "help") {
    console.log(USAGE);
    return name ? 0 : 1;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new CliError(`unknown command '${name}' (see onebox --help)`);
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
  const message = error instanceof CliError ? error.message : ((error as Error)?.stack ?? String(error));
  process.stderr.write(`onebox: ${message}\n`);
  exitAfterFlush(1);
});
