import fs from "node:fs";
import { Kernel } from "../kernel/kernel.ts";
import { SysError } from "../kernel/errors.ts";
import { ModuleError } from "../kernel/module-cache.ts";
import { parseMemorySize } from "./memory-size.ts";
import { CAP_OPTIONS, capsFromOptions } from "./cap-options.ts";
import { CliError, defineCommand, type Command, UsageError } from "./command.ts";
import { CLUSTER_OPTIONS, readState } from "./cluster-options.ts";
import { flag, given, option, options, type OptionSpec } from "./options.ts";
import { ROOT_SET_OPTIONS, rootAskOf } from "./root-set-options.ts";
import { rootCapabilities } from "../kernel/root-capabilities.ts";
import { resolvePath } from "../kernel/namespace.ts";
import { stdinInput } from "./stdin-input.ts";
import { formatTrace } from "./trace-format.ts";
import { TraceMerge } from "../trace/trace-merge.ts";
import { readJournal } from "../kernel/journal/journal-reader.ts";
import type { Journal } from "../kernel/journal/journal.ts";
import { JOURNAL_OPTION, journalOption } from "./journal-option.ts";
import { RECORD_OPTIONS, recordingOf } from "./record-option.ts";

export const DEFAULT_ROOT = ".onebox/data";

const CLUSTER_SECTION = "on a running cluster (with --cluster, $ONEBOX_CLUSTER, or --on while a cluster 'onebox cluster up' started here is up)";

/** run's options; demo's runs on its cluster are read with them too. */
export const RUN_OPTIONS: readonly OptionSpec[] = [
  { name: "root", value: "DIR", help: "the directory this node exports", default: DEFAULT_ROOT },
  { name: "env", value: "K=V", repeatable: true, help: "set an environment variable for the program" },
  { name: "memory", value: "SIZE", help: "the program's memory cap (e.g. 256M, 1G; default 64M), up to the node's maximum per process (1G)" },
  ...CAP_OPTIONS,
  ...ROOT_SET_OPTIONS,
  { name: "trace", help: "print every syscall of the program and its children to stderr, decoded, in causal order (on a cluster too)" },
  JOURNAL_OPTION,
  ...RECORD_OPTIONS,
  { name: "on", value: "NODE", section: CLUSTER_SECTION, help: "run on NODE (a name, or k=v labels); default: least loaded" },
  { name: "detach", short: "d", section: CLUSTER_SECTION, help: "start it, print its pid and exit: it runs on, its output is kept on its node (onebox logs PID), its fd 0 is fed by 'onebox attach PID'" },
  ...CLUSTER_OPTIONS.map((o) => ({ ...o, section: CLUSTER_SECTION })),
];

export const runCommand: Command = defineCommand({
  usage: `usage: onebox run [options] MODULE.wasm [ARGS...]

Start a node inside this command, run MODULE as its first process with ARGS, and
exit with the program's exit status. Its stdout and stderr (and its children's)
go to this terminal, and this command's standard input is its fd 0 (end of file
included). Everything after MODULE is passed to the program. fd 3 is the one WASI
preopen: the program's namespace "/" (this node's export, with /n/NODE/ and /local/).`,
  options: RUN_OPTIONS,
  program: true,
  async run(args) {
    const memory = option(args, "memory");
    const memoryPages = memory === undefined ? undefined : parseMemorySize(memory);
    const caps = capsFromOptions(args);
    const rootAsk = rootAskOf(args);
    const file = args.positionals[0];
    if (!file) throw new UsageError("run needs a module (see --help)");
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(file);
    } catch (error) {
      throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    // A detached run needs a cluster: an embedded node would end with this command.
    const detach = flag(args, "detach");
    const onCluster = option(args, "cluster") ?? process.env.ONEBOX_CLUSTER ?? option(args, "on") ?? (detach ? "" : undefined);
    if (onCluster !== undefined && memoryPages !== undefined) throw new UsageError("--memory is for the embedded node only; a cluster node gives its processes its own default cap");
    if (onCluster !== undefined && given(args, "journal")) throw new UsageError("--journal is for the embedded node only; a cluster node's is set by 'node start --journal'");
    if (onCluster !== undefined && Object.keys(caps).length > 0) throw new UsageError("--cpu, --files, --descendants, --mailbox-*, --locks are for the embedded node only; a cluster node gives its processes its own defaults");
    const recording = recordingOf(args);
    if (detach && recording) throw new UsageError("--record needs the run to stay attached: the record comes back when the program ends");
    // The cluster client (ws, protobufjs) is loaded only for a cluster: an embedded run starts without it.
    const runOnCluster = async () => (await import("./cluster-run.ts")).runOnCluster(args, file, bytes, detach, recording);
    if ((option(args, "cluster") ?? process.env.ONEBOX_CLUSTER) || detach) return runOnCluster();
    // Naming a node only means something on a cluster: use the local one, or say there is none.
    if (option(args, "on") !== undefined) {
      if (!readState()) throw new CliError("--on needs a cluster: give --cluster URL, set ONEBOX_CLUSTER, or start one with 'onebox cluster up'");
      return runOnCluster();
    }
    const journal = journalOption(args);
    const kernel = new Kernel({ nodeId: 1, nodeName: "local", root: option(args, "root")!, journal });
    const trace = flag(args, "trace") && kernel.journal ? traceLocally(kernel.journal, kernel.nodeName) : undefined;
    let pid: number;
    try {
      // No owner here: the single-user trust model, the whole namespace unless narrowed.
      const authority = rootCapabilities(undefined, undefined, rootAsk, (path) => resolvePath({ home: kernel.nodeName }, kernel.nodeName, path));
      const module = await kernel.modules.load(bytes);
      pid = kernel.startRoot({
        module,
        argv: [file, ...args.rest],
        env: options(args, "env"),
        output: { write: (fd, data) => (fd === 1 ? process.stdout : process.stderr).write(data) },
        input: stdinInput(),
        memoryPages,
        caps,
        record: recording?.target,
        authority,
      }).pid;
    } catch (error) {
      if (error instanceof ModuleError || error instanceof SysError) throw new CliError(`${file}: ${error.message}`);
      throw error;
    }
    const info = await kernel.whenExited(pid);
    trace?.stop();
    kernel.shutdown();
    recording?.save();
    if (info.reason !== "NORMAL") process.stderr.write(`onebox: ${file} (pid ${pid}) ended: ${info.reason.toLowerCase()}: ${info.text}\n`);
    return info.status;
  },
});

/** How often an embedded run's --trace prints what its journal recorded. */
const TRACE_POLL_MS = 100;

/** Print the journal's records to stderr as they come, decoded, until stopped (which prints the rest). */
function traceLocally(journal: Journal, node: string): { stop(): void } {
  const merge = new TraceMerge();
  const show = (final: boolean) => {
    for (const r of merge.round([readJournal(journal, node, merge.cursors[node] ?? 0)], final)) process.stderr.write(formatTrace(r) + "\n");
  };
  const timer = setInterval(() => show(false), TRACE_POLL_MS);
  return {
    stop() {
      clearInterval(timer);
      show(true);
    },
  };
}
