#!/usr/bin/env node
// Loads only what the command given needs: each command's module (and what it imports:
// the kernel, the cluster, the toolchains) is imported when that command runs, so `run`
// of a core module, --help and --version start as fast as Node does.
import fs from "node:fs";
import nodeModule from "node:module";
import { packagePath } from "../package-root.ts";
import { CliError, HelpRequested, UsageError, type Command } from "./command.ts";

interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}

const COMMANDS: readonly CommandEntry[] = [
  { name: "build", summary: "compile a guest program to a onebox module", load: async () => (await import("./build-command.ts")).buildCommand },
  { name: "run", summary: "run a module on an embedded single node, or on a cluster", load: async () => (await import("./run-command.ts")).runCommand },
  { name: "replay", summary: "run a recorded process again, alone, with its recorded inputs", load: async () => (await import("./replay-command.ts")).replayCommand },
  { name: "bench", summary: "measure syscall overhead beside its floor", load: async () => (await import("./bench-command.ts")).benchCommand },
  { name: "node", summary: "run a cluster node (node start ...)", load: async () => (await import("./node-command.ts")).nodeCommand },
  { name: "cluster", summary: "start or stop a local cluster (cluster up | down)", load: async () => (await import("./cluster-command.ts")).clusterCommand },
  { name: "nodes", summary: "list the cluster's members", load: async () => (await import("./nodes-command.ts")).nodesCommand },
  { name: "ps", summary: "list processes cluster-wide", load: async () => (await import("./ps-command.ts")).psCommand },
  { name: "logs", summary: "print (or follow) a process's kept output", load: async () => (await import("./logs-command.ts")).logsCommand },
  { name: "attach", summary: "connect this terminal to a detached process", load: async () => (await import("./attach-command.ts")).attachCommand },
  { name: "top", summary: "watch processes' CPU, memory, mailboxes and syscalls", load: async () => (await import("./top-command.ts")).topCommand },
  { name: "kill", summary: "end a process anywhere in the cluster", load: async () => (await import("./kill-command.ts")).killCommand },
  { name: "trace", summary: "every node's syscalls, merged in causal order", load: async () => (await import("./trace-command.ts")).traceCommand },
  { name: "user", summary: "issue a user's credential with a role (user add ...)", load: async () => (await import("./credential-commands.ts")).userCommand },
  { name: "whoami", summary: "the name and role the cluster knows you by", load: async () => (await import("./credential-commands.ts")).whoamiCommand },
  { name: "dashboard", summary: "print the URL of the cluster's web dashboard", load: async () => (await import("./dashboard-command.ts")).dashboardCommand },
  { name: "demo", summary: "start a local cluster, run mapreduce and ring on it, stop it", load: async () => (await import("./demo-command.ts")).demoCommand },
];

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
