import { exitInfo, fail, type ExitInfo } from "../kernel/errors.ts";
import type { FileService } from "../kernel/file-service.ts";
import { Kernel, nodeIdOfPid, type Limits } from "../kernel/kernel.ts";
import type { StartRequest } from "../kernel/process.ts";
import { ModuleCache, type LoadedModule } from "../kernel/module-cache.ts";
import type { Router } from "../kernel/router.ts";
import { Channel } from "../transport/channel.ts";
import { RateLimitedLog } from "../transport/bounded-log.ts";
import { clientHandshake, serverHandshake, type Identity, type Peer } from "../transport/handshake.ts";
import { realClock, type Clock, type ClockTimer } from "../transport/clock.ts";
import { LoopDelay } from "../kernel/loop-delay.ts";
import type { Conn, Listener, Transport } from "../transport/transport.ts";
import { LamportClock } from "../kernel/journal/lamport.ts";
import { bodyName, toBytes, toNumber, type Bodies, type Body, type Member, type Msg, type ProcInfo } from "../transport/wire.ts";
import { CoordinatorService } from "./coordinator-service.ts";
import { EtcdBackend } from "./etcd/etcd-backend.ts";
import { ExportServer } from "./file-server.ts";
import { ReceiveCredits } from "./flow-control.ts";
import { expectReply, Link } from "./link.ts";
import { Membership, type Transition } from "./membership.ts";
import { OutputSinks } from "./output-sinks.ts";
import { feedInput, fromExitNote, killHere, procInfo, remoteOutput, runForClient, startHere, toExitNote } from "./process-server.ts";
import { CoordinatorLease } from "./lease.ts";
import { RemoteCoordinator } from "./remote-coordinator.ts";
import { RemoteFiles } from "./remote-files.ts";
import { Scheduler } from "./scheduler.ts";
import { serveJournal } from "./journal-server.ts";

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
  readonly log?: (line: string) => void;
  /** This node was declared down while it still ran (a partition): it has stopped itself. */
  readonly onFenced?: () => void;
}

export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 3000;
const ENDED_KEPT = 1000;
/** Connections accepted and not yet through their handshake; more are closed at once. */
export const MAX_HANDSHAKES_IN_FLIGHT = 64;
/** A beat this late (in heartbeat timeouts) means this node's own loop stalled. */
const STALL_FRACTION = 0.5;
/** The founding node's id: it serves the embedded coordinator. */
const COORDINATOR_ID = 1;

/**
 * One node of a cluster: its kernel, its place in the membership, and the links to the
 * other nodes. It is the kernel's Router: anything the kernel finds on another node
 * comes here and leaves as a message to the node that owns it.
 */
export class ClusterNode implements Router {
  readonly name: string;
  readonly members: Membership;
  readonly stats = { moduleFetches: 0 };
  kernel!: Kernel;
  url = "";

  private readonly options: NodeOptions;
  private readonly identity: Identity;
  private readonly log: (line: string) => void;
  /**
   * What peers cause, each rate-limited: refusals of unauthenticated ones, and failed casts
   * and closed connections of members. Apart, so a flood of the first hides none of the second.
   */
  private readonly refusalLog: RateLimitedLog;
  private readonly peerLog: RateLimitedLog;
  private handshaking = 0;
  private readonly links = new Map<number, Link>();
  /** Inbound connections: who dialled (node id, 0 for a client) and the credit owed to it. */
  private readonly inbound = new Map<Channel, { readonly peerId: number; readonly credits: ReceiveCredits }>();
  private readonly sinks = new OutputSinks();
  /** The node's Lamport clock, its kernel's, which stamps every frame of every channel. */
  private readonly lamport = new LamportClock();
  private readonly scheduler = new Scheduler(() => this.members.timeoutMs / 2, () => this.clock.now());
  private readonly fetches = new Map<string, Promise<LoadedModule>>();
  private exports!: ExportServer;
  /** The embedded coordinator, on the founding node only. */
  coordinator: CoordinatorService | undefined;
  /** Coordination on etcd (NodeOptions.etcd), instead of the embedded coordinator. */
  private etcd: EtcdBackend | undefined;
  private coordinatorHeard = 0;
  /** A member's lease with the coordinator (lease.ts); the coordinator has none. */
  private lease: CoordinatorLease | undefined;
  private remoteCoordinator: RemoteCoordinator | undefined;
  private listener: Listener | undefined;
  private readonly clock: Clock;
  /** options.transport; on etcd, with the lease checked before every frame. */
  private readonly transport: Transport;
  private timer: ClockTimer | undefined;
  /** The event loop's delay, reported with each heartbeat; a simulated node (own clock) has no loop of its own to report. */
  private readonly loopDelay: LoopDelay | undefined;
  private stopped = false;
  private probing = false;
  /** The connection probeCoordinator keeps to a coordinator this node declared down. */
  private probe: Channel | undefined;
  /** The last ENDED_KEPT processes that ended here, for `ps --all`. */
  private readonly ended: ProcInfo[] = [];

  private constructor(options: NodeOptions) {
    this.options = options;
    this.clock = options.clock ?? realClock;
    this.loopDelay = this.clock === realClock ? new LoopDelay() : undefined;
    this.name = options.name;
    this.log = options.log ?? ((line) => process.stderr.write(`onebox[${options.name}]: ${line}\n`));
    this.refusalLog = new RateLimitedLog(this.log, this.clock);
    this.peerLog = new RateLimitedLog(this.log, this.clock);
    this.identity = { cluster: options.cluster, name: options.name, secret: options.secret, log: (line) => this.refusalLog.line(line), clock: this.clock,
      nodeId: () => this.kernel?.nodeId ?? 0 };
    this.members = new Membership(options.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS);
    this.transport = options.etcd ? EtcdBackend.transport(options.transport, () => this.etcd) : options.transport;
  }

  /** Listen, then found the cluster or join it through `options.join`. */
  static async start(options: NodeOptions): Promise<ClusterNode> {
    const node = new ClusterNode(options);
    node.listener = await node.transport.listen(options.listen, (conn) => void node.accept(conn));
    node.url = options.advertise ?? node.listener.url;
    try {
      await (options.etcd ? node.joinEtcd(options.etcd) : options.join ? node.join(options.join) : node.found());
    } catch (error) {
      await node.etcd?.stop();
      await node.listener.close();
      throw error;
    }
    node.beat();
    return node;
  }

  get id(): number {
    return this.kernel.nodeId;
  }

  get isCoordinator(): boolean {
    return this.coordinator !== undefined;
  }

  private self(id: number): Member {
    return { id, name: this.name, url: this.url, state: "alive", labels: { ...this.options.labels }, load: 0 };
  }

  private makeKernel(id: number, coordinator: Kernel["coordinator"], clock = this.clock): void {
    this.kernel = new Kernel({ nodeId: id, nodeName: this.name, root: this.options.root, limits: this.options.limits, coordinator, router: this, clock, journal: this.options.journal, lamport: this.lamport });
    this.exports = new ExportServer(this.kernel.exportDir);
    this.kernel.onExit = (proc) => {
      if (this.ended.push(procInfo(this.name, proc)) > ENDED_KEPT) this.ended.shift();
    };
  }

  private async found(): Promise<void> {
    this.coordinator = new CoordinatorService(this.clock);
    this.makeKernel(COORDINATOR_ID, this.coordinator.local);
    this.members.admit(this.self(COORDINATOR_ID), this.clock.now());
    this.log(`founded cluster '${this.options.cluster}' at ${this.url}`);
  }

  private async join(url: string): Promise<void> {
    const channel = await this.dial(url);
    try {
      const sentAt = this.clock.now();
      const joined = await expectReply(channel.call({ join: { name: this.name, url: this.url, labels: { ...this.options.labels } } }), "joined");
      const lease = (this.lease = new CoordinatorLease(this.members.timeoutMs, this.clock, sentAt));
      this.remoteCoordinator = new RemoteCoordinator(
        () => this.link(COORDINATOR_ID),
        () => lease.valid,
        (pid) => this.kernel.procs.has(pid),
      );
      this.makeKernel(joined.nodeId, this.remoteCoordinator);
      this.members.apply(joined.members);
      this.coordinatorHeard = this.clock.now();
      this.log(`joined cluster '${this.options.cluster}' through ${url} as node ${joined.nodeId}`);
    } finally {
      channel.close("joined");
    }
  }

  /** Coordination on etcd: the node's id, membership and kernel Coordinator come from there. */
  private async joinEtcd(endpoints: readonly string[]): Promise<void> {
    this.etcd = await EtcdBackend.start({
      endpoints,
      cluster: this.options.cluster,
      heartbeatTimeoutMs: this.members.timeoutMs,
      clock: this.clock,
      log: this.log,
      self: { name: this.name, url: this.url, labels: { ...this.options.labels } },
      members: this.members,
      onFence: (reason) => this.fence(`etcd lease ${reason}`),
    });
    this.makeKernel(this.etcd.nodeId, this.etcd.coordinator, this.etcd.kernelClock(this.clock));
    await this.etcd.watch(() => this.clock.now(), (changes) => this.act(changes));
    this.log(`joined cluster '${this.options.cluster}' on etcd as node ${this.etcd.nodeId}`);
  }

  private async dial(url: string): Promise<Channel> {
    const conn = await this.transport.connect(url);
    const peer = await clientHandshake(this.identity, conn);
    return this.channel(conn, peer);
  }

  private channel(conn: Conn, peer: string): Channel {
    const channel = new Channel(conn, peer, (msg, channel) => this.handle(msg, channel), (line) => this.peerLog.line(line));
    channel.logical = this.lamport;
    return channel;
  }

  private async accept(conn: Conn): Promise<void> {
    if (this.handshaking >= MAX_HANDSHAKES_IN_FLIGHT) {
      this.refusalLog.line(`refused connection from ${conn.remote}: ${MAX_HANDSHAKES_IN_FLIGHT} handshakes already in flight`);
      return conn.close("too many handshakes in flight");
    }
    this.handshaking++;
    let peer: Peer;
    try {
      peer = await serverHandshake(this.identity, conn);
    } catch {
      return; // refused and logged by the handshake
    } finally {
      this.handshaking--;
    }
    const channel = this.channel(conn, peer.name);
    const credits = new ReceiveCredits({
      mailbox: (pid) => this.kernel.procs.get(pid)?.mailbox,
      grant: (pid, n) => channel.cast({ credit: { pid, n } }),
      setTimer: (run, ms) => this.clock.setTimeout(run, ms),
    });
    this.inbound.set(channel, { peerId: peer.nodeId, credits });
    channel.onClose((reason) => {
      credits.close();
      this.inbound.delete(channel);
      if (reason.startsWith("malformed")) this.peerLog.line(`closed connection from ${peer.name}: ${reason}`);
    });
  }

  /** The link to a member, dialled on first use; EHOSTUNREACH for a node not alive. */
  link(id: number): Link {
    const member = this.members.get(id);
    if (!member || member.state === "down") fail("EHOSTUNREACH", `node ${id} is ${member ? "down" : "unknown"}`);
    let link = this.links.get(id);
    if (!link || link.isClosed) {
      link = new Link(member.name, () => this.dial(member.url));
      this.links.set(id, link);
    }
    return link;
  }

  private linkByName(name: string): Link {
    const member = this.members.byName(name);
    if (!member) fail("EHOSTUNREACH", `no node named ${name}`);
    return this.link(member.id);
  }

  private linkForPid(pid: number): Link {
    return this.link(nodeIdOfPid(pid));
  }

  // ---- membership ----------------------------------------------------------------

  /** tick() every timeout/4, for as long as the node runs. */
  private beat(): void {
    const interval = this.members.timeoutMs / 4;
    const due = this.clock.now() + interval;
    this.timer = this.clock.setTimeout(() => {
      if (this.stopped) return;
      this.beat();
      const late = this.clock.now() - due;
      if (late > this.members.timeoutMs * STALL_FRACTION) this.stalled(late);
      this.tick();
    }, interval);
  }

  /**
   * This node's event loop did not run for `late` ms (SIGSTOP, swap, a long GC): it heard
   * nothing in that time, so the others' silence is not theirs. Each gets a fresh timeout,
   * or a paused coordinator would declare every member down on resume and fence them all.
   */
  private stalled(late: number): void {
    const now = this.clock.now();
    this.log(`event loop stalled for ${Math.round(late)} ms: giving every member a fresh heartbeat timeout`);
    this.members.forgive(now);
    this.coordinatorHeard = now;
  }

  private tick(): void {
    // On etcd the lease's keep-alives are the heartbeat and no loads are reported: the
    // scheduler counts only its own recent placements, so forget the old ones.
    if (this.etcd) return this.scheduler.refreshed();
    const now = this.clock.now();
    if (this.isCoordinator) {
      this.members.heard(COORDINATOR_ID, this.kernel.procs.size, now, this.loopDelay?.take());
      this.act(this.members.sweep(COORDINATOR_ID, now));
      this.broadcast();
      return;
    }
    if (!this.lease!.valid) this.endLockHolders();
    const heartbeat: Body = { heartbeat: { nodeId: this.id, load: this.kernel.procs.size, ...this.loopDelay?.take() } };
    if (this.members.get(COORDINATOR_ID)?.state === "down") return this.probeCoordinator(heartbeat);
    const lease = this.lease!;
    this.link(COORDINATOR_ID).call(heartbeat, "empty").then(() => lease.renewed(now), () => {});
    if (now - this.coordinatorHeard > this.members.timeoutMs * 1.5) this.act(this.members.markDown(COORDINATOR_ID));
  }

  /**
   * The lease lapsed: the coordinator may declare this node down and hand its processes'
   * locks to others, so those processes end now, before it can.
   */
  private endLockHolders(): void {
    for (const pid of this.remoteCoordinator!.holders()) {
      const proc = this.kernel.procs.get(pid);
      if (!proc) continue;
      this.log(`lost the lease with the coordinator: ending process ${pid}, which may hold a lock`);
      this.kernel.terminate(proc, exitInfo("NOCONNECTION", "its node lost its lease with the coordinator, so its locks may pass to others"));
    }
  }

  /**
   * Lost the coordinator: keep knocking, on one connection kept open, a heartbeat a beat.
   * If it was a partition, the coordinator answers with its list, in which this node is
   * down, and the node fences itself. If the coordinator was only paused and still counts
   * this node alive, these heartbeats keep it so (a connection per knock would leave gaps
   * of a dial and a handshake, near the coordinator's own timeout).
   */
  private probeCoordinator(heartbeat: Body): void {
    if (this.probe && !this.probe.isClosed) return this.probe.cast(heartbeat);
    if (this.probing) return;
    this.probing = true;
    this.dial(this.members.get(COORDINATOR_ID)!.url).then(
      (channel) => {
        this.probing = false;
        if (this.stopped) return channel.close("node stopping");
        this.probe = channel;
        channel.cast(heartbeat);
      },
      () => (this.probing = false),
    );
  }

  /** The coordinator's list to every other alive member: membership, loads, and its own pulse. */
  private broadcast(): void {
    const list = this.members.snapshot();
    this.scheduler.refreshed();
    for (const m of list.members) {
      if (m.id !== this.id && m.state !== "down") this.link(m.id).cast({ members: list });
    }
  }

  private admit(join: Bodies["join"]): Bodies["joined"] {
    if (join.name === this.name) fail("EEXIST", `${join.name} is the coordinator's own name`);
    const id = Math.max(...this.members.list().map((m) => m.id)) + 1;
    if (id > 2047) fail("EAGAIN", "node ids exhausted");
    this.act(this.members.admit({ id, name: join.name, url: join.url, state: "alive", labels: join.labels, load: 0 }, this.clock.now()));
    this.log(`node ${join.name} joined as node ${id}`);
    this.broadcast();
    return { nodeId: id, members: this.members.snapshot() };
  }

  /** React to members changing state: a node down ends everything that depended on it. */
  private act(changes: Transition[]): void {
    for (const { member, from } of changes) {
      if (member.state !== "down") {
        if (from) this.log(`node ${member.name} (${member.id}) is ${member.state}`);
        continue;
      }
      if (member.id === this.id) return this.fence();
      this.log(`node ${member.name} (${member.id}) is down`);
      this.links.get(member.id)?.close("node down");
      this.links.delete(member.id);
      this.kernel.nodeDown(member.id);
      this.exports.nodeDown(member.id);
      this.coordinator?.nodeDown(member.id);
    }
  }

  /** Declared down while alive: its processes were already reported dead, so end them. */
  private fence(reason = "declared down by the coordinator (partitioned?)"): void {
    this.log(`${reason}: stopping this node`);
    void this.stop().then(() => this.options.onFenced?.());
  }

  // ---- incoming messages -----------------------------------------------------------

  private handle(msg: Msg, channel: Channel): Body | void | Promise<Body | void> {
    if (this.stopped) fail("EHOSTUNREACH", `${this.name} is stopping`);
    const kind = bodyName(msg);
    const m = msg as unknown as Partial<Bodies>;
    // The node id that dialled this connection; 0 for a client, or a connection this node dialled.
    const from = this.inbound.get(channel)?.peerId ?? 0;
    // A node declared down is dead to the cluster: its processes were reported ended, its
    // files closed. Only its heartbeat is heard, so the coordinator can tell it the verdict.
    if (from !== 0 && kind !== "heartbeat" && this.members.get(from)?.state === "down") {
      fail("EHOSTUNREACH", `node ${from} was declared down: nothing from it is served until it rejoins as a new node`);
    }
    switch (kind) {
      case "join":
        if (this.etcd) fail("ENOTSUP", "this cluster's nodes join through etcd (--etcd)");
        if (this.isCoordinator) return { joined: this.admit(m.join!) };
        return this.link(COORDINATOR_ID).call({ join: m.join! }, "joined").then((joined) => ({ joined }));
      case "nodes":
        return { members: this.members.snapshot() };
      case "members":
        // Only the coordinator's word counts: a list from anyone else could fence this node.
        if (!this.fromCoordinator(channel, from)) fail("EPERM", "only the coordinator sends the member list");
        this.coordinatorHeard = this.clock.now();
        this.scheduler.refreshed();
        return this.act(this.members.apply(m.members!));
      case "heartbeat":
        const beat = m.heartbeat!;
        if (this.isCoordinator && !this.members.heard(beat.nodeId, beat.load, this.clock.now(), { loopP99Us: beat.loopP99Us ?? 0, loopMaxUs: beat.loopMaxUs ?? 0 })) {
          // A node we declared down still speaks: show it the verdict so it fences itself,
          // and do not acknowledge: that would renew its lease.
          channel.cast({ members: this.members.snapshot() });
          fail("EHOSTUNREACH", `node ${m.heartbeat!.nodeId} was declared down`);
        }
        return;
      case "lock":
      case "unlock":
      case "register":
      case "unregister":
      case "whereis":
      case "releaseAll":
        if (!this.coordinator) fail("EHOSTUNREACH", `${this.name} is not the coordinator`);
        return this.coordinator.serve(kind, m);
      case "spawn":
        return this.serveSpawn(m.spawn!);
      case "fetchModule": {
        const loaded = this.kernel.modules.get(m.fetchModule!.hash);
        if (!loaded) fail("ENOENT", `no module ${m.fetchModule!.hash}`);
        return loaded.then((mod) => ({ moduleBytes: { data: mod.bytes } }));
      }
      case "send": {
        // The sender was told 0: a full mailbox takes it anyway, within the sender node's
        // window, and holds back its credit (flow-control.ts). As in Erlang, a message to
        // a process that is gone is dropped.
        const s = m.send!;
        this.kernel.procs.get(s.to)?.mailbox.putSystem({ sender: s.from, tag: s.tag, data: toBytes(s.data), lamport: toNumber(s.lamport ?? 0) });
        const credits = this.inbound.get(channel)?.credits;
        if (!credits) throw new Error(`send from ${channel.peerName} on a connection this node dialled`);
        return credits.delivered(s.to);
      }
      case "credit": {
        const link = this.links.get(nodeIdOfPid(m.credit!.pid));
        if (link?.carries(channel)) link.credits.grant(m.credit!.pid, m.credit!.n);
        return;
      }
      case "kill": {
        const { caller, pid } = m.kill!;
        if (nodeIdOfPid(pid) === this.id) return void killHere(this.kernel, caller, pid);
        return this.linkForPid(pid).call({ kill: { caller, pid } }, "empty").then(() => undefined);
      }
      case "monitor":
        return this.kernel.watch(m.monitor!.watcher, m.monitor!.pid, m.monitor!.ref);
      case "demonitor":
        return void this.kernel.procs.get(m.demonitor!.pid)?.watchers.delete(m.demonitor!.ref);
      case "down":
        return this.kernel.fireMonitor(m.down!.ref ?? 0, m.down!.to, m.down!.pid, fromExitNote(m.down!));
      case "childExit":
        return this.kernel.childExited(m.childExit!.to, m.childExit!.pid, fromExitNote(m.childExit!));
      case "output":
        return this.sinks.get(m.output!.sink)?.write(m.output!.fd === 2 ? 2 : 1, toBytes(m.output!.data));
      case "ps":
        return this.ps(m.ps!.cluster, m.ps!.ended ?? false).then((procs) => ({ procs: { procs } }));
      case "run":
        return runForClient(this.kernel, m.run!, channel).then((pid) => ({ pid: { pid } }));
      case "input":
        return feedInput(channel, m.input!);
      case "journal":
        return serveJournal(this.kernel, m.journal!, this.aliveOthers().map((m) => (query) => this.link(m.id).call({ journal: query }, "journalPages"))).then((journalPages) => ({ journalPages }));
      default:
        if (kind.startsWith("f")) return this.exports.serve(kind, m, from);
        fail("ENOTSUP", `unexpected ${kind}`);
    }
  }

  /** The coordinator dialled `channel`, or this node dialled it to the coordinator (its link, a probe). */
  private fromCoordinator(channel: Channel, from: number): boolean {
    return from === COORDINATOR_ID || channel === this.probe || (this.links.get(COORDINATOR_ID)?.carries(channel) ?? false);
  }

  private async serveSpawn(spawn: Bodies["spawn"]): Promise<Body> {
    const module = await this.moduleByHash(spawn.moduleHash, spawn.moduleNode);
    const origin = this.linkByName(spawn.moduleNode);
    const output = remoteOutput((body) => origin.cast(body), spawn.outputSink);
    return { pid: { pid: startHere(this.kernel, module, spawn, output).pid } };
  }

  /** A module this node has, or fetches once from `from` however many spawns ask at once. */
  private moduleByHash(hash: string, from: string): Promise<LoadedModule> {
    const cached = this.kernel.modules.get(hash) ?? this.fetches.get(hash);
    if (cached) return cached;
    this.stats.moduleFetches++;
    const fetched = this.linkByName(from)
      .call({ fetchModule: { hash } }, "moduleBytes")
      .then(({ data }) => {
        data = toBytes(data);
        if (ModuleCache.hash(data) !== hash) fail("EIO", `module from ${from} does not match its hash`);
        return this.kernel.modules.load(data);
      })
      .finally(() => this.fetches.delete(hash));
    this.fetches.set(hash, fetched);
    return fetched;
  }

  private async ps(cluster: boolean, ended: boolean): Promise<ProcInfo[]> {
    const here = [...(ended ? this.ended : []), ...[...this.kernel.procs.values()].map((p) => procInfo(this.name, p))];
    if (!cluster) return here;
    const others = this.aliveOthers();
    const lists = await Promise.all(others.map((m) => this.link(m.id).call({ ps: { cluster: false, ended } }, "procs").then((r) => r.procs, () => [])));
    return [...here, ...lists.flat()];
  }

  private aliveOthers(): Member[] {
    return this.members.list().filter((m) => m.id !== this.id && m.state !== "down");
  }

  // ---- Router: what the kernel asks of other nodes ----------------------------------

  place(constraint: string): string {
    const list = this.members.list().map((m) => (m.id === this.id ? { ...m, load: this.kernel.procs.size } : m));
    return this.scheduler.place(list, constraint);
  }

  async spawn(node: string, request: StartRequest): Promise<number> {
    const reply = await this.linkByName(node).call(
      {
        spawn: {
          moduleHash: request.module.hash,
          moduleNode: this.name,
          argv: [...request.argv],
          env: [...request.env],
          ppid: request.ppid,
          home: request.namespace.home,
          outputSink: this.sinks.idFor(request.output),
          memoryPages: request.memoryPages ?? 0,
          monotonicFloorMs: request.monotonicFloorMs ?? 0,
        },
      },
      "pid",
    );
    return reply.pid;
  }

  send(from: number, to: number, tag: number, data: Uint8Array): void {
    const link = this.linkForPid(to);
    link.credits.take(to);
    link.cast({ send: { from, to, tag, data, lamport: this.kernel.lamport.now } });
  }

  async kill(caller: number, pid: number): Promise<void> {
    await this.linkForPid(pid).call({ kill: { caller, pid } }, "empty");
  }

  monitor(watcher: number, pid: number, ref: number): void {
    try {
      this.linkForPid(pid).cast({ monitor: { watcher, pid, ref } });
    } catch {
      this.kernel.fireMonitor(ref, watcher, pid, exitInfo("NOCONNECTION", `node of ${pid} is down`));
    }
  }

  demonitor(watcher: number, pid: number, ref: number): void {
    this.castToNodeOf(pid, { demonitor: { watcher, pid, ref } });
  }

  down(watcher: number, ref: number, pid: number, info: ExitInfo): void {
    this.castToNodeOf(watcher, { down: toExitNote(watcher, pid, info, ref) });
  }

  childExited(parent: number, child: number, info: ExitInfo): void {
    this.castToNodeOf(parent, { childExit: toExitNote(parent, child, info) });
  }

  fileService(node: string): FileService {
    return new RemoteFiles(this.linkByName(node));
  }

  /** A notice to a node that may be gone: then there is no one left to tell. */
  private castToNodeOf(pid: number, body: Body): void {
    const member = this.members.get(nodeIdOfPid(pid));
    if (member && member.state !== "down") this.link(member.id).cast(body);
  }

  /** Leave: processes end, links and the listener close. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.loopDelay?.stop();
    this.kernel?.shutdown();
    for (const link of this.links.values()) link.close("node stopping");
    this.probe?.close("node stopping");
    for (const channel of this.inbound.keys()) channel.close("node stopping");
    await this.etcd?.stop();
    await this.listener?.close();
  }
}
