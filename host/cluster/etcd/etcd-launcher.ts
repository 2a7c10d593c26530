import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { isRunning, logTail } from "../../background-process.ts";

/** One etcd member this machine runs: what it listens on and where it keeps its data. */
export interface EtcdMember {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  readonly log: string;
  pid: number;
}

export interface EtcdClusterSpec {
  /** Data dirs (member-N/) and logs (member-N.log) go here. */
  readonly dir: string;
  readonly members?: number;
  readonly host?: string;
  /** The members outlive this process (`cluster up`); otherwise they are its children. */
  readonly detached?: boolean;
  readonly startTimeoutMs?: number;
  /** Where each member's two ports come from (default: freePort); a test hands out taken ones. */
  readonly port?: (host: string) => Promise<number>;
}

/** Raft timing for members on one machine: loopback is fast, a loaded CPU is not. */
const HEARTBEAT_INTERVAL_MS = 100;
const ELECTION_TIMEOUT_MS = 1000;
const DEFAULT_START_TIMEOUT_MS = 30_000;
const ETCD_BINARY = "etcd";
/**
 * Starts made before giving up when a member finds its port taken: a port freePort saw
 * free can be taken before etcd binds it (outgoing connections take ports from the same
 * ephemeral range), and with tests running side by side it was.
 */
const PORT_RACE_ATTEMPTS = 5;

/** A port the kernel had free a moment ago (the member binds it right after). */
export async function freePort(host: string): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, host, resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** True once the member answers /health with a leader behind it. */
export async function memberHealthy(member: Pick<EtcdMember, "clientUrl">): Promise<boolean> {
  try {
    const response = await fetch(`${member.clientUrl}/health`, { signal: AbortSignal.timeout(1000) });
    return ((await response.json()) as { health?: string }).health === "true";
  } catch {
    return false;
  }
}

/**
 * A local etcd cluster of real etcd processes on loopback, for `cluster up --etcd` and
 * for tests: free ports, one data dir per member, health waited for; single members can
 * be stopped, killed and started again (same data dir, so they rejoin).
 */
export class EtcdCluster {
  readonly members: EtcdMember[];
  private readonly spec: EtcdClusterSpec;
  private readonly token: string;
  private readonly children = new Map<string, ChildProcess>();

  private constructor(spec: EtcdClusterSpec, members: EtcdMember[], token: string) {
    this.spec = spec;
    this.members = members;
    this.token = token;
  }

  /** The client URLs, for NodeOptions.etcd and `--etcd`. */
  get endpoints(): string[] {
    return this.members.map((m) => m.clientUrl);
  }

  /** Start the members and wait until they are healthy; on new ports when one lost its port before it bound it. */
  static async start(spec: EtcdClusterSpec): Promise<EtcdCluster> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await EtcdCluster.startOnce(spec);
      } catch (error) {
        if (attempt >= PORT_RACE_ATTEMPTS || !/address already in use/.test((error as Error).message)) throw error;
      }
    }
  }

  private static async startOnce(spec: EtcdClusterSpec): Promise<EtcdCluster> {
    const host = spec.host ?? "127.0.0.1";
    const port = spec.port ?? freePort;
    const count = spec.members ?? 3;
    if (count < 1) throw new Error("an etcd cluster needs at least one member");
    fs.mkdirSync(spec.dir, { recursive: true });
    const members: EtcdMember[] = [];
    for (let i = 1; i <= count; i++) {
      const name = `member-${i}`;
      members.push({
        name,
        clientUrl: `http://${host}:${await port(host)}`,
        peerUrl: `http://${host}:${await port(host)}`,
        dataDir: path.join(spec.dir, name),
        log: path.join(spec.dir, `${name}.log`),
        pid: 0,
      });
    }
    // A new cluster on new ports: data left by an earlier one in the same dir would
    // name peers that are gone, so it goes.
    for (const member of members) fs.rmSync(member.dataDir, { recursive: true, force: true });
    const cluster = new EtcdCluster(spec, members, `onebox-${process.pid}-${Date.now()}`);
    try {
      for (const member of members) cluster.launch(member);
      await cluster.healthy(spec.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    } catch (error) {
      await cluster.killAll();
      throw error;
    }
    return cluster;
  }

  private launch(member: EtcdMember): void {
    const initialCluster = this.members.map((m) => `${m.name}=${m.peerUrl}`).join(",");
    const out = fs.openSync(member.log, "a");
    const child = spawn(
      ETCD_BINARY,
      [
        "--name", member.name,
        "--data-dir", member.dataDir,
        "--listen-client-urls", member.clientUrl,
        "--advertise-client-urls", member.clientUrl,
        "--listen-peer-urls", member.peerUrl,
        "--initial-advertise-peer-urls", member.peerUrl,
        "--initial-cluster", initialCluster,
        "--initial-cluster-state", "new",
        "--initial-cluster-token", this.token,
        "--heartbeat-interval", String(HEARTBEAT_INTERVAL_MS),
        "--election-timeout", String(ELECTION_TIMEOUT_MS),
        "--logger", "zap",
        "--log-level", "warn",
      ],
      { detached: this.spec.detached ?? false, stdio: ["ignore", out, out] },
    );
    fs.closeSync(out);
    if (child.pid === undefined) throw new Error(`could not start ${ETCD_BINARY} (is etcd-server installed?)`);
    child.on("error", () => {}); // an exit is seen through isRunning; a spawn failure above
    if (this.spec.detached) child.unref();
    this.children.set(member.name, child);
    member.pid = child.pid;
  }

  /** Wait until every running member reports healthy (it has a leader). */
  async healthy(timeoutMs = DEFAULT_START_TIMEOUT_MS): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const running = this.members.filter((m) => isRunning(m.pid));
      if (running.length < this.members.length) {
        const dead = this.members.find((m) => !isRunning(m.pid))!;
        throw new Error(`etcd ${dead.name} exited: ${logTail(dead.log, 2)}`);
      }
      if ((await Promise.all(running.map(memberHealthy))).every(Boolean)) return;
      if (performance.now() > deadline) throw new Error(`etcd not healthy after ${timeoutMs / 1000} s: ${logTail(this.members[0]!.log, 2)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Stop (SIGTERM) or kill (SIGKILL) one member and wait until it is gone. */
  async stopMember(index: number, signal: "SIGTERM" | "SIGKILL" = "SIGKILL"): Promise<void> {
    const member = this.members[index]!;
    const child = this.children.get(member.name);
    if (!isRunning(member.pid)) return;
    const exited = child && child.exitCode === null && child.signalCode === null ? new Promise((resolve) => child.once("exit", resolve)) : undefined;
    process.kill(member.pid, signal);
    if (exited) await exited;
    else while (isRunning(member.pid)) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  /** Start a stopped member again on its old ports and data: it rejoins the cluster. */
  startMember(index: number): void {
    const member = this.members[index]!;
    if (isRunning(member.pid)) throw new Error(`${member.name} is running`);
    this.launch(member);
  }

  /** A start that failed: kill whatever members did start, and wait until they are gone (a retry reuses their data dirs). */
  private async killAll(): Promise<void> {
    await Promise.all(this.members.map((member, i) => (member.pid > 0 ? this.stopMember(i) : undefined)));
  }

  /**
   * Kill every member and wait for them to exit: for a throwaway cluster (a test's).
   * etcd is crash-safe, and members stopped together with SIGTERM take about 8 s,
   * each waiting for peers that are stopping too.
   */
  async stop(): Promise<void> {
    await Promise.all(this.members.map((_, i) => this.stopMember(i, "SIGKILL")));
  }
}
