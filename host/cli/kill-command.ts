import { expectReply } from "../cluster/link.ts";
import { CliError, parseArgs, type Command, UsageError } from "./command.ts";
import { CLUSTER_HELP, CLUSTER_VALUES, withCluster } from "./cluster-options.ts";

export const killCommand: Command = {
  help: `usage: onebox kill [options] PID

End process PID with reason KILLED, on whatever node it runs.

options:
${CLUSTER_HELP}
  -h, --help           show this help`,
  async run(argv) {
    const args = parseArgs(argv, { values: CLUSTER_VALUES, flags: [] });
    const pid = Number(args.positionals[0]);
    if (args.positionals.length !== 1 || !Number.isInteger(pid) || pid <= 0) throw new UsageError("kill takes one pid (see --help)");
    try {
      await withCluster(args, (channel) => expectReply(channel.call({ kill: { caller: 0, pid } }), "empty"));
      return 0;
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`kill ${pid}: ${(error as Error).message}`);
    }
  },
};
