import fs from "node:fs";
import path from "node:path";
import type { Channel, MsgHandler } from "../transport/channel.ts";
import { CliError } from "./command.ts";
import { option, type OptionSpec, type ParsedArgs } from "./options.ts";

/** Where `cluster up` keeps what `cluster down` and the other commands need. */
export const STATE_DIR = ".onebox";
export const DEFAULT_SECRET_FILE = path.join(STATE_DIR, "secret");
export const DEFAULT_CLUSTER_NAME = "onebox";

/** The options every command that talks to a cluster takes. */
export const CLUSTER_OPTIONS: readonly OptionSpec[] = [
  { name: "cluster", value: "URL", help: "a member of the cluster (default: $ONEBOX_CLUSTER, or the cluster 'onebox cluster up' started here)" },
  { name: "secret-file", value: "FILE", help: `the cluster's shared secret (default: $ONEBOX_SECRET_FILE, or ${DEFAULT_SECRET_FILE} if it exists)` },
  { name: "cluster-name", value: "NAME", help: "the cluster's name", default: DEFAULT_CLUSTER_NAME },
  { name: "credentials", value: "DIR", help: "who you are: a directory with ca.pem, cert.pem, key.pem from 'onebox user add' (default: $ONEBOX_CREDENTIALS, or the admin credential 'onebox cluster up' made here)" },
];

export interface ClusterState {
  readonly url: string;
  readonly secretFile: string;
  /** The credential directory of the local user, admin of the cluster `cluster up` started. */
  readonly credentials?: string;
  readonly nodes: { readonly name: string; readonly pid: number; readonly url: string; readonly log: string }[];
  /** The local etcd members `cluster up --etcd` started, stopped after the nodes by `cluster down`. */
  readonly etcd?: { readonly name: string; readonly pid: number; readonly clientUrl: string; readonly log: string }[];
}

export const stateFile = (dir: string): string => path.join(dir, "cluster.json");

export function readState(dir = STATE_DIR): ClusterState | undefined {
  try {
    return JSON.parse(fs.readFileSync(stateFile(dir), "utf8")) as ClusterState;
  } catch {
    return undefined;
  }
}

/** The secret's bytes; none given and none found means the empty secret (no protection). */
export function readSecret(file: string | undefined): Uint8Array {
  const chosen = file ?? process.env.ONEBOX_SECRET_FILE ?? (fs.existsSync(DEFAULT_SECRET_FILE) ? DEFAULT_SECRET_FILE : undefined);
  if (chosen === undefined) return new Uint8Array();
  try {
    return new Uint8Array(fs.readFileSync(chosen));
  } catch (error) {
    throw new CliError(`cannot read secret file ${chosen}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export function clusterUrl(args: ParsedArgs): string {
  const url = option(args, "cluster") ?? process.env.ONEBOX_CLUSTER ?? readState()?.url;
  if (!url) throw new CliError("no cluster: give --cluster URL, set ONEBOX_CLUSTER, or start one with 'onebox cluster up'");
  return url;
}

/** The credential directory a client command uses, if any. */
export const credentialsDir = (args: ParsedArgs): string | undefined => option(args, "credentials") ?? process.env.ONEBOX_CREDENTIALS ?? readState()?.credentials;

/** Connect to a cluster member as a client; `handler` gets what the node sends back. */
export async function connectCluster(args: ParsedArgs, url = clusterUrl(args), handler: MsgHandler = () => {}): Promise<Channel> {
  // Loaded here, not with this file: `run` on an embedded node reads its options but
  // never needs ws or protobufjs, which cost it more than the rest of its start-up.
  const [{ Channel }, { realClock }, { clientHandshake }, { WsTransport }, { credentialsIn, subjectOf }] = await Promise.all([
    import("../transport/channel.ts"),
    import("../clock/clock.ts"),
    import("../transport/handshake.ts"),
    import("../transport/ws-transport.ts"),
    import("../auth/certificates.ts"),
  ]);
  const dir = credentialsDir(args);
  const credentials = dir === undefined ? undefined : credentialsIn(dir);
  let name = "cli";
  let transport;
  try {
    // Under mutual TLS the node knows a client by its certificate, whose name it must claim.
    if (credentials) name = subjectOf(credentials.certFile).name;
    transport = new WsTransport(credentials);
  } catch (error) {
    throw new CliError(`credentials ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const identity = {
    cluster: option(args, "cluster-name")!,
    name,
    secret: readSecret(option(args, "secret-file")),
    log: () => {},
    clock: realClock,
  };
  let conn;
  try {
    conn = await transport.connect(url);
  } catch (error) {
    throw new CliError(`cannot reach ${url}: ${(error as Error).message || "connection refused"}`);
  }
  try {
    return new Channel(conn, await clientHandshake(identity, conn), handler);
  } catch (error) {
    throw new CliError(`${url}: ${(error as Error).message}`);
  }
}

/** Connect, use the connection, and close it however `use` ends. */
export async function withCluster<T>(args: ParsedArgs, use: (channel: Channel) => Promise<T>, url = clusterUrl(args)): Promise<T> {
  const channel = await connectCluster(args, url);
  try {
    return await use(channel);
  } finally {
    channel.close("done");
  }
}

/** The options of a command that lists something cluster-wide. */
export const LISTING_OPTIONS: readonly OptionSpec[] = [...CLUSTER_OPTIONS, { name: "json", help: "one JSON array" }];
