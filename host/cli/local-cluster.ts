import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expectReply } from "../cluster/link.ts";
import { besideModule } from "../package-root.ts";
import { CliError, parseArgs } from "./command.ts";
import { readState, stateFile, withCluster, type ClusterState } from "./cluster-options.ts";

const MAIN = besideModule(import.meta.url, "main");
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

export const progress = (line: string): void => void process.stderr.write(`onebox: ${line}\n`);

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new CliError(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The arguments a client command needs to reach the cluster kept in `dir`. */
export const clientArgs = (state: ClusterState) => parseArgs(["--cluster", state.url, "--secret-file", state.secretFile], { values: ["cluster", "secret-file"], flags: [] });

/** How many members the cluster reports alive; 0 while it cannot be reached. */
async function aliveCount(state: ClusterState): Promise<number> {
  try {
    const { members } = await withCluster(clientArgs(state), (channel) => expectReply(channel.call({ nodes: {} }), "members"));
    return members.filter((m) => m.state === "alive").length;
  } catch {
    return 0;
  }
}

function lastLines(file: string): string {
  try {
    return fs.readFileSync(file, "utf8").trim().split("\n").slice(-3).join(" | ");
  } catch {
    return "(no log)";
  }
}

export interface LocalClusterSpec {
  /** Where state, logs, exports (nodes/<name>/) and the secret live. */
  readonly dir: string;
  readonly nodes: number;
  readonly basePort: number;
  readonly host: string;
}

/**
 * Start `spec.nodes` node processes on this machine, node1 founding the cluster and the
 * others joining it, and wait until all are members. State goes to `dir` for stopping.
 */
export async function startLocalCluster(spec: LocalClusterSpec): Promise<ClusterState> {
  const existing = readState(spec.dir);
  if (existing?.nodes.some((n) => isRunning(n.pid))) throw new CliError(`a cluster is already up at ${existing.url}; stop it first ('onebox cluster down')`);
  fs.mkdirSync(path.join(spec.dir, "logs"), { recursive: true });
  const secretFile = path.join(spec.dir, "secret");
  if (!fs.existsSync(secretFile)) fs.writeFileSync(secretFile, randomBytes(32).toString("hex"), { mode: 0o600 });
  const nodes: ClusterState["nodes"][number][] = [];
  const state = (): ClusterState => ({ url: nodes[0]!.url, secretFile, nodes });
  for (let i = 1; i <= spec.nodes; i++) {
    const name = `node${i}`;
    const port = spec.basePort + i - 1;
    const url = `ws://${spec.host}:${port}`;
    const log = path.join(spec.dir, "logs", `${name}.log`);
    const out = fs.openSync(log, "w");
    const child = spawn(
      process.execPath,
      [MAIN, "node", "start", "--name", name, "--listen", `${spec.host}:${port}`, "--root", path.join(spec.dir, "nodes", name), "--secret-file", secretFile,
        ...(i > 1 ? ["--join", nodes[0]!.url] : [])],
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
        if (!isRunning(child.pid!)) throw new CliError(`${name} exited: ${lastLines(log)}`);
        return (await aliveCount(state())) >= 1;
      }, START_TIMEOUT_MS);
    }
  }
  progress(`waiting for ${spec.nodes} nodes to join ...`);
  await until(`${spec.nodes} nodes to join`, async () => (await aliveCount(state())) >= spec.nodes, START_TIMEOUT_MS);
  return state();
}

/** Stop the nodes started from `dir`: SIGTERM, then SIGKILL for any that linger. */
export async function stopLocalCluster(dir: string): Promise<void> {
  const state = readState(dir);
  if (!state) throw new CliError(`no cluster started here (${stateFile(dir)} not found)`);
  for (const node of state.nodes) {
    if (!isRunning(node.pid)) continue;
    progress(`stopping ${node.name} (pid ${node.pid})`);
    process.kill(node.pid, "SIGTERM");
  }
  try {
    await until("nodes to stop", () => state.nodes.every((n) => !isRunning(n.pid)), STOP_TIMEOUT_MS);
  } catch {
    for (const node of state.nodes) if (isRunning(node.pid)) process.kill(node.pid, "SIGKILL");
  }
  fs.rmSync(stateFile(dir));
}
