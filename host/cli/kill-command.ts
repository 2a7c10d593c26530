import { expectReply } from "../cluster/link.ts";
import { CliError, defineCommand, type Command } from "./command.ts";
import { CLUSTER_OPTIONS, withCluster } from "./cluster-options.ts";
import { pidArgument } from "./options.ts";

export const killCommand: Command = defineCommand({
  usage: `usage: onebox kill [options] PID

End process PID with reason KILLED, on whatever node it runs.`,
  options: CLUSTER_OPTIONS,
  async run(args) {
    const pid = pidArgument(args, "kill");
    try {
      await withCluster(args, (channel) => expectReply(channel.call({ kill: { caller: 0, pid } }), "empty"));
      return 0;
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`kill ${pid}: ${(error as Error).message}`);
    }
  },
});
