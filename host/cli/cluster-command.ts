import { CliError, defineSubcommands, type Command } from "./command.ts";
import { STATE_DIR, stateFile } from "./cluster-options.ts";
import { clusterCert, clusterInit, clusterRevoke } from "./credential-commands.ts";
import { progress, startLocalCluster, stopLocalCluster } from "./local-cluster.ts";
import { LIMIT_OPTION, parseLimitOptions } from "./limit-options.ts";
import { flag, intOption, option, options } from "./options.ts";

export const clusterCommand: Command = defineSubcommands(
  "cluster",
  {
    usage: `usage: onebox cluster up [--nodes N] [--base-port P] [--host H] [--etcd] [--limit NAME=N ...]
       onebox cluster down
       onebox cluster init DIR [--cluster-name NAME]
       onebox cluster cert NODE [--ca-dir DIR] [--out DIR]
       onebox cluster revoke NODE [cluster options]

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
cert   issue NODE's key and certificate (signed by the CA in --ca-dir) into --out,
       for 'onebox node start --ca DIR/ca.pem --cert DIR/cert.pem --key DIR/key.pem'.
revoke (admin only) refuse every certificate of NODE issued until now, on every
       member: it is cut off and cannot rejoin (a new 'cluster cert' can).`,
  },
  {
    up: {
      options: [
        { name: "nodes", value: "N", help: "how many nodes", default: "3" },
        { name: "base-port", value: "P", help: "first port; node i listens on P+i-1", default: "7400" },
        { name: "host", value: "H", help: "address to listen on", default: "127.0.0.1" },
        { name: "etcd", help: `first start a local 3-member etcd (free ports, data in ${STATE_DIR}/etcd/) and coordinate the nodes on it: no node is special, any one can die (needs etcd-server installed)` },
        { name: "json", help: 'print {"url", "nodes": [{"name", "url", "pid"}]} instead of the URL' },
        { ...LIMIT_OPTION, help: "a limit every node starts with (the names are in 'onebox node start --help')" },
      ],
      async run(args) {
        const limits = options(args, "limit");
        parseLimitOptions(limits);
        const nodes = intOption(args, "nodes");
        if (nodes < 1) throw new CliError("--nodes must be at least 1");
        const state = await startLocalCluster({ dir: STATE_DIR, nodes, basePort: intOption(args, "base-port"), host: option(args, "host")!, etcd: flag(args, "etcd"), limits });
        progress(`cluster of ${nodes} up; stop it with 'onebox cluster down'`);
        console.log(flag(args, "json") ? JSON.stringify({ url: state.url, nodes: state.nodes.map((n) => ({ name: n.name, url: n.url, pid: n.pid })) }) : state.url);
        return 0;
      },
    },
    down: {
      options: [],
      async run() {
        await stopLocalCluster(STATE_DIR);
        progress("cluster down");
        return 0;
      },
    },
    init: clusterInit,
    cert: clusterCert,
    revoke: clusterRevoke,
  },
);
