import { expectReply } from "../cluster/link.ts";
import type { Channel } from "../transport/channel.ts";
import { toNumber, type ProcInfo } from "../transport/wire.ts";
import { CliError, defineCommand, type Command } from "./command.ts";
import { CLUSTER_OPTIONS, connectCluster } from "./cluster-options.ts";
import { flag, secondsOption } from "./options.ts";
import { formatTable } from "./table.ts";

/** One process's row: its counters, and its rates over the last interval. */
export interface TopRow {
  pid: number;
  node: string;
  ppid: number;
  state: string;
  module: string;
  cpuTimeNs: number;
  /** Share of one core its guest code used over the interval. */
  cpuPercent: number;
  memoryBytes: number;
  mailboxDepth: number;
  syscalls: number;
  syscallsPerSecond: number;
}

interface Sample {
  readonly uptimeMs: number;
  readonly cpuTimeNs: number;
  readonly syscalls: number;
}

const sampleOf = (p: ProcInfo): Sample => ({ uptimeMs: p.uptimeMs, cpuTimeNs: toNumber(p.cpuTimeNs), syscalls: toNumber(p.syscalls) });

/**
 * Rates between two samples of a process, on its node's own clock (its uptime): a process
 * new since the last sample is measured from its start.
 */
export function topRow(p: ProcInfo, before: Sample | undefined): TopRow {
  const now = sampleOf(p);
  const base = before ?? { uptimeMs: 0, cpuTimeNs: 0, syscalls: 0 };
  const ms = now.uptimeMs - base.uptimeMs;
  const rate = (delta: number) => (ms > 0 ? (delta * 1000) / ms : 0);
  return {
    pid: p.pid, node: p.node, ppid: p.ppid, state: p.state, module: p.module,
    cpuTimeNs: now.cpuTimeNs,
    // ns of CPU per second / 1e9 * 100, to two decimals.
    cpuPercent: Math.round(rate(now.cpuTimeNs - base.cpuTimeNs) / 1e5) / 100,
    memoryBytes: toNumber(p.memoryBytes),
    mailboxDepth: p.mailboxDepth,
    syscalls: now.syscalls,
    syscallsPerSecond: Math.round(rate(now.syscalls - base.syscalls)),
  };
}

const seconds = (ns: number) => `${(ns / 1e9).toFixed(2)}s`;

function render(rows: readonly TopRow[]): string {
  const nodes = [...new Set(rows.map((r) => r.node))].sort();
  const summary = nodes.map((node) => {
    const here = rows.filter((r) => r.node === node);
    const sum = (f: (r: TopRow) => number) => here.reduce((total, r) => total + f(r), 0);
    return `${node}: ${here.length} processes, cpu ${sum((r) => r.cpuPercent).toFixed(1)}%, ${Math.round(sum((r) => r.memoryBytes) / 1024)}K memory, ${sum((r) => r.syscallsPerSecond)} syscalls/s`;
  });
  const table = formatTable(
    ["NODE", "PID", "PPID", "STATE", "CPU%", "CPU", "MEMORY", "MAILBOX", "SYSCALLS/S", "MODULE"],
    rows.map((r) => [r.node, String(r.pid), String(r.ppid), r.state, r.cpuPercent.toFixed(1), seconds(r.cpuTimeNs), `${Math.round(r.memoryBytes / 1024)}K`, String(r.mailboxDepth), String(r.syscallsPerSecond), r.module]),
  );
  return `${summary.join("\n")}\n\n${table}`;
}

const listProcs = async (channel: Channel): Promise<ProcInfo[]> => (await expectReply(channel.call({ ps: { cluster: true, ended: false } }), "procs")).procs;

export const topCommand: Command = defineCommand({
  usage: `usage: onebox top [options]

Every live process on every alive node, refreshed: CPU (the share of a core its
guest code used over the last interval, and its total CPU time), memory,
mailbox depth and syscalls per second, grouped by node. Ctrl-C quits.`,
  options: [
    { name: "interval", value: "SECONDS", help: "time between refreshes (default 2, or 1 with --once; rates are measured over it)" },
    { name: "once", help: "measure once over one interval, print, and exit" },
    { name: "json", help: "one JSON array a refresh, on a line (fields cpuTimeNs, cpuPercent, memoryBytes, mailboxDepth, syscalls, syscallsPerSecond, ...)" },
    ...CLUSTER_OPTIONS,
  ],
  async run(args) {
    const once = flag(args, "once");
    const intervalMs = secondsOption(args, "interval", once ? 1000 : 2000);
    const channel = await connectCluster(args);
    let stop: () => void = () => {};
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    process.once("SIGINT", stop);
    channel.onClose(stop);
    try {
      let before = new Map((await listProcs(channel)).map((p) => [p.pid, sampleOf(p)]));
      for (;;) {
        let timer: NodeJS.Timeout | undefined;
        const waited = await Promise.race([new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), intervalMs))), stopped.then(() => false)]);
        clearTimeout(timer);
        if (!waited || channel.isClosed) return 0;
        const procs = await listProcs(channel);
        const rows = procs.map((p) => topRow(p, before.get(p.pid))).sort((a, b) => a.node.localeCompare(b.node) || b.cpuPercent - a.cpuPercent || a.pid - b.pid);
        before = new Map(procs.map((p) => [p.pid, sampleOf(p)]));
        if (flag(args, "json")) console.log(JSON.stringify(rows));
        else process.stdout.write(`${process.stdout.isTTY ? "\x1b[H\x1b[2J" : ""}${render(rows)}\n${once ? "" : "\n"}`);
        if (once) return 0;
      }
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`top: ${(error as Error).message}`);
    } finally {
      channel.close("done");
    }
  },
});
