import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { expectReply } from "../../host/cluster/link.ts";
import { fromExitNote } from "../../host/cluster/process-server.ts";
import { connectCluster, readState } from "../../host/cli/cluster-options.ts";
import { clientArgs, startLocalCluster, stopLocalCluster } from "../../host/cli/local-cluster.ts";
import { exitInfo, type ExitInfo } from "../../host/kernel/errors.ts";
import { toBytes, type Bodies } from "../../host/transport/wire.ts";
import { GUEST_ARGV0, lineSink } from "../guest-output.ts";

/**
 * The node the remote entries reach: it founds the cluster, so it also serves the
 * coordinator (locks). The bench guest runs on the other one, GUEST_NODE.
 */
export const SERVING_NODE = "node1";
const GUEST_NODE = "node2";

/** Two node processes on 127.0.0.1, started as `onebox cluster up` starts them. */
export interface BenchCluster {
  /** Run the bench guest on GUEST_NODE with `args`, its stdout lines to `line`; resolves with how it ended. */
  run(guest: Uint8Array, args: readonly string[], line: (text: string) => void): Promise<ExitInfo>;
  stop(): Promise<void>;
}

const listening = (port: number): Promise<net.Server | undefined> =>
  new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(undefined));
    server.listen(port, "127.0.0.1", () => resolve(server));
  });

/** A port P with P and P + 1 free: the local cluster listens on consecutive ports. */
async function freePortPair(): Promise<number> {
  for (;;) {
    const first = (await listening(0))!;
    const port = (first.address() as net.AddressInfo).port;
    const second = await listening(port + 1);
    await Promise.all([first, second].map((s) => new Promise((resolve) => (s ? s.close(resolve) : resolve(undefined)))));
    if (second) return port;
  }
}

async function stopIfStarted(dir: string): Promise<void> {
  if (readState(dir)) await stopLocalCluster(dir);
}

/**
 * Start the two nodes, each exporting a copy of `files` from `workdir`. They are stopped
 * by stop(), on a failed start, and on SIGINT or SIGTERM (they run detached, so a Ctrl-C
 * would not reach them).
 */
export async function startBenchCluster(workdir: string, files: readonly string[]): Promise<BenchCluster> {
  const dir = path.join(workdir, "cluster");
  for (const node of [SERVING_NODE, GUEST_NODE]) {
    const root = path.join(dir, "nodes", node);
    fs.mkdirSync(root, { recursive: true });
    for (const file of files) fs.copyFileSync(path.join(workdir, file), path.join(root, file));
  }
  const interrupted = () => void stopIfStarted(dir).finally(() => process.exit(130));
  const signals = ["SIGINT", "SIGTERM"] as const;
  for (const signal of signals) process.once(signal, interrupted);
  const stop = async () => {
    for (const signal of signals) process.off(signal, interrupted);
    await stopIfStarted(dir);
  };
  try {
    const state = await startLocalCluster({ dir, nodes: 2, basePort: await freePortPair(), host: "127.0.0.1" });
    const url = state.nodes.find((n) => n.name === GUEST_NODE)!.url;
    return { run: (guest, args, line) => runGuest(clientArgs(state), url, guest, args, line), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `run --cluster` for the bench guest: its output comes back as lines, its end as ExitInfo. */
async function runGuest(cluster: ReturnType<typeof clientArgs>, url: string, guest: Uint8Array, args: readonly string[], line: (text: string) => void): Promise<ExitInfo> {
  const out = lineSink(line);
  let ended: (info: ExitInfo) => void = () => {};
  const exited = new Promise<ExitInfo>((resolve) => (ended = resolve));
  const channel = await connectCluster(cluster, url, (msg) => {
    const m = msg as Partial<Bodies>;
    if (m.output) out.write(m.output.fd === 2 ? 2 : 1, toBytes(m.output.data));
    else if (m.exited) ended(fromExitNote(m.exited));
  });
  channel.onClose((reason) => ended(exitInfo("NOCONNECTION", `lost ${GUEST_NODE}: ${reason}`)));
  try {
    await expectReply(channel.call({ run: { module: guest, argv: [GUEST_ARGV0, ...args], env: [], node: "" } }), "pid");
    return await exited;
  } finally {
    channel.close("done");
  }
}
