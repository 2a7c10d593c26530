import { expectReply } from "../cluster/link.ts";
import { Scheduler } from "../cluster/scheduler.ts";
import { toBytes, toNumber, type Bodies, type Msg } from "../transport/wire.ts";
import { CliError } from "./command.ts";
import { flag, option, options, type ParsedArgs } from "./options.ts";
import { formatTrace } from "./trace-format.ts";
import { TraceMerge } from "../trace/trace-merge.ts";
import { clusterUrl, connectCluster, withCluster } from "./cluster-options.ts";
import { sendStdin } from "./stdin-input.ts";
import type { RunRecording } from "./record-option.ts";
import { rootAskOf } from "./root-set-options.ts";

/** The URL of the member `on` names (a node name or k=v labels), or the least loaded. */
async function chooseNode(args: ParsedArgs, on: string): Promise<{ name: string; url: string }> {
  const { members } = await withCluster(args, (channel) => expectReply(channel.call({ nodes: {} }), "members"));
  let name = on;
  if (on === "" || on.includes("=")) {
    try {
      name = new Scheduler().place(members, on);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
  }
  const member = members.find((m) => m.name === name && m.state === "alive");
  if (!member) throw new CliError(`no alive node named ${name} (see onebox nodes)`);
  return member;
}

/**
 * `run --cluster`: send the module to the chosen node, stream its output here, and
 * return its exit status. Closing this end (Ctrl-C) kills the process there.
 * Detached: print its pid and return; it runs on (operator-console.ts on the node).
 */
export async function runOnCluster(args: ParsedArgs, file: string, bytes: Uint8Array, detached = false, recording?: RunRecording): Promise<number> {
  clusterUrl(args);
  const node = await chooseNode(args, option(args, "on") ?? "");
  const run = { module: bytes, argv: [file, ...args.rest], env: options(args, "env"), node: "", detached, recordLimit: recording?.limit ?? 0, rootSet: rootAskOf(args) };
  if (detached) {
    const pid = await withCluster(args, (channel) => expectReply(channel.call({ run }), "pid"), node.url).catch((error: Error) => {
      throw new CliError(`${file}: ${error.message}`);
    });
    console.log(pid.pid);
    process.stderr.write(`onebox: started process ${pid.pid} on ${node.name}; 'onebox logs ${pid.pid}' prints its output, 'onebox attach ${pid.pid}' connects to it\n`);
    return 0;
  }
  let ended: (note: Bodies["exited"]) => void = () => {};
  const exited = new Promise<Bodies["exited"]>((resolve) => (ended = resolve));
  let stdin: ReturnType<typeof sendStdin> | undefined;
  const handler = (msg: Msg) => {
    const m = msg as Partial<Bodies>;
    if (m.output) (m.output.fd === 2 ? process.stderr : process.stdout).write(toBytes(m.output.data));
    else if (m.inputTaken) stdin?.taken(toNumber(m.inputTaken.n));
    else if (m.recordData) recording?.take(toBytes(m.recordData.data));
    else if (m.exited) ended(m.exited);
  };
  const channel = await connectCluster(args, node.url, handler);
  let lost = false;
  channel.onClose((reason) => {
    lost = true;
    ended({ to: 0, pid: 0, reason: "NOCONNECTION", status: 255, text: `lost ${node.name}: ${reason}` });
  });
  process.once("SIGINT", () => channel.close("interrupted"));
  // A reader that went away (| head) ends the run, not this process with EPIPE.
  process.stdout.once("error", () => channel.close("stdout closed"));
  let pid: number;
  try {
    pid = (await expectReply(channel.call({ run }), "pid")).pid;
  } catch (error) {
    channel.close("done");
    throw new CliError(`${file}: ${(error as Error).message}`);
  }
  // Started only now: the node has a process to give it to.
  stdin = sendStdin((data, end) => channel.cast({ input: { data, end } }));
  const traced = flag(args, "trace") ? traceRun(args, node.url, pid, exited) : undefined;
  const note = await exited;
  const connectionLost = lost;
  await traced;
  channel.close("done");
  if (note.reason !== "NORMAL") process.stderr.write(`onebox: ${file} (pid ${pid} on ${node.name}) ended: ${note.reason.toLowerCase()}: ${note.text}\n`);
  // The record's pieces came before the exited note, on the same connection; a lost connection lost them.
  if (recording && connectionLost) process.stderr.write(`onebox: no record written to ${option(args, "record")}: the connection to ${node.name} was lost\n`);
  else recording?.save();
  return note.status;
}

/** `run --trace` on a cluster: the process's and its descendants' calls on stderr until it ends. */
async function traceRun(args: ParsedArgs, url: string, pid: number, ended: Promise<unknown>): Promise<void> {
  const { followJournals, warnLine } = await import("./trace-command.ts");
  const channel = await connectCluster(args, url);
  try {
    await followJournals(channel, new TraceMerge({ pid }, { warn: warnLine }), (r) => process.stderr.write(formatTrace(r) + "\n"), ended);
  } finally {
    channel.close("done");
  }
}
