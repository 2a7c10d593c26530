import fs from "node:fs";
import { ClusterNode, DEFAULT_HEARTBEAT_TIMEOUT_MS } from "../cluster/node.ts";
import { parseLabels } from "../cluster/scheduler.ts";
import { WsTransport } from "../transport/ws-transport.ts";
import { CliError, intOption, option, parseArgs, type Command, UsageError } from "./command.ts";
import { DEFAULT_CLUSTER_NAME, readSecret } from "./cluster-options.ts";
import { DEFAULT_ROOT } from "./run-command.ts";
import { JOURNAL_HELP, journalOption } from "./journal-option.ts";

export const nodeCommand: Command = {
  help: `usage: onebox node start --name NAME --listen HOST:PORT [options]

Run one node in the foreground until interrupted. Without --join it founds a new
cluster and serves its coordinator (locks, names, membership); with --join it
joins the cluster through any member. With --etcd, locks, names, membership and
node ids live in etcd instead: every node starts the same way, none is special,
and a node that cannot renew its etcd lease stops with exit status 3.

options:
  --name NAME           this node's name, unique in the cluster (required)
  --listen HOST:PORT    where other nodes and the CLI reach it (required)
  --join URL            a member of the cluster to join, e.g. ws://10.0.0.1:7000
  --etcd URL[,URL...]   coordinate on this etcd cluster (its client URLs, e.g.
                        http://10.0.0.1:2379,http://10.0.0.2:2379); not with --join
  --advertise URL       the URL other nodes dial (default: ws://LISTEN), needed
                        when listening on 0.0.0.0 or behind NAT
  --root DIR            the directory this node exports (default ${DEFAULT_ROOT})
  --secret-file FILE    the cluster's shared secret (default: $ONEBOX_SECRET_FILE)
  --cluster-name NAME   the cluster's name (default ${DEFAULT_CLUSTER_NAME})
  --label K=V           a label the scheduler can match (repeatable)
  --cert FILE, --key FILE  serve wss with this certificate and key
  --heartbeat-ms MS     silence before a member is suspect (default ${DEFAULT_HEARTBEAT_TIMEOUT_MS})
  --journal N           ${JOURNAL_HELP}
  -h, --help            show this help`,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === "-h" || sub === "--help") return this.run(["start", "--help"]);
    if (sub !== "start") throw new UsageError(`unknown node subcommand '${sub ?? ""}' (see onebox node --help)`);
    const args = parseArgs(rest, { values: ["name", "listen", "advertise", "join", "etcd", "root", "secret-file", "cluster-name", "label", "cert", "key", "heartbeat-ms", "journal"], flags: [] });
    const name = option(args, "name");
    const listen = option(args, "listen");
    if (!name || !listen) throw new UsageError("node start needs --name and --listen (see --help)");
    const etcd = option(args, "etcd")?.split(",").filter((url) => url !== "");
    if (etcd && option(args, "join")) throw new UsageError("--etcd and --join exclude each other: on etcd, nodes find each other there");
    if (etcd?.length === 0) throw new UsageError("--etcd needs at least one URL");
    const journal = journalOption(args);
    const cert = option(args, "cert");
    const key = option(args, "key");
    if (!cert !== !key) throw new CliError("--cert and --key go together");
    let labels: Record<string, string>;
    try {
      labels = parseLabels((args.options.get("label") ?? []).join(","));
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    const secretFile = option(args, "secret-file") ?? process.env.ONEBOX_SECRET_FILE;
    const log = (line: string) => process.stderr.write(`onebox[${name}]: ${line}\n`);
    if (!secretFile) log("warning: no --secret-file: anyone who can reach this port can join the cluster");
    const root = option(args, "root") ?? DEFAULT_ROOT;
    fs.mkdirSync(root, { recursive: true });
    let node: ClusterNode;
    try {
      node = await ClusterNode.start({
        name,
        listen,
        advertise: option(args, "advertise"),
        join: option(args, "join"),
        etcd,
        root,
        cluster: option(args, "cluster-name") ?? DEFAULT_CLUSTER_NAME,
        secret: readSecret(secretFile),
        labels,
        transport: new WsTransport(cert && key ? { certFile: cert, keyFile: key } : undefined),
        heartbeatTimeoutMs: intOption(args, "heartbeat-ms", DEFAULT_HEARTBEAT_TIMEOUT_MS),
        journal,
        log,
        onFenced: () => process.exit(3),
      });
    } catch (error) {
      throw new CliError(`node ${name}: ${(error as Error).message}`);
    }
    log(`listening at ${node.url} (node ${node.id})`);
    await new Promise<void>((resolve) => {
      for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolve());
    });
    log("stopping");
    await node.stop();
    return 0;
  },
};
