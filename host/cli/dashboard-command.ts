import { dashboardToken, httpUrlOf } from "../observe/dashboard-token.ts";
import { CliError, flag, option, parseArgs, type Command } from "./command.ts";
import { CLUSTER_HELP, CLUSTER_VALUES, clusterUrl, readSecret } from "./cluster-options.ts";

export const dashboardCommand: Command = {
  help: `usage: onebox dashboard [options]

Print the URL of the web dashboard served by a cluster node: nodes with their
state and load, processes (filter, kill), message flow between nodes, locks and
names. The URL carries a token made from the cluster's secret (after '#', so the
browser never sends it to a server); anyone with the URL can read the cluster's
state and kill processes, so treat it as the secret itself.

options:
${CLUSTER_HELP}
  --json               print {"url": ...}
  -h, --help           show this help`,
  async run(argv) {
    const args = parseArgs(argv, { values: CLUSTER_VALUES, flags: ["json"] });
    const base = httpUrlOf(clusterUrl(args));
    if (!/^https?:\/\//.test(base)) throw new CliError(`the cluster URL must be ws:// or wss://, got '${base}'`);
    const url = `${base}/dashboard/#token=${dashboardToken(readSecret(option(args, "secret-file")))}`;
    // The node must answer: a URL to nothing would fail later, in a browser, with less said.
    try {
      const health = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5000) });
      if (!health.ok) throw new Error(`/healthz answered ${health.status}`);
    } catch (error) {
      throw new CliError(`cannot reach the node at ${base}: ${(error as Error).message}`);
    }
    console.log(flag(args, "json") ? JSON.stringify({ url }) : url);
    return 0;
  },
};
