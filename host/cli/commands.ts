// Every onebox command: its name, its one-line summary, and its code, loaded only when it
// runs (each command's module imports what it needs: the kernel, the cluster, the toolchains).
import type { Command } from "./command.ts";

export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
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
