// Clusters for the mesh tests: many nodes in one process over the simulated network, or
// real node processes on loopback.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ClusterNode, type NodeOptions } from "../../host/cluster/node.ts";
import type { ExitInfo } from "../../host/kernel/errors.ts";
import { SimNetwork, type SimFaults } from "../../host/transport/sim-network.ts";
import type { VirtualClock } from "../../host/clock/virtual-clock.ts";
import { REPO, tempDir } from "./guests.ts";
import { startCaptured } from "./node.ts";
import type { Capabilities } from "../../host/kernel/capabilities.ts";

export const SECRET = new TextEncoder().encode("test secret");

export interface SimCluster {
  readonly net: SimNetwork;
  readonly nodes: ClusterNode[];
  readonly log: string[];
  /**
   * With a VirtualClock: every task fired, frame delivered or dropped and line logged, at
   * its simulated time. Two runs of one seed give the same trace.
   */
  readonly trace: string[];
  /** Start another node joined through the first. */
  add(name: string, extra?: Partial<NodeOptions>): Promise<ClusterNode>;
  stop(): Promise<void>;
}

/** A virtual `clock` is driven here through start and stop; between them, the test drives it. */
export async function simCluster(
  seed: number,
  names: readonly string[],
  faults: Partial<SimFaults> = {},
  heartbeatTimeoutMs = 400,
  clock?: VirtualClock,
): Promise<SimCluster> {
  const net = new SimNetwork(seed, faults, clock);
  const nodes: ClusterNode[] = [];
  const log: string[] = [];
  const trace: string[] = [];
  const settle = <T>(work: Promise<T>): Promise<T> => (clock ? clock.drive(work) : work);
  const record = clock && ((event: string): void => void trace.push(`${clock.now().toFixed(3)} ${event}`));
  if (clock) clock.trace = net.trace = record;
  const note = (line: string): void => {
    log.push(line);
    record?.(line);
  };
  const add = async (name: string, extra: Partial<NodeOptions> = {}) => {
    const node = await settle(ClusterNode.start({
      name,
      listen: name,
      join: nodes[0]?.url,
      root: tempDir(`onebox-${name}`),
      cluster: "test",
      secret: SECRET,
      transport: net.host(name),
      clock: net.clock,
      heartbeatTimeoutMs,
      log: (line) => note(`[${name}] ${line}`),
      ...extra,
    }));
    nodes.push(node);
    return node;
  };
  for (const name of names) await add(name);
  return {
    net,
    nodes,
    log,
    trace,
    add,
    stop: async () => {
      await settle(Promise.all(nodes.map((n) => n.stop())));
      net.stop();
    },
  };
}

export interface Run {
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  lines(): string[];
  stderr(): string;
}

/** Start a module on `node` as the operator would, capturing its (and its children's) output. */
/** `authority`: its capability set, as startCaptured's. */
export async function runOn(node: ClusterNode, wasm: string, args: readonly string[] = [], authority?: Capabilities): Promise<Run> {
  const started = await startCaptured(node.kernel, wasm, args, [], authority);
  return { pid: started.proc.pid, exited: started.exited, lines: started.lines, stderr: started.stderr };
}

/** key=value lines as a map (children's lines interleave with the parent's). */
export function keyed(lines: readonly string[]): Map<string, string> {
  return new Map(lines.map((line) => line.split(/=(.*)/s, 2) as [string, string]));
}

export async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface NodeProcess {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it logged so far. */
  log(): string;
}

/** Start `onebox node start` as its own OS process on a free loopback port; resolves once it listens. */
export function startNodeProcess(
  name: string,
  options: { join?: string; secretFile: string; heartbeatMs: number; cwd: string; args?: readonly string[]; env?: NodeJS.ProcessEnv },
): Promise<NodeProcess> {
  // A node refuses a secret others can read; without certificates it must be told --insecure.
  fs.chmodSync(options.secretFile, 0o600);
  const insecure = options.args?.includes("--ca") ? [] : ["--insecure"];
  const child = spawn(
    process.execPath,
    [path.join(REPO, "host/cli/main.ts"), "node", "start", "--name", name, "--listen", "127.0.0.1:0", "--root", path.join(options.cwd, name),
      "--secret-file", options.secretFile, "--heartbeat-ms", String(options.heartbeatMs), ...(options.join ? ["--join", options.join] : []), ...insecure, ...(options.args ?? [])],
    { cwd: options.cwd, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...options.env } },
  );
  let log = "";
  return new Promise((resolve, reject) => {
    child.stderr!.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      const match = /listening at (\S+)/.exec(log);
      if (match) resolve({ name, url: match[1]!, child, log: () => log });
    });
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code}: ${log}`)));
  });
}

/** Stop a node process (SIGTERM, or SIGKILL if it lingers) and wait for it to be gone. */
export async function stopNodeProcess(node: NodeProcess): Promise<void> {
  if (node.child.exitCode !== null || node.child.signalCode !== null) return;
  const gone = new Promise((resolve) => node.child.once("exit", resolve));
  node.child.kill("SIGTERM");
  const timer = setTimeout(() => node.child.kill("SIGKILL"), 5000);
  await gone;
  clearTimeout(timer);
}
