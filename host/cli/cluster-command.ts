import { spawn } from "node:child_process";
import { expectReply } from "../cluster/link.ts";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CliError, intOption, option, parseArgs, type Command } from "./command.ts";
import { DEFAULT_SECRET_FILE, withCluster, readState, STATE_DIR, STATE_FILE, type ClusterState } from "./cluster-options.ts";

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), "main.ts");
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

const progress = (line: string) => process.stderr.write(`onebox: ${line}\n`);

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

/** How many members the cluster at `url` reports alive; 0 while it cannot be reached. */
async function aliveCount(url: string): Promise<number> {
  try {
    const args = parseArgs(["--cluster", url], { values: ["cluster"], flags: [] });
    const { members } = await withCluster(args, (channel) => expectReply(channel.call({ nodes: {} }), "members"));
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

async function up(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ["nodes", "base-port", "host"], flags: [] });
  const count = intOption(args, "nodes", 3);
  const basePort = intOption(args, "base-port", 7400);
  const host = option(args, "host") ?? "127.0.0.1";
  if (count < 1) throw new CliError("--nodes must be at least 1");
  const existing = readState();
  if (existing?.nodes.some((n) => isRunning(n.pid))) throw new CliError(`a cluster is already up at ${existing.url}; run 'onebox cluster down' first`);
  fs.mkdirSync(path.join(STATE_DIR, "logs"), { recursive: true });
  if (!fs.existsSync(DEFAULT_SECRET_FILE)) fs.writeFileSync(DEFAULT_SECRET_FILE, randomBytes(32).toString("hex"), { mode: 0o600 });
  const nodes: ClusterState["nodes"][number][] = [];
  const state = (): ClusterState => ({ url: nodes[0]!.url, secretFile: DEFAULT_SECRET_FILE, nodes });
  for (let i = 1; i <= count; i++) {
    const name = `node${i}`;
    const url = `ws://${host}:${basePort + i - 1}`;
    const log = path.join(STATE_DIR, "logs", `${name}.log`);
    const out = fs.openSync(log, "w");
    const child = spawn(
      process.execPath,
      [MAIN, "node", "start", "--name", name, "--listen", `${host}:${basePort + i - 1}`, "--root", path.join(STATE_DIR, "nodes", name),
        "--secret-file", DEFAULT_SECRET_FILE, ...(i > 1 ? ["--join", nodes[0]!.url] : [])],
      { detached: true, stdio: ["ignore", out, out] },
    );
    child.unref();
    fs.closeSync(out);
    nodes.push({ name, pid: child.pid!, url, log });
    fs.writeFileSync(STATE_FILE, JSON.stringify(state(), null, 2));
    progress(`started ${name} (pid ${child.pid}) on ${url}`);
    // The founder first: the others join through it.
    if (i === 1) {
      await until(`${name} to listen (log: ${lastLines(log)})`, async () => {
        if (!isRunning(child.pid!)) throw new CliError(`${name} exited: ${lastLines(log)}`);
        return (await aliveCount(url)) >= 1;
      }, START_TIMEOUT_MS);
    }
  }
  progress(`waiting for ${count} nodes to join ...`);
  await until(`${count} nodes to join`, async () => (await aliveCount(nodes[0]!.url)) >= count, START_TIMEOUT_MS);
  progress(`cluster of ${count} up; stop it with 'onebox cluster down'`);
  console.log(nodes[0]!.url);
  return 0;
}

async function down(): Promise<number> {
  const state = readState();
  if (!state) throw new CliError(`no cluster started here (${STATE_FILE} not found)`);
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
  fs.rmSync(STATE_FILE);
  progress("cluster down");
  return 0;
}

export const clusterCommand: Command = {
  name: "cluster",
  summary: "start or stop a local cluster (cluster up | down)",
  help: `usage: onebox cluster up [--nodes N] [--base-port P] [--host H]
       onebox cluster down

up     start N node processes on this machine (node1 founds the cluster, the
       others join it), wait until all are members, and print the URL that
       reaches them. Logs go to ${STATE_DIR}/logs/, exports to ${STATE_DIR}/nodes/,
       the shared secret to ${DEFAULT_SECRET_FILE}. Other commands find the
       cluster through ${STATE_FILE}.
down   stop the nodes 'cluster up' started here.

options:
  --nodes N       how many nodes (default 3)
  --base-port P   first port; node i listens on P+i-1 (default 7400)
  --host H        address to listen on (default 127.0.0.1)
  -h, --help      show this help`,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === "up") return up(rest);
    if (sub === "down") {
      parseArgs(rest, { values: [], flags: [] });
      return down();
    }
    if (sub === "-h" || sub === "--help") return this.run(["up", "--help"]);
    throw new CliError(`unknown cluster subcommand '${sub ?? ""}' (see onebox cluster --help)`);
  },
};
