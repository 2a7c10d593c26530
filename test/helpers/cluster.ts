// Clusters for the mesh tests: many nodes in one process over the simulated network.
import fs from "node:fs";
import { ClusterNode, type NodeOptions } from "../../host/cluster/node.ts";
import type { ExitInfo } from "../../host/kernel/errors.ts";
import { SimNetwork, type SimFaults } from "../../host/transport/sim-network.ts";
import { tempDir } from "./guests.ts";

export const SECRET = new TextEncoder().encode("test secret");

export interface SimCluster {
  readonly net: SimNetwork;
  readonly nodes: ClusterNode[];
  readonly log: string[];
  /** Start another node joined through the first. */
  add(name: string, extra?: Partial<NodeOptions>): Promise<ClusterNode>;
  stop(): Promise<void>;
}

export async function simCluster(seed: number, names: readonly string[], faults: Partial<SimFaults> = {}, heartbeatTimeoutMs = 400): Promise<SimCluster> {
  const net = new SimNetwork(seed, faults);
  const nodes: ClusterNode[] = [];
  const log: string[] = [];
  const add = async (name: string, extra: Partial<NodeOptions> = {}) => {
    const node = await ClusterNode.start({
      name,
      listen: name,
      join: nodes[0]?.url,
      root: tempDir(`onebox-${name}`),
      cluster: "test",
      secret: SECRET,
      transport: net.host(name),
      heartbeatTimeoutMs,
      log: (line) => log.push(`[${name}] ${line}`),
      ...extra,
    });
    nodes.push(node);
    return node;
  };
  for (const name of names) await add(name);
  return {
    net,
    nodes,
    log,
    add,
    stop: async () => {
      await Promise.all(nodes.map((n) => n.stop()));
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
export async function runOn(node: ClusterNode, wasm: string, args: readonly string[] = []): Promise<Run> {
  const module = await node.kernel.modules.load(fs.readFileSync(wasm));
  let stdout = "";
  let stderr = "";
  const decoder = new TextDecoder();
  const proc = node.kernel.start({
    module,
    argv: [wasm, ...args],
    env: [],
    ppid: 0,
    namespace: { home: node.name },
    output: { write: (fd, bytes) => (fd === 1 ? (stdout += decoder.decode(bytes)) : (stderr += decoder.decode(bytes))) },
  });
  return {
    pid: proc.pid,
    exited: node.kernel.whenExited(proc.pid),
    lines: () => stdout.split("\n").filter((line) => line !== ""),
    stderr: () => stderr,
  };
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
