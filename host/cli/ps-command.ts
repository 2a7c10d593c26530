import { expectReply } from "../cluster/link.ts";
import { toNumber } from "../transport/wire.ts";
import { defineCommand, type Command } from "./command.ts";
import { LISTING_OPTIONS, withCluster } from "./cluster-options.ts";
import { flag } from "./options.ts";
import { formatTable } from "./table.ts";

export const psCommand: Command = defineCommand({
  usage: `usage: onebox ps [options]

List every process on every alive node: pid, node, parent, owner (the user
who started it or its first ancestor; '-' when none is known), state, module,
uptime, CPU time (its guest code's) and memory (its linear memory). A user with
role 'user' sees only their own processes. With --all, also the last processes
that ended on each node (state "exited: REASON", e.g. exited: limit_cpu;
uptime = how long it ran).`,
  options: [...LISTING_OPTIONS, { name: "all", help: "include recently ended processes" }],
  async run(args) {
    const { procs } = await withCluster(args, (channel) => expectReply(channel.call({ ps: { cluster: true, ended: flag(args, "all") } }), "procs"));
    const rows = procs
      .map((p) => ({
        pid: p.pid, node: p.node, ppid: p.ppid, owner: p.owner ?? "", state: p.state, module: p.module, uptimeMs: Math.round(p.uptimeMs),
        cpuTimeNs: toNumber(p.cpuTimeNs), memoryBytes: toNumber(p.memoryBytes), mailboxDepth: p.mailboxDepth, syscalls: toNumber(p.syscalls),
      }))
      .sort((a, b) => a.pid - b.pid);
    if (flag(args, "json")) console.log(JSON.stringify(rows));
    else {
      console.log(formatTable(
        ["PID", "NODE", "PPID", "OWNER", "STATE", "UPTIME", "CPU", "MEMORY", "MODULE"],
        rows.map((p) => [String(p.pid), p.node, String(p.ppid), p.owner || "-", p.state, `${(p.uptimeMs / 1000).toFixed(1)}s`, `${(p.cpuTimeNs / 1e9).toFixed(2)}s`, `${Math.round(p.memoryBytes / 1024)}K`, p.module]),
      ));
    }
    return 0;
  },
});
