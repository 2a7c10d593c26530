import fs from "node:fs";
import path from "node:path";
import { readPrivateFile } from "../auth/private-file.ts";
import { ClusterNode, DEFAULT_HEARTBEAT_TIMEOUT_MS } from "../cluster/node.ts";
import { parseLabels } from "../kernel/labels.ts";
import { LamportClock } from "../kernel/journal/lamport.ts";
import { logWarnings, nodeLog } from "../observe/log.ts";
import { NodeHttp } from "../observe/node-http.ts";
import { WsTransport } from "../transport/ws-transport.ts";
import { CliError, flag, intOption, option, parseArgs, type Command, UsageError } from "./command.ts";
import { DEFAULT_CLUSTER_NAME, STATE_DIR } from "./cluster-options.ts";
import { DEFAULT_ROOT } from "./run-command.ts";
import { JOURNAL_HELP, journalOption } from "./journal-option.ts";
import { LIMIT_OPTION_HELP, parseLimitOptions } from "./limit-options.ts";

export const nodeCommand: Command = {
  help: `usage: onebox node start --name NAME --listen HOST:PORT [options]

Run one node in the foreground until interrupted. Without --join it founds a new
cluster and serves its coordinator (locks, names, membership); with --join it
joins the cluster through any member. The same port answers HTTP: /metrics
(Prometheus), /healthz, /readyz and the dashboard ('onebox dashboard'). The log
goes to stderr as JSON lines, each with the node's Lamport time. With --etcd,
locks, names, membership and node ids live in etcd instead: every node starts
the same way, none is special, and a node that cannot renew its etcd lease
stops with exit status 3.

options:
  --name NAME           this node's name, unique in the cluster (required)
  --listen HOST:PORT    where other nodes and the CLI reach it (required)
  --join URL            a member of the cluster to join, e.g. wss://10.0.0.1:7000
  --etcd URL[,URL...]   coordinate on this etcd cluster (its client URLs, e.g.
                        http://10.0.0.1:2379,http://10.0.0.2:2379); not with --join
  --advertise URL       the URL other nodes dial (default: wss://LISTEN), needed
                        when listening on 0.0.0.0 or behind NAT
  --root DIR            the directory this node exports (default ${DEFAULT_ROOT})
  --secret-file FILE    the cluster's shared secret (default: $ONEBOX_SECRET_FILE);
                        required, not empty, not readable by others
  --cluster-name NAME   the cluster's name (default ${DEFAULT_CLUSTER_NAME})
  --label K=V           a label the scheduler can match (repeatable)
  --ca FILE, --cert FILE, --key FILE
                        mutual TLS: the cluster's CA certificate, and this node's
                        certificate (its CN must be NAME) and key, as made by
                        'onebox cluster init' and 'onebox cluster cert'; required
                        unless --insecure
  --insecure            plain ws, no certificates: anyone with the secret can join
                        under any name and do anything (warned at start)
  --audit-file FILE     where client requests are recorded (default
                        ${STATE_DIR}/audit/NAME.log)
  --revocation-file FILE
                        where this node keeps the cluster's revocation list
                        ('user revoke', 'cluster revoke'; default
                        ${STATE_DIR}/revoked/NAME.json)
  --heartbeat-ms MS     silence before a member is suspect (default ${DEFAULT_HEARTBEAT_TIMEOUT_MS})
  --journal N           ${JOURNAL_HELP}
${LIMIT_OPTION_HELP}
  --pretty              log readable lines instead of JSON lines (pino's format)
  -h, --help            show this help`,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === "-h" || sub === "--help") return this.run(["start", "--help"]);
    if (sub !== "start") throw new UsageError(`unknown node subcommand '${sub ?? ""}' (see onebox node --help)`);
    const args = parseArgs(rest, { values: ["name", "listen", "advertise", "join", "etcd", "root", "secret-file", "cluster-name", "label", "ca", "cert", "key", "heartbeat-ms", "audit-file", "revocation-file", "limit", "journal"], flags: ["insecure", "pretty"] });
    const limits = parseLimitOptions(args.options.get("limit") ?? []);
    const name = option(args, "name");
    const listen = option(args, "listen");
    if (!name || !listen) throw new UsageError("node start needs --name and --listen (see --help)");
    const etcd = option(args, "etcd")?.split(",").filter((url) => url !== "");
    if (etcd && option(args, "join")) throw new UsageError("--etcd and --join exclude each other: on etcd, nodes find each other there");
    if (etcd?.length === 0) throw new UsageError("--etcd needs at least one URL");
    const journal = journalOption(args);
    const insecure = args.options.has("insecure");
    const tls = { caFile: option(args, "ca"), certFile: option(args, "cert"), keyFile: option(args, "key") };
    if (insecure && tls.caFile) throw new UsageError("--insecure and --ca exclude each other");
    if (!insecure && !(tls.caFile && tls.certFile && tls.keyFile)) throw new UsageError("node start needs --ca, --cert and --key (mutual TLS), or --insecure (see --help)");
    if (!tls.certFile !== !tls.keyFile) throw new CliError("--cert and --key go together");
    let labels: Record<string, string>;
    try {
      labels = parseLabels((args.options.get("label") ?? []).join(","));
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    const secretFile = option(args, "secret-file") ?? process.env.ONEBOX_SECRET_FILE;
    const lamport = new LamportClock();
    const logger = nodeLog(name, flag(args, "pretty"), lamport);
    const log = logger.info;
    logWarnings(logger);
    if (!secretFile) throw new UsageError("node start needs --secret-file (or $ONEBOX_SECRET_FILE)");
    let secret: Uint8Array;
    try {
      secret = new Uint8Array(readPrivateFile(secretFile, "secret file"));
      if (tls.keyFile) readPrivateFile(tls.keyFile, "key file");
    } catch (error) {
      throw new CliError(`node ${name}: ${(error as Error).message}`);
    }
    if (insecure) logger.warn("--insecure: plain ws without certificates; anyone who has the secret can join under any name and do anything");
    const root = option(args, "root") ?? DEFAULT_ROOT;
    fs.mkdirSync(root, { recursive: true });
    let web: NodeHttp;
    try {
      web = new NodeHttp(secret, tls.caFile);
    } catch (error) {
      throw new CliError(`node ${name}: CA certificate ${tls.caFile}: ${(error as Error).message}`);
    }
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
        secret,
        labels,
        transport: new WsTransport(tls.certFile && tls.keyFile ? { certFile: tls.certFile, keyFile: tls.keyFile, caFile: tls.caFile } : undefined, web.handle),
        auditFile: option(args, "audit-file") ?? path.join(STATE_DIR, "audit", `${name}.log`),
        revocationFile: option(args, "revocation-file") ?? path.join(STATE_DIR, "revoked", `${name}.json`),
        heartbeatTimeoutMs: intOption(args, "heartbeat-ms", DEFAULT_HEARTBEAT_TIMEOUT_MS),
        limits,
        journal,
        log,
        lamport,
        onFenced: () => process.exit(3),
      });
    } catch (error) {
      throw new CliError(`node ${name}: ${(error as Error).message}`);
    }
    web.attach(node);
    log(`listening at ${node.url} (node ${node.id})`);
    await new Promise<void>((resolve) => {
      for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolve());
    });
    log("stopping");
    await node.stop();
    return 0;
  },
};
