import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { writeSecret } from "../auth/certificates.ts";
import { localAuthority } from "../auth/local-authority.ts";
import { isRunning, logTail } from "../background-process.ts";
import { EtcdCluster } from "../cluster/etcd/etcd-launcher.ts";
import { expectReply } from "../cluster/link.ts";
import { besideModule } from "../package-root.ts";
import { CliError } from "./command.ts";
import { CLUSTER_OPTIONS, DEFAULT_CLUSTER_NAME, readState, stateFile, withCluster, type ClusterState } from "./cluster-options.ts";
import { parseOptions } from "./options.ts";

const MAIN = besideModule(import.meta.url, "main");
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

export const progress = (line: string): void => void process.stderr.write(`onebox: ${line}\n`);

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new CliError(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The arguments a client command needs to reach the cluster kept in `dir`. */
export const clientArgs = (state: ClusterState) =>
  parseOptions(["--cluster", state.url, "--secret-file", state.secretFile, ...(state.credentials ? ["--credentials", state.credentials] : [])], CLUSTER_OPTIONS);

/** How many members the cluster reports alive; 0 while it cannot be reached. */
async function aliveCount(state: ClusterState): Promise<number> {
  try {
    const { members } = await withCluster(clientArgs(state), (channel) => expectReply(channel.call({ nodes: {} }), "members"));
    return members.filter((m) => m.state === "alive").length;
  } catch {
    return 0;
  }
}

export interface LocalClusterSpec {
  /** Where state, logs, exports (nodes/<name>/) and the secret live. */
  readonly dir: string;
  readonly nodes: number;
  readonly basePort: number;
  readonly host: string;
  /** Start a local 3-member etcd first and coordinate the nodes on it. */
  readonly etcd?: boolean;
  /** `--limit NAME=N` values every node starts with. */
  readonly limits?: readonly string[];
}

/**
 * Start `spec.nodes` node processes on this machine, node1 founding the cluster and the
 * others joining it, and wait until all are members. With `spec.etcd`, a local 3-member
 * etcd comes first (data in `dir`/etcd/) and every node coordinates on it instead.
 * State goes to `dir` for stopping.
 */
export async function startLocalCluster(spec: LocalClusterSpec): Promise<ClusterState> {
  const existing = readState(spec.dir);
  if (existing && [...existing.nodes, ...(existing.etcd ?? [])].some((p) => isRunning(p.pid))) throw new CliError(`a cluster is already up at ${existing.url}; stop it first ('onebox cluster down')`);
  fs.mkdirSync(path.join(spec.dir, "logs"), { recursive: true });
  const secretFile = path.join(spec.dir, "secret");
  if (!fs.existsSync(secretFile)) writeSecret(secretFile);
  let authority;
  try {
    authority = localAuthority(spec.dir, DEFAULT_CLUSTER_NAME);
  } catch (error) {
    throw new CliError(`cannot make the cluster's certificates: ${(error as Error).message}`);
  }
  const nodes: ClusterState["nodes"][number][] = [];
  const etcd = spec.etcd ? await startLocalEtcd(spec) : undefined;
  const etcdState = etcd?.members.map(({ name, pid, clientUrl, log }) => ({ name, pid, clientUrl, log }));
  const state = (): ClusterState => ({ url: nodes[0]?.url ?? "", secretFile, credentials: authority.adminDir, nodes, etcd: etcdState });
  for (let i = 1; i <= spec.nodes; i++) {
    const name = `node${i}`;
    const port = spec.basePort + i - 1;
    const url = `wss://${spec.host}:${port}`;
    const tls = authority.nodeCredentials(name);
    const log = path.join(spec.dir, "logs", `${name}.log`);
    const out = fs.openSync(log, "w");
    const child = spawn(
      process.execPath,
      [MAIN, "node", "start", "--name", name, "--listen", `${spec.host}:${port}`, "--root", path.join(spec.dir, "nodes", name), "--secret-file", secretFile,
        "--ca", tls.caFile, "--cert", tls.certFile, "--key", tls.keyFile, "--audit-file", path.join(spec.dir, "audit", `${name}.log`),
        "--revocation-file", path.join(spec.dir, "revoked", `${name}.json`),
        ...(etcd ? ["--etcd", etcd.endpoints.join(",")] : i > 1 ? ["--join", nodes[0]!.url] : []), ...(spec.limits ?? []).flatMap((limit) => ["--limit", limit])],
      { detached: true, stdio: ["ignore", out, out] },
    );
    child.unref();
    fs.closeSync(out);
    nodes.push({ name, pid: child.pid!, url, log });
    fs.writeFileSync(stateFile(spec.dir), JSON.stringify(state(), null, 2));
    progress(`started ${name} (pid ${child.pid}) on ${url}`);
    // The founder first: the others join through it.
    if (i === 1) {
      await until(`${name} to listen`, async () => {
        if (!isRunning(child.pid!)) throw new CliError(`${name} exited: ${logTail(log, 3)}`);
        return (await aliveCount(state())) >= 1;
      }, START_TIMEOUT_MS);
    }
  }
  progress(`waiting for ${spec.nodes} nodes to join ...`);
  await until(`${spec.nodes} nodes to join`, async () => (await aliveCount(state())) >= spec.nodes, START_TIMEOUT_MS);
  return state();
}

/** A local etcd whose members outlive this command; its state is written before any node starts. */
async function startLocalEtcd(spec: LocalClusterSpec): Promise<EtcdCluster> {
  progress("starting a local 3-member etcd ...");
  try {
    const etcd = await EtcdCluster.start({ dir: path.join(spec.dir, "etcd"), host: spec.host, detached: true });
    progress(`etcd up at ${etcd.endpoints.join(",")}`);
    return etcd;
  } catch (error) {
    throw new CliError(`etcd: ${(error as Error).message}`);
  }
}

/** SIGTERM, then SIGKILL for any that linger. */
async function stopProcesses(what: string, procs: readonly { readonly name: string; readonly pid: number }[]): Promise<void> {
  for (const proc of procs) {
    if (!isRunning(proc.pid)) continue;
    progress(`stopping ${proc.name} (pid ${proc.pid})`);
    process.kill(proc.pid, "SIGTERM");
  }
  try {
    await until(`${what} to stop`, () => procs.every((p) => !isRunning(p.pid)), STOP_TIMEOUT_MS);
  } catch {
    for (const proc of procs) if (isRunning(proc.pid)) process.kill(proc.pid, "SIGKILL");
    await until(`${what} to die`, () => procs.every((p) => !isRunning(p.pid)), STOP_TIMEOUT_MS);
  }
}

/** Stop the nodes started from `dir`, then the etcd members if it started them. */
export async function stopLocalCluster(dir: string): Promise<void> {
  const state = readState(dir);
  if (!state) throw new CliError(`no cluster started here (${stateFile(dir)} not found)`);
  await stopProcesses("nodes", state.nodes);
  await stopProcesses("etcd", state.etcd ?? []);
  fs.rmSync(stateFile(dir));
}
