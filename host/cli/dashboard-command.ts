import fs from "node:fs";
import { dashboardToken, httpUrlOf } from "../observe/dashboard-token.ts";
import { CliError, defineCommand, type Command } from "./command.ts";
import { CLUSTER_OPTIONS, clusterUrl, credentialsDir, readSecret } from "./cluster-options.ts";
import { flag, option } from "./options.ts";

export const dashboardCommand: Command = defineCommand({
  usage: `usage: onebox dashboard [options]

Print the URL of the web dashboard served by a cluster node: nodes with their
state and load, processes (filter, kill), message flow between nodes, locks and
names, and the live trace: every node's newest syscalls in causal order, as
'onebox trace' shows them (filter by pid and call). The URL carries a token made
from the cluster's secret (after '#', so the browser never sends it to a server);
anyone with the URL can read the cluster's state and kill processes, so treat it
as the secret itself.`,
  options: [...CLUSTER_OPTIONS, { name: "json", help: 'print {"url": ...}' }],
  async run(args) {
    const base = httpUrlOf(clusterUrl(args));
    if (!/^https?:\/\//.test(base)) throw new CliError(`the cluster URL must be ws:// or wss://, got '${base}'`);
    const url = `${base}/dashboard/#token=${dashboardToken(readSecret(option(args, "secret-file")))}`;
    // The node must answer: a URL to nothing would fail later, in a browser, with less said.
    try {
      const status = await healthStatus(`${base}/healthz`, credentialsDir(args));
      if (status !== 200) throw new Error(`/healthz answered ${status}`);
    } catch (error) {
      throw new CliError(`cannot reach the node at ${base}: ${(error as Error).message}`);
    }
    console.log(flag(args, "json") ? JSON.stringify({ url }) : url);
    return 0;
  },
});

/**
 * The status of a GET of `url`. Over https the node's certificate is the cluster CA's,
 * which the client's credentials hold (node:https, because fetch takes no CA of its own).
 */
async function healthStatus(url: string, credentials: string | undefined): Promise<number> {
  if (url.startsWith("http:")) return (await fetch(url, { signal: AbortSignal.timeout(5000) })).status;
  const [https, { credentialsIn }] = await Promise.all([import("node:https"), import("../auth/certificates.ts")]);
  const ca = credentials === undefined ? undefined : fs.readFileSync(credentialsIn(credentials).caFile);
  return new Promise((resolve, reject) => {
    const request = https.get(url, { ca, checkServerIdentity: () => undefined, timeout: 5000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on("timeout", () => request.destroy(new Error("no answer in 5 s")));
    request.on("error", reject);
  });
}
