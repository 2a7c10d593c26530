import { CliError, flag, intOption, option, parseArgs, type Command, UsageError } from "./command.ts";
import { STATE_DIR, stateFile } from "./cluster-options.ts";
import { clusterCert, clusterInit, clusterRevoke } from "./credential-commands.ts";
import { progress, startLocalCluster, stopLocalCluster } from "./local-cluster.ts";
import { parseLimitOptions } from "./limit-options.ts";

export const clusterCommand: Command = {
  help: `usage: onebox cluster up [--nodes N] [--base-port P] [--host H] [--etcd] [--limit NAME=N ...]
       onebox cluster down
       onebox cluster init DIR [--cluster-name NAME]
       onebox cluster cert NODE [--ca-dir DIR] [--out DIR]
       onebox cluster revoke NODE [--cluster URL --credentials DIR ...]

up     start N node processes on this machine (node1 founds the cluster, the
       others join it), wait until all are members, and print the URL that
       reaches them. Logs go to ${STATE_DIR}/logs/, exports to ${STATE_DIR}/nodes/,
       the shared secret to ${STATE_DIR}/secret. Other commands find the
       cluster through ${stateFile(STATE_DIR)}.
       The nodes talk mutual TLS: up makes a CA (${STATE_DIR}/ca/), a certificate
       per node (${STATE_DIR}/certs/) and an admin credential for you
       (${STATE_DIR}/users/), unless they exist; audit logs go to ${STATE_DIR}/audit/.
down   stop the nodes (and the etcd) 'cluster up' started here.
init   make a cluster CA in DIR (ca.pem, and ca.key: keep it private).
cert   issue NODE's key and certificate (signed by the CA in --ca-dir, default
       ${STATE_DIR}/ca) into --out (default ${STATE_DIR}/certs/NODE), for
       'onebox node start --ca DIR/ca.pem --cert DIR/cert.pem --key DIR/key.pem'.
revoke (admin only) refuse every certificate of NODE issued until now, on every
       member: it is cut off and cannot rejoin (a new 'cluster cert' can).
       Takes the options of 'onebox user revoke' (see its --help).

options:
  --nodes N       how many nodes (default 3)
  --base-port P   first port; node i listens on P+i-1 (default 7400)
  --host H        address to listen on (default 127.0.0.1)
  --etcd          first start a local 3-member etcd (free ports, data in
                  ${STATE_DIR}/etcd/) and coordinate the nodes on it: no node
                  is special, any one can die (needs etcd-server installed)
  --json          print {"url", "nodes": [{"name", "url", "pid"}]} instead of the URL
  --limit NAME=N  a limit every node starts with (repeatable; the names are
                  in 'onebox node start --help')
  -h, --help      show this help`,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === "up") {
      const args = parseArgs(rest, { values: ["nodes", "base-port", "host", "limit"], flags: ["etcd", "json"] });
      const limits = args.options.get("limit") ?? [];
      parseLimitOptions(limits);
      const nodes = intOption(args, "nodes", 3);
      if (nodes < 1) throw new CliError("--nodes must be at least 1");
      const state = await startLocalCluster({ dir: STATE_DIR, nodes, basePort: intOption(args, "base-port", 7400), host: option(args, "host") ?? "127.0.0.1", etcd: args.options.has("etcd"), limits });
      progress(`cluster of ${nodes} up; stop it with 'onebox cluster down'`);
      console.log(flag(args, "json") ? JSON.stringify({ url: state.url, nodes: state.nodes.map((n) => ({ name: n.name, url: n.url, pid: n.pid })) }) : state.url);
      return 0;
    }
    if (sub === "down") {
      parseArgs(rest, { values: [], flags: [] });
      await stopLocalCluster(STATE_DIR);
      progress("cluster down");
      return 0;
    }
    if (sub === "init") return clusterInit(rest);
    if (sub === "cert") return clusterCert(rest);
    if (sub === "revoke") return clusterRevoke(rest);
    if (sub === "-h" || sub === "--help") return this.run(["up", "--help"]);
    throw new UsageError(`unknown cluster subcommand '${sub ?? ""}' (see onebox cluster --help)`);
  },
};
