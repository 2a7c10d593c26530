import fs from "node:fs";
import { credentialsIn } from "../auth/certificates.ts";
import { readToken, TOKEN } from "../auth/user-token.ts";
import { dashboardToken, httpUrlOf } from "../observe/dashboard-token.ts";
import { httpGet } from "../observe/http-get.ts";
import { CliError, defineCommand, type Command } from "./command.ts";
import { CLUSTER_OPTIONS, clusterUrl, credentialsDir, readSecret } from "./cluster-options.ts";
import { flag, option } from "./options.ts";

export const dashboardCommand: Command = defineCommand({
  usage: `usage: onebox dashboard [options]

Print the URL of the web dashboard served by a cluster node: nodes with their
state and load, processes (filter, kill), message flow between nodes, locks and
names, and the live trace: every node's newest syscalls in causal order, as
'onebox trace' shows them (filter by pid and call). The URL carries your token
(the file '${TOKEN}' of your credential, from 'onebox user add'; after '#', so the
browser never sends it to a server): the page sees and does what your role
allows, as the CLI would, and the nodes' audit logs name you. Anyone with the
URL acts as you: treat it as your key. On an --insecure cluster (no
credential) the token is made from the cluster's secret and allows everything.`,
  options: [...CLUSTER_OPTIONS, { name: "json", help: 'print {"url": ...}' }],
  async run(args) {
    const base = httpUrlOf(clusterUrl(args));
    if (!/^https?:\/\//.test(base)) throw new CliError(`the cluster URL must be ws:// or wss://, got '${base}'`);
    const credentials = credentialsDir(args);
    const url = `${base}/dashboard/#token=${tokenOf(credentials, option(args, "secret-file"))}`;
    // The node must answer: a URL to nothing would fail later, in a browser, with less said.
    try {
      const ca = credentials === undefined ? undefined : fs.readFileSync(credentialsIn(credentials).caFile);
      const { status } = await httpGet(`${base}/healthz`, { ca, timeoutMs: 5000 });
      if (status !== 200) throw new Error(`/healthz answered ${status}`);
    } catch (error) {
      throw new CliError(`cannot reach the node at ${base}: ${(error as Error).message}`);
    }
    console.log(flag(args, "json") ? JSON.stringify({ url }) : url);
    return 0;
  },
});

/** The credential's token; without a credential (--insecure), the one made from the secret. */
function tokenOf(credentials: string | undefined, secretFile: string | undefined): string {
  if (credentials === undefined) return dashboardToken(readSecret(secretFile));
  const token = readToken(credentials);
  if (token === undefined) throw new CliError(`credential ${credentials} has no '${TOKEN}' file: issue the user a new one with 'onebox user add' (it makes the token)`);
  return token;
}
