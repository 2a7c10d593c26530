import { expectReply } from "../cluster/link.ts";
import { DEFAULT_LOG_LIMITS } from "../cluster/process-logs.ts";
import { toBytes, toNumber, type Bodies, type ExitNote, type Msg } from "../transport/wire.ts";
import { CliError, defineCommand, type Command } from "./command.ts";
import { CLUSTER_OPTIONS } from "./cluster-options.ts";
import { flag, pidArgument } from "./options.ts";
import { connectToProcess, endLine } from "./process-node.ts";

const { processBytes, endedKept, endedKeptMs } = DEFAULT_LOG_LIMITS;

export const logsCommand: Command = defineCommand({
  usage: `usage: onebox logs [options] PID

Print what process PID wrote to stdout and stderr, as its node keeps it: its
stdout here to stdout, its stderr to stderr. A node keeps the newest
${processBytes / 1024} KiB of each process's output (older output is dropped, and
counted), and keeps a process's log for ${endedKeptMs / 60_000} minutes after it ends (the last
${endedKept} ended processes per node). A process's children have logs of their own.`,
  options: [
    { name: "follow", short: "f", help: "go on printing what it writes, until it ends" },
    { name: "json", help: 'one JSON object a line: {"pid","stream":"stdout"|"stderr","text"} per piece of output, {"pid","dropped"} if some was dropped, and {"pid","exit":{"reason","status","text"}} if it has ended' },
    ...CLUSTER_OPTIONS,
  ],
  async run(args) {
    const pid = pidArgument(args, "logs");
    const json = flag(args, "json");
    const follow = flag(args, "follow");
    const line = (record: object) => process.stdout.write(`${JSON.stringify({ pid, ...record })}\n`);
    const decoders = { 1: new TextDecoder(), 2: new TextDecoder() };
    let ended: (note: ExitNote) => void = () => {};
    let lost: (error: Error) => void = () => {};
    const end = new Promise<ExitNote>((resolve, reject) => ((ended = resolve), (lost = reject)));
    // Awaited only when following a live process; closing the connection rejects it either way.
    end.catch(() => {});
    const handler = (msg: Msg) => {
      const m = msg as Partial<Bodies>;
      if (m.output) {
        const fd = m.output.fd === 2 ? 2 : 1;
        if (json) line({ stream: fd === 2 ? "stderr" : "stdout", text: decoders[fd].decode(toBytes(m.output.data), { stream: true }) });
        else (fd === 2 ? process.stderr : process.stdout).write(toBytes(m.output.data));
      } else if (m.exited) ended(m.exited);
    };
    const { channel, node } = await connectToProcess(args, pid, handler);
    channel.onClose((reason) => lost(new CliError(`lost ${node}: ${reason}`)));
    // A reader that went away (| head) ends this command, not with EPIPE.
    process.stdout.once("error", () => channel.close("stdout closed"));
    try {
      const info = await expectReply(channel.call({ logs: { pid, follow } }), "logInfo");
      const dropped = toNumber(info.dropped);
      if (dropped > 0) {
        if (json) line({ dropped });
        else process.stderr.write(`onebox: ${dropped} earlier bytes of process ${pid}'s output were dropped: its node keeps the newest ${processBytes / 1024} KiB\n`);
      }
      const exit = info.exit ?? (follow ? await end : undefined);
      if (exit) {
        if (json) line({ exit: { reason: exit.reason, status: exit.status, text: exit.text } });
        else process.stderr.write(endLine(pid, node, exit));
      }
      return 0;
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`logs ${pid}: ${(error as Error).message}`);
    } finally {
      channel.close("done");
    }
  },
});
