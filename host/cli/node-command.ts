import fs from "node:fs";
import path from "node:path";
import { readPrivateFile } from "../auth/private-file.ts";
import { ClusterNode, DEFAULT_HEARTBEAT_TIMEOUT_MS } from "../cluster/node.ts";
import { parseLabels } from "../kernel/labels.ts";
import { LamportClock } from "../kernel/journal/lamport.ts";
import { logWarnings, nodeLog } from "../observe/log.ts";
import { NodeHttp } from "../observe/node-http.ts";
import { WsTransport } from "../transport/ws-transport.ts";
import { CliError, defineSubcommands, type Command, UsageError } from "./command.ts";
import { flag, given, intOption, option, options, type OptionSpec, type ParsedArgs } from "./options.ts";
import { DEFAULT_CLUSTER_NAME, STATE_DIR } from "./cluster-options.ts";
import { DEFAULT_ROOT } from "./run-command.ts";
import { JOURNAL_OPTION, journalOption } from "./journal-option.ts";
import { LIMIT_OPTION, parseLimitOptions } from "./limit-options.ts";

const NODE_OPTIONS: readonly OptionSpec[] = [
  { name: "name", value: "NAME", help: "this node's name, unique in the cluster (required)" },
  { name: "listen", value: "HOST:PORT", help: "where other nodes and the CLI reach it (required)" },
  { name: "join", value: "URL", help: "a member of the cluster to join, e.g. wss://10.0.0.1:7000" },
  { name: "etcd", value: "URL[,URL...]", help: "coordinate on this etcd cluster (its client URLs, e.g. http://10.0.0.1:2379,http://10.0.0.2:2379); not with --join" },
  { name: "advertise", value: "URL", help: "the URL other nodes dial (default: wss://LISTEN), needed when listening on 0.0.0.0 or behind NAT" },
  { name: "root", value: "DIR", help: "the directory this node exports", default: DEFAULT_ROOT },
  { name: "secret-file", value: "FILE", help: "the cluster's shared secret (default: $ONEBOX_SECRET_FILE); required, not empty, not readable by others" },
  { name: "cluster-name", value: "NAME", help: "the cluster's name", default: DEFAULT_CLUSTER_NAME },
  { name: "label", value: "K=V", repeatable: true, help: "a label the scheduler can match" },
  { name: "ca", value: "FILE", help: "mutual TLS: the cluster's CA certificate, as made by 'onebox cluster init'; required unless --insecure" },
  { name: "cert", value: "FILE", help: "mutual TLS: this node's certificate (its CN must be NAME), as made by 'onebox cluster cert'" },
  { name: "key", value: "FILE", help: "mutual TLS: this node's key, beside --cert" },
  { name: "insecure", help: "plain ws, no certificates: anyone with the secret can join under any name and do anything (warned at start)" },
  { name: "audit-file", value: "FILE", help: `where client requests are recorded (default ${STATE_DIR}/audit/NAME.log)` },
  { name: "revocation-file", value: "FILE", help: `where this node keeps the cluster's revocation list ('user revoke', 'cluster revoke'; default ${STATE_DIR}/revoked/NAME.json)` },
  { name: "heartbeat-ms", value: "MS", help: "silence before a member is suspect", default: String(DEFAULT_HEARTBEAT_TIMEOUT_MS) },
  JOURNAL_OPTION,
  LIMIT_OPTION,
  { name: "pretty", help: "log readable lines instead of JSON lines (pino's format)" },
];

export const nodeCommand: Command = defineSubcommands(
  "node",
  {
    usage: `usage: onebox node start --name NAME --listen HOST:PORT [options]

Run one node in the foreground until interrupted. Without --join it founds a new
cluster and serves its coordinator (locks, names, membership); with --join it
joins the cluster through any member. The same port answers HTTP: /metrics
(Prometheus), /healthz, /readyz and the dashboard ('onebox dashboard'). The log
goes to stderr as JSON lines, each with the node's Lamport time. With --etcd,
locks, names, membership and node ids live in etcd instead: every node starts
the same way, none is special, and a node that cannot renew its etcd lease
stops with exit status 3.`,
  },
  { start: { options: NODE_OPTIONS, run: startNode } },
);

async function startNode(args: ParsedArgs): Promise<number> {
  const limits = parseLimitOptions(options(args, "limit"));
  const name = option(args, "name");
  const listen = option(args, "listen");
  if (!name || !listen) throw new UsageError("node start needs --name and --listen (see --help)");
  const etcd = option(args, "etcd")?.split(",").filter((url) => url !== "");
  if (etcd && option(args, "join")) throw new UsageError("--etcd and --join exclude each other: on etcd, nodes find each other there");
  if (etcd?.length === 0) throw new UsageError("--etcd needs at least one URL");
  const journal = journalOption(args);
  const insecure = given(args, "insecure");
  const tls = { caFile: option(args, "ca"), certFile: option(args, "cert"), keyFile: option(args, "key") };
  if (insecure && tls.caFile) throw new UsageError("--insecure and --ca exclude each other");
  if (!insecure && !(tls.caFile && tls.certFile && tls.keyFile)) throw new UsageError("node start needs --ca, --cert and --key (mutual TLS), or --insecure (see --help)");
  if (!tls.certFile !== !tls.keyFile) throw new CliError("--cert and --key go together");
  let labels: Record<string, string>;
  try {
    labels = parseLabels(options(args, "label").join(","));
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
  const root = option(args, "root")!;
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
      cluster: option(args, "cluster-name")!,
      secret,
      labels,
      transport: new WsTransport(tls.certFile && tls.keyFile ? { certFile: tls.certFile, keyFile: tls.keyFile, caFile: tls.caFile } : undefined, web.handle),
      auditFile: option(args, "audit-file") ?? path.join(STATE_DIR, "audit", `${name}.log`),
      revocationFile: option(args, "revocation-file") ?? path.join(STATE_DIR, "revoked", `${name}.json`),
      heartbeatTimeoutMs: intOption(args, "heartbeat-ms"),
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
}
