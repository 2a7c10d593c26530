import { expectReply } from "../cluster/link.ts";
import { LamportClock } from "../kernel/journal/lamport.ts";
import type { JournalRecord } from "../kernel/journal/journal-reader.ts";
import type { Channel } from "../transport/channel.ts";
import { CliError, defineCommand, UsageError, type Command } from "./command.ts";
import { CLUSTER_OPTIONS, connectCluster } from "./cluster-options.ts";
import { flag, given, option, options } from "./options.ts";
import { formatTrace } from "./trace-format.ts";
import { OTLP_OPTION, otlpSink } from "./otlp-option.ts";
import { mergeRound, nextQuery } from "../trace/journal-round.ts";
import { TraceMerge, type TraceFilter } from "../trace/trace-merge.ts";

/** How often --follow asks the nodes for new records. */
const FOLLOW_POLL_MS = 200;

export const traceCommand: Command = defineCommand({
  usage: `usage: onebox trace [options]

Every node's journal of syscalls merged into one stream, in an order consistent
with causality: each recv after the send of its message, each child's first
call after its spawn (sorted by Lamport time; ties by node name, then by each
node's own order). One line per call: Lamport time, [node], pid,
call(arguments) = result (and the errno's name), the message id of a send or
recv (SENDERPID@LAMPORT), duration. Each node keeps its last N calls
('node start --journal N').`,
  options: [
    { name: "pid", value: "P", help: "only process P and the processes it spawned, and theirs" },
    { name: "node", value: "N", help: "only calls made on node N" },
    { name: "call", value: "C", repeatable: true, help: "only calls named C (or C1,C2)" },
    { name: "since", value: "T", help: "only calls that started at most T ago (30s, 5m, 2h, 500ms) or after T (an ISO date and time)" },
    { name: "follow", help: "keep going: show new calls as they happen, until interrupted" },
    { name: "json", help: "one JSON object per call and line" },
    OTLP_OPTION,
    ...CLUSTER_OPTIONS,
  ],
  async run(args) {
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}' (see --help)`);
    const filter = traceFilter(option(args, "pid"), option(args, "node"), given(args, "call") ? options(args, "call") : undefined, option(args, "since"));
    const json = flag(args, "json");
    const otlp = otlpSink(args);
    const print = otlp?.print ?? ((r: JournalRecord) => process.stdout.write((json ? JSON.stringify(r) : formatTrace(r)) + "\n"));
    const channel = await connectCluster(args);
    try {
      await followJournals(channel, new TraceMerge(filter, { warn: warnLine }), print, flag(args, "follow") ? stopSignal() : undefined);
    } finally {
      channel.close("done");
    }
    otlp?.write();
    return 0;
  },
});

/** The filter the options ask for; a bad value is a usage error. */
export function traceFilter(pid: string | undefined, node: string | undefined, calls: string[] | undefined, since: string | undefined): TraceFilter {
  let pidNumber: number | undefined;
  if (pid !== undefined) {
    pidNumber = Number(pid);
    if (!Number.isInteger(pidNumber) || pidNumber <= 0) throw new UsageError(`--pid needs a pid, got '${pid}'`);
  }
  return {
    pid: pidNumber,
    node,
    calls: calls === undefined ? undefined : new Set(calls.flatMap((c) => c.split(",")).filter((c) => c !== "")),
    sinceMs: since === undefined ? undefined : sinceMs(since),
  };
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function sinceMs(text: string): number {
  const ago = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (ago) return Date.now() - Number(ago[1]) * UNITS[ago[2]!]!;
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new UsageError(`--since needs a duration (30s, 5m) or a date and time, got '${text}'`);
  return at;
}

/** A merge's warning, on stderr: the trace itself may be on stdout. */
export const warnLine = (line: string): void => void process.stderr.write(`onebox: ${line}\n`);

/** Resolves on Ctrl-C or SIGTERM: --follow's end. */
function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}

/**
 * Ask every node for its journal past the merge's cursors, page after page, and show
 * what the merge lets out; with `stop`, again every FOLLOW_POLL_MS until it settles, then
 * to the end. The channel's own Lamport clock stamps each query with the highest time
 * seen, so every node's horizon passes it and each round lets out the last round's records.
 */
export async function followJournals(channel: Channel, merge: TraceMerge, print: (r: JournalRecord) => void, stop?: Promise<unknown>): Promise<void> {
  channel.logical = new LamportClock();
  let stopped = stop === undefined;
  void stop?.then(() => (stopped = true));
  /** One round; whether a node had more than a page to give. */
  const round = async (): Promise<boolean> => {
    let pages;
    try {
      ({ pages } = await expectReply(channel.call({ journal: nextQuery(merge) }), "journalPages"));
    } catch (error) {
      throw new CliError(`cannot read the journals: ${(error as Error).message}`);
    }
    const { records, more } = mergeRound(merge, pages);
    for (const r of records) print(r);
    return more;
  };
  while (!stopped) {
    if (await round()) continue;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, FOLLOW_POLL_MS);
      void stop!.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  while (await round());
  for (const r of merge.round([], true)) print(r);
  if (merge.lost > 0) process.stderr.write(`onebox: ${merge.lost} records were overwritten in their node's journal before they were read (see node start --journal)\n`);
}
