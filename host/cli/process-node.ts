import { expectReply } from "../cluster/link.ts";
import { nodeIdOfPid } from "../kernel/pid.ts";
import type { Channel, MsgHandler } from "../transport/channel.ts";
import { toBytes, type ExitNote, type Msg } from "../transport/wire.ts";
import { CliError } from "./command.ts";
import type { ParsedArgs } from "./options.ts";
import { connectCluster, withCluster } from "./cluster-options.ts";

/**
 * A connection to the node process `pid` runs (or ran) on, which keeps its log and its
 * input: the pid names the node, the cluster's member list gives its URL.
 */
export async function connectToProcess(args: ParsedArgs, pid: number, handler: MsgHandler): Promise<{ channel: Channel; node: string }> {
  const { members } = await withCluster(args, (channel) => expectReply(channel.call({ nodes: {} }), "members"));
  const member = members.find((m) => m.id === nodeIdOfPid(pid));
  if (!member) throw new CliError(`no process ${pid}: the cluster has no node ${nodeIdOfPid(pid)}`);
  if (member.state === "down") throw new CliError(`process ${pid} was on ${member.name}, which is down`);
  return { channel: await connectCluster(args, member.url, handler), node: member.name };
}

/** Output casts from a process's node (logs, attach) to this terminal's stdout and stderr. */
export function printOutput(msg: Msg): boolean {
  const output = (msg as { output?: { fd: number; data: Uint8Array } }).output;
  if (!output) return false;
  (output.fd === 2 ? process.stderr : process.stdout).write(toBytes(output.data));
  return true;
}

/** The stderr line that says how a process ended. */
export const endLine = (pid: number, node: string, exit: ExitNote): string =>
  `onebox: process ${pid} on ${node} ended: ${exit.reason.toLowerCase()}, status ${exit.status}${exit.text ? ` (${exit.text})` : ""}\n`;
