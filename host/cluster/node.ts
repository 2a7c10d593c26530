import { AuditLog } from "../auth/audit-log.ts";
import { Authority } from "../auth/authority.ts";
import { RevocationList } from "../auth/revocations.ts";
import { realClock, type Clock } from "../clock/clock.ts";
import { fail } from "../kernel/errors.ts";
import { Kernel, type Limits } from "../kernel/kernel.ts";
import { LamportClock } from "../kernel/journal/lamport.ts";
import type { LoopDelayFigures } from "../kernel/loop-delay.ts";
import type { Identity } from "../transport/handshake.ts";
import type { Transport } from "../transport/transport.ts";
import { bodyName, type Bodies, type Member, type Msg, type ProcInfo, type WireJournalPage } from "../transport/wire.ts";
import { CoordinatorService } from "./coordinator-service.ts";
import type { EtcdBackend } from "./etcd/etcd-backend.ts";
import { ExportServer } from "./file-server.ts";
import { dispatch, type FrameContext, type FrameTable, type Reply } from "./frame-table.ts";
import { frameTable } from "./frames.ts";
import { expectReply } from "./link.ts";
import { Membership } from "./membership.ts";
import { OperatorConsole } from "./operator-console.ts";
import { COORDINATOR_ID, MembershipService } from "./membership-service.ts";
import { Peers } from "./peers.ts";
import { ProcessRouting } from "./process-routing.ts";
import { RemoteCoordinator } from "./remote-coordinator.ts";
import { RevocationService } from "./revocation-service.ts";
import { Scheduler } from "./scheduler.ts";

export interface NodeOptions {
  readonly name: string;
  /** host:port for ws, any name for the simulated network. */
  readonly listen: string;
  /** The URL other nodes dial, when it is not the listen address (0.0.0.0, NAT, a proxy). */
  readonly advertise?: string;
  /** URL of any member; absent: this node founds the cluster and serves its coordinator. */
  readonly join?: string;
  /** etcd client URLs: coordination (ids, membership, locks, names) on etcd, no coordinator node; `join` is not used. */
  readonly etcd?: readonly string[];
  readonly root: string;
  readonly cluster: string;
  readonly secret: Uint8Array;
  readonly labels?: Record<string, string>;
  readonly transport: Transport;
  /** Heartbeats, timeouts, the flow-control poll and the kernel's timers (default: real time; the simulation's own). */
  readonly clock?: Clock;
  /** Silence after which a member is suspect; down after 1.5 times this. */
  readonly heartbeatTimeoutMs?: number;
  readonly limits?: Partial<Limits>;
  /** Records the node's journal keeps (`node start --journal N`); 0: none. */
  readonly journal?: number;
  readonly log?: (line: string, fields?: LogFields) => void;
  /** The node's Lamport clock, given when the caller reads it too (the log stamps each line with it); else its own. */
  readonly lamport?: LamportClock;
  /** This node was declared down while it still ran (a partition): it has stopped itself. */
  readonly onFenced?: () => void;
  /** Where clients' requests are recorded (auth/audit-log.ts); absent: not recorded. */
  readonly auditFile?: string;
  /** Where this node keeps the revocation list (auth/revocations.ts); absent: in memory only. */
  readonly revocationFile?: string;
}

/** What a log line is about, where known, besides its text (structured logs carry them as fields). */
export interface LogFields {
  readonly pid?: number;
}

export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 3000;

/**
 * One node of a cluster: a kernel and the duties that connect it to the others, each in
 * its own module. This file only makes and wires them:
 *   peers.ts               connections: links to members, inbound connections, handshakes
 *   frames.ts              every frame kind -> the duty that serves it
 *   membership-service.ts  join, heartbeats, the member list, down and fenced
 *   coordinator-service.ts the embedded coordinator's locks and names (or etcd/)
 *   process-routing.ts     the kernel's Router: processes on other nodes, and serving theirs
 *   file-server.ts         other nodes' file calls on this node's export
 *   operator-console.ts    the CLI's detached runs, kept output (logs) and attach
 *   flow-control.ts        send credit per sender node and target process
 */
export class ClusterNode {
  readonly name: string;
  readonly members: Membership;
  readonly clock: Clock;
  readonly peers: Peers;
  readonly scheduler: Scheduler;
  readonly log: (line: string, fields?: LogFields) => void;
  /** Who may do what: roles, revocations, the audit log (auth/authority.ts); the dashboard's API asks it too. */
  readonly authority: Authority;
  kernel!: Kernel;
  url = "";
  /** The embedded coordinator, on the founding node only. */
  coordinator: CoordinatorService | undefined;

  private readonly options: NodeOptions;
  /** The node's Lamport clock, its kernel's, which stamps every frame of every channel. */
  readonly lamport: LamportClock;
  private readonly membership: MembershipService;
  private readonly processes: ProcessRouting;
  private readonly frames: FrameTable;
  private readonly revocations: RevocationService;
  private exports!: ExportServer;
  /** Detached runs, kept output, attach (operator-console.ts). */
  private console!: OperatorConsole;
  /** Coordination on etcd (NodeOptions.etcd), instead of the embedded coordinator. */
  private etcd: EtcdBackend | undefined;
  private stopped = false;

  private constructor(options: NodeOptions, etcdBackend: typeof EtcdBackend | undefined) {
    this.options = options;
    this.name = options.name;
    this.clock = options.clock ?? realClock;
    this.lamport = options.lamport ?? new LamportClock();
    this.log = options.log ?? ((line) => process.stderr.write(`onebox[${options.name}]: ${line}\n`));
    this.members = new Membership(options.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS);
    this.scheduler = new Scheduler(() => this.members.timeoutMs / 2, () => this.clock.now());
    this.authority = new Authority(options.auditFile === undefined ? undefined : new AuditLog(options.auditFile), new RevocationList(options.revocationFile));
    const identity: Omit<Identity, "log"> = { cluster: options.cluster, name: options.name, secret: options.secret, clock: this.clock, nodeId: () => this.kernel?.nodeId ?? 0 };
    this.peers = new Peers({
      identity,
      // On etcd, with the lease checked before every frame.
      transport: etcdBackend ? etcdBackend.transport(options.transport, () => this.etcd) : options.transport,
      members: this.members,
      clock: this.clock,
      log: this.log,
      serve: (msg, context) => this.serve(msg, context),
      mailbox: (pid) => this.kernel.mailboxLevel(pid),
      authority: this.authority,
      logical: this.lamport,
    });
    // A simulated node (own clock) has no event loop of its own to measure.
    this.membership = new MembershipService(this, this.clock === realClock);
    this.processes = new ProcessRouting(this);
    this.revocations = new RevocationService({ name: this.name, authority: this.authority, members: this.members, peers: this.peers, log: this.log, wallClock: Date.now });
    this.frames = frameTable({
      membership: this.membership,
      coordinator: () => this.coordinator,
      processes: this.processes,
      files: () => this.exports,
      console: () => this.console,
      peers: this.peers,
      revocations: this.revocations,
      name: this.name,
    });
  }

  /** Listen, then found the cluster or join it through `options.join` (or etcd). */
  static async start(options: NodeOptions): Promise<ClusterNode> {
    // etcd3 and its gRPC stack load only for a node that coordinates on etcd.
    const etcdBackend = options.etcd ? (await import("./etcd/etcd-backend.ts")).EtcdBackend : undefined;
    const node = new ClusterNode(options, etcdBackend);
    const listening = await node.peers.listen(options.listen);
    node.url = options.advertise ?? listening;
    try {
      await (options.etcd && etcdBackend ? node.joinEtcd(etcdBackend, options.etcd) : options.join ? node.join(options.join) : node.found());
    } catch (error) {
      await node.etcd?.stop();
      await node.peers.close("start failed");
      throw error;
    }
    node.membership.beat();
    return node;
  }

  get id(): number {
    return this.kernel.nodeId;
  }

  get isCoordinator(): boolean {
    return this.coordinator !== undefined;
  }

  get onEtcd(): boolean {
    return this.options.etcd !== undefined;
  }

  get stats(): { readonly moduleFetches: number; readonly heartbeatsSent: number; readonly heartbeatsReceived: number } {
    return { ...this.processes.stats, ...this.membership.stats };
  }

  /** Why this node cannot serve the cluster now (stopping, or no coordinator it can reach); undefined: ready. */
  get notReady(): string | undefined {
    if (this.stopped) return "stopping";
    if (this.etcd) return this.etcd.session.state === "alive" ? undefined : `its etcd lease is ${this.etcd.session.state}`;
    if (this.isCoordinator) return undefined;
    if (this.members.get(COORDINATOR_ID)?.state !== "alive") return "the coordinator is not alive";
    return this.membership.leaseValid ? undefined : "its lease with the coordinator lapsed";
  }

  /** Processes here and on every other member, as the CLI's ps sees them (the dashboard); with `ended`, the recently ended too. */
  ps(cluster: boolean, ended = false): Promise<ProcInfo[]> {
    return this.processes.ps(cluster, ended);
  }

  /** End process `pid` wherever it runs, as the operator's kill (the dashboard). */
  kill(pid: number): Promise<void> | void {
    return this.processes.serveKill({ caller: 0, pid });
  }

  /** Every alive member's journal past the query's cursors: one trace round, as `onebox trace` asks (the dashboard). */
  journals(query: Bodies["journal"]): Promise<WireJournalPage[] | undefined> {
    return this.processes.journalPages(query).then((answer) => answer.pages);
  }

  self(id: number): Member {
    return { id, name: this.name, url: this.url, state: "alive", labels: { ...this.options.labels }, load: 0 };
  }

  private makeKernel(id: number, coordinator: Kernel["coordinator"], clock = this.clock): void {
    // On etcd a guest's file change asks the lease first (ExportDir): a paused node's guest may be mid-turn when it resumes.
    const etcd = this.etcd;
    const mayChangeFiles = etcd ? () => etcd.session.guard() : undefined;
    this.kernel = new Kernel({ nodeId: id, nodeName: this.name, root: this.options.root, limits: this.options.limits, coordinator, router: this.processes, clock, journal: this.options.journal, lamport: this.lamport, mayChangeFiles });
    this.exports = new ExportServer(this.kernel.exportDir);
    this.console = new OperatorConsole(this.kernel);
    this.kernel.onExit = (proc) => {
      this.processes.exited(proc);
      this.console.exited(proc);
    };
  }

  private async found(): Promise<void> {
    this.coordinator = new CoordinatorService(this.clock);
    this.makeKernel(COORDINATOR_ID, this.coordinator.local);
    this.membership.founded(COORDINATOR_ID);
    this.log(`founded cluster '${this.options.cluster}' at ${this.url}`);
  }

  private async join(url: string): Promise<void> {
    const channel = await this.peers.dial(url);
    try {
      const sentAt = this.clock.now();
      const joined = await expectReply(channel.call({ join: { name: this.name, url: this.url, labels: { ...this.options.labels } } }), "joined");
      const lease = this.membership.startLease(sentAt);
      const coordinator = new RemoteCoordinator(() => this.peers.link(COORDINATOR_ID), () => lease.valid, (pid) => this.kernel.procs.has(pid));
      this.makeKernel(joined.nodeId, coordinator);
      this.membership.joined(coordinator, joined.members ?? fail("EIO", "joined with no member list"));
      this.log(`joined cluster '${this.options.cluster}' through ${url} as node ${joined.nodeId}`);
      await this.revocations.exchange(channel.peerName, (body) => expectReply(channel.call(body), "revoked"));
    } finally {
      channel.close("joined");
    }
  }

  /** Coordination on etcd: the node's id, membership and kernel Coordinator come from there. */
  private async joinEtcd(backend: typeof EtcdBackend, endpoints: readonly string[]): Promise<void> {
    this.etcd = await backend.start({
      endpoints,
      cluster: this.options.cluster,
      heartbeatTimeoutMs: this.members.timeoutMs,
      clock: this.clock,
      log: this.log,
      self: { name: this.name, url: this.url, labels: { ...this.options.labels } },
      members: this.members,
      lamport: this.lamport,
      onFence: (reason) => this.fence(`etcd lease ${reason}`),
    });
    this.makeKernel(this.etcd.nodeId, this.etcd.coordinator, this.etcd.kernelClock(this.clock));
    await this.etcd.watch(() => this.clock.now(), (changes) => this.membership.act(changes));
    this.log(`joined cluster '${this.options.cluster}' on etcd as node ${this.etcd.nodeId}`);
    // No coordinator keeps the list on etcd: learn it from a member that is up, if any.
    const peer = this.members.list().find((m) => m.state === "alive" && m.name !== this.name);
    if (peer) await this.revocations.exchange(peer.name, (body) => this.peers.link(peer.id).call(body, "revoked")).catch((error: Error) => this.log(`revocation list not exchanged with ${peer.name}: ${error.message}`));
  }

  /** Every incoming frame: refused from a node declared down, else served through the frame table. */
  private serve(msg: Msg, context: FrameContext): Reply {
    if (this.stopped) fail("EHOSTUNREACH", `${this.name} is stopping`);
    // A node declared down is dead to the cluster: its processes were reported ended, its
    // files closed. Only its heartbeat is heard, so the coordinator can tell it the verdict,
    // and the coordinator's member list, so a coordinator given up here can be taken back.
    const { from } = context;
    const kind = bodyName(msg);
    const heard = kind === "heartbeat" || (kind === "members" && from === COORDINATOR_ID);
    if (from !== 0 && !heard && this.members.get(from)?.state === "down") {
      fail("EHOSTUNREACH", `node ${from} was declared down: nothing from it is served until it rejoins as a new node`);
    }
    return dispatch(this.frames, kind, msg, context);
  }

  /** On etcd: this node's load for the others' placement (etcd-loads.ts); the heartbeat carries it otherwise. */
  reportLoad(load: number, delay: LoopDelayFigures | undefined): void {
    this.etcd?.reportLoad(load, delay, this.clock.now());
  }

  /** Member `member` is down: what depended on it here ends. */
  nodeDown(member: Member): void {
    this.peers.drop(member.id, "node down");
    this.kernel.nodeDown(member.id);
    this.exports.nodeDown(member.id);
    this.coordinator?.nodeDown(member.id);
  }

  /** Declared down while alive: its processes were already reported dead, so end them. */
  fence(reason = "declared down by the coordinator (partitioned?)"): void {
    this.log(`${reason}: stopping this node`);
    void this.stop().then(() => this.options.onFenced?.());
  }

  /** Leave: processes end, links and the listener close. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.membership.stop();
    this.kernel?.shutdown();
    await this.peers.close("node stopping");
    await this.etcd?.stop();
  }
}
