import { expectReply } from "../cluster/link.ts";
import { toNumber, type Bodies, type ExitNote, type Msg } from "../transport/wire.ts";
import { CliError, defineCommand, type Command } from "./command.ts";
import { CLUSTER_OPTIONS } from "./cluster-options.ts";
import { flag, pidArgument } from "./options.ts";
import { connectToProcess, endLine, printOutput } from "./process-node.ts";
import { sendStdin } from "./stdin-input.ts";

/** How an attach ends: the process ended, the operator detached, or the node went away. */
type Outcome = { exit: ExitNote } | { detached: string } | { lost: string };

export const attachCommand: Command = defineCommand({
  usage: `usage: onebox attach [options] PID

Connect this terminal to process PID, started with 'onebox run -d': what it
writes from now on comes here (its stdout to stdout, its stderr to stderr), and
this command's standard input goes to its fd 0. The end of this input (Ctrl-D)
ends the process's input for good. One client is attached to a process at a time.

Ctrl-C (SIGINT) detaches and leaves the process running (exit status 0). If the
process ends while attached, this command exits with the process's status.`,
  options: [{ name: "kill-on-detach", help: "kill the process when detaching" }, ...CLUSTER_OPTIONS],
  async run(args) {
    const pid = pidArgument(args, "attach");
    let stdin: ReturnType<typeof sendStdin> | undefined;
    let settle: (outcome: Outcome) => void = () => {};
    const outcome = new Promise<Outcome>((resolve) => (settle = resolve));
    const handler = (msg: Msg) => {
      if (printOutput(msg)) return;
      const m = msg as Partial<Bodies>;
      if (m.inputTaken) stdin?.taken(toNumber(m.inputTaken.n));
      else if (m.exited) settle({ exit: m.exited });
    };
    const { channel, node } = await connectToProcess(args, pid, handler);
    channel.onClose((reason) => settle({ lost: reason }));
    try {
      await expectReply(channel.call({ attach: { pid } }), "empty");
    } catch (error) {
      channel.close("done");
      throw new CliError(`attach ${pid}: ${(error as Error).message}`);
    }
    process.once("SIGINT", () => settle({ detached: "interrupted" }));
    process.stdout.once("error", () => settle({ detached: "stdout closed" }));
    // Only now: the node takes input from this connection once it is attached.
    stdin = sendStdin((data, end) => channel.cast({ input: { data, end } }));
    const end = await outcome;
    if ("detached" in end && flag(args, "kill-on-detach")) {
      await expectReply(channel.call({ kill: { caller: 0, pid } }), "empty").catch(() => {});
    }
    channel.close("detached");
    if ("exit" in end) {
      if (end.exit.reason !== "NORMAL") process.stderr.write(endLine(pid, node, end.exit));
      return end.exit.status;
    }
    if ("lost" in end) throw new CliError(`lost ${node}: ${end.lost}`);
    process.stderr.write(`onebox: detached from process ${pid}${flag(args, "kill-on-detach") ? ", and killed it" : `; it runs on (onebox logs ${pid}, onebox attach ${pid})`}\n`);
    return 0;
  },
});
