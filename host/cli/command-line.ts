// Command lines read with node:util.parseArgs: the commands of onebox logs, attach and top.
import { parseArgs as parseUtilArgs, type ParseArgsOptionsConfig } from "node:util";
import { HelpRequested, UsageError, type ParsedArgs } from "./command.ts";

/** The options of a command that talks to a cluster (see CLUSTER_HELP). */
export const CLUSTER_OPTIONS = {
  cluster: { type: "string" },
  "secret-file": { type: "string" },
  "cluster-name": { type: "string" },
} as const satisfies ParseArgsOptionsConfig;

/** Options and positionals, strictly: an unknown option or a missing value is a usage error (exit 2). */
export function parseCommandLine<O extends ParseArgsOptionsConfig>(argv: string[], options: O) {
  const end = argv.indexOf("--");
  if ((end === -1 ? argv : argv.slice(0, end)).some((a) => a === "-h" || a === "--help")) throw new HelpRequested();
  try {
    return parseUtilArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's message goes on to advise on quoting; its first sentence is the reason.
    throw new UsageError(`${(error as Error).message.split(/\.\s/)[0]} (see --help)`);
  }
}

/** The cluster options given, as the ParsedArgs connectCluster reads. */
export function clusterArgs(values: { cluster?: string; "secret-file"?: string; "cluster-name"?: string }): ParsedArgs {
  const options = new Map<string, string[]>();
  for (const name of Object.keys(CLUSTER_OPTIONS) as (keyof typeof CLUSTER_OPTIONS)[]) {
    const value = values[name];
    if (value !== undefined) options.set(name, [value]);
  }
  return { options, positionals: [], rest: [] };
}

/** The one pid a command takes. */
export function pidArgument(positionals: string[], command: string): number {
  const pid = Number(positionals[0]);
  if (positionals.length !== 1 || !Number.isInteger(pid) || pid <= 0) throw new UsageError(`${command} takes one pid (see --help)`);
  return pid;
}

/** A whole or fractional number of seconds, as milliseconds. */
export function secondsOption(text: string | undefined, name: string, fallbackMs: number): number {
  if (text === undefined) return fallbackMs;
  const seconds = Number(text);
  if (!(seconds > 0) || !Number.isFinite(seconds)) throw new UsageError(`--${name} needs a positive number of seconds, got '${text}'`);
  return seconds * 1000;
}
