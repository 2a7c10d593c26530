import type { Clock, ClockTimer } from "../clock/clock.ts";
import { exitInfo, fail } from "../kernel/errors.ts";
import { MAX_NODE_ID, type Kernel } from "../kernel/kernel.ts";
import { LoopDelay, type LoopDelayFigures } from "../kernel/loop-delay.ts";
import type { Channel } from "../transport/channel.ts";
import type { Bodies, Body, Member, Members } from "../transport/wire.ts";
import type { CoordinatorService } from "./coordinator-service.ts";
import type { FrameContext } from "./frame-table.ts";
import { CoordinatorLease } from "./lease.ts";
import type { LogFields } from "./node.ts";
import type { Membership, Transition } from "./membership.ts";
import type { Peers } from "./peers.ts";
import type { RemoteCoordinator } from "./remote-coordinator.ts";
import type { Scheduler } from "./scheduler.ts";

/** A beat this late (in heartbeat timeouts) means this node's own loop stalled. */
const STALL_FRACTION = 0.5;
/** The founding node's id: it serves the embedded coordinator. */
export const COORDINATOR_ID = 1;

/** What the membership duty needs of its node (node.ts). */
export interface MembershipContext {
  readonly name: string;
  readonly members: Membership;
  readonly clock: Clock;
  readonly peers: Peers;
  readonly kernel: Kernel;
  /** The embedded coordinator, on the founding node only. */
  readonly coordinator: CoordinatorService | undefined;
  /** Membership comes from etcd's watch (etcd-membership.ts), not from heartbeats. */
  readonly onEtcd: boolean;
  readonly scheduler: Scheduler;
  readonly log: (line: string, fields?: LogFields) => void;
  /** On etcd: publish this node's load (etcd-loads.ts). */
  reportLoad(load: number, delay: LoopDelayFigures | undefined): void;
  /** This node's own entry with id `id`. */
  self(id: number): Member;
  /** Another member went down: everything that depended on it ends. */
  nodeDown(member: Member): void;
  /** This node was declared down while it still runs: it stops itself. */
  fence(reason?: string): void;
}

/**
 * Membership with the embedded coordinator: the founding node admits joiners, hears every
 * member's heartbeat, sweeps the silent to suspect and down, and sends the list out; a
 * member beats to the coordinator, keeps its lease with it (lease.ts), and applies its
 * list. On etcd only `act` is used: etcd's watch reports the transitions.
 * Serves the frames join, nodes, members and heartbeat.
 */
export class MembershipService {
  private readonly node: MembershipContext;
  private timer: ClockTimer | undefined;
  private stopped = false;
  /** The event loop's delay, reported with each heartbeat; a simulated node (own clock) has no loop of its own to report. */
  private readonly loopDelay: LoopDelay | undefined;
  private coordinatorHeard = 0;
  /** A member's lease with the coordinator; the coordinator has none. */
  private lease: CoordinatorLease | undefined;
  /** Heartbeats sent and heard, for the node's metrics (the coordinator's list counts as its beat). */
  readonly stats = { heartbeatsSent: 0, heartbeatsReceived: 0 };
  private remoteCoordinator: RemoteCoordinator | undefined;
  private probing = false;
  /** The connection probeCoordinator keeps to a coordinator this node declared down. */
  private probe: Channel | undefined;

  constructor(node: MembershipContext, measureLoop: boolean) {
    this.node = node;
    this.loopDelay = measureLoop ? new LoopDelay() : undefined;
  }

  /** The founding node: it is the first member. */
  founded(id: number): void {
    this.act(this.node.members.admit(this.node.self(id), this.node.clock.now()));
  }

  /** Whether this member's lease with the coordinator holds (false on the coordinator, which has none). */
  get leaseValid(): boolean {
    return this.lease?.valid ?? false;
  }

  /** A member's lease, from the send time of its join call. */
  startLease(sentAt: number): CoordinatorLease {
    this.lease = new CoordinatorLease(this.node.members.timeoutMs, this.node.clock, sentAt);
    return this.lease;
  }

  /** A member joined: `coordinator` tells which of its processes hold locks, `list` is who is in. */
  joined(coordinator: RemoteCoordinator, list: Members): void {
    this.remoteCoordinator = coordinator;
    this.act(this.node.members.apply(list, COORDINATOR_ID));
    this.coordinatorHeard = this.node.clock.now();
  }

  /** tick() every timeout/4, for as long as the node runs. */
  beat(): void {
    const interval = this.node.members.timeoutMs / 4;
    const due = this.node.clock.now() + interval;
    this.timer = this.node.clock.setTimeout(() => {
      if (this.stopped) return;
      this.beat();
      const late = this.node.clock.now() - due;
      if (late > this.node.members.timeoutMs * STALL_FRACTION) this.stalled(late);
      this.tick();
    }, interval);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.node.clock.clearTimeout(this.timer);
    this.loopDelay?.stop();
    this.probe?.close("node stopping");
  }

  /**
   * This node's event loop did not run for `late` ms (SIGSTOP, swap, a long GC): it heard
   * nothing in that time, so the others' silence is not theirs. Each gets a fresh timeout,
   * or a paused coordinator would declare every member down on resume and fence them all.
   */
  private stalled(late: number): void {
    const now = this.node.clock.now();
    this.node.log(`event loop stalled for ${Math.round(late)} ms: giving every member a fresh heartbeat timeout`);
    this.node.members.forgive(now);
    this.coordinatorHeard = now;
  }

  private tick(): void {
    const { members, kernel, clock, peers } = this.node;
    if (this.node.onEtcd) {
      // The lease's keep-alives are the heartbeat; loads go through etcd, and the others'
      // came in by its watch, so placements older than those are counted in them.
      this.node.reportLoad(kernel.load, this.loopDelay?.take());
      return this.node.scheduler.refreshed();
    }
    const now = clock.now();
    if (this.node.coordinator) {
      members.heard(COORDINATOR_ID, kernel.load, now, this.loopDelay?.take());
      this.act(members.sweep(COORDINATOR_ID, now));
      this.stats.heartbeatsSent++;
      this.broadcast();
      return;
    }
    const lease = this.lease!;
    if (!lease.valid) this.endLockHolders();
    const heartbeat: Body = { heartbeat: { nodeId: kernel.nodeId, load: kernel.load, ...this.loopDelay?.take() } };
    if (members.get(COORDINATOR_ID)?.state === "down") return this.probeCoordinator(heartbeat);
    this.stats.heartbeatsSent++;
    peers.link(COORDINATOR_ID).call(heartbeat, "empty").then(() => lease.renewed(now), () => {});
    if (now - this.coordinatorHeard > members.timeoutMs * 1.5) this.act(members.markDown(COORDINATOR_ID));
  }

  /**
   * The lease lapsed: the coordinator may declare this node down and hand its processes'
   * locks to others, so those processes end now, before it can.
   */
  private endLockHolders(): void {
    for (const pid of this.remoteCoordinator!.holders()) {
      const ended = this.node.kernel.end(pid, exitInfo("NOCONNECTION", "its node lost its lease with the coordinator, so its locks may pass to others"));
      if (ended) this.node.log(`lost the lease with the coordinator: ending process ${pid}, which may hold a lock`, { pid });
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
    this.node.peers.dial(this.node.members.get(COORDINATOR_ID)!.url).then(
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
    const list = this.node.members.snapshot();
    this.node.scheduler.refreshed();
    for (const m of list.members) {
      if (m.id !== this.node.kernel.nodeId && m.state !== "down") this.node.peers.link(m.id).cast({ members: list });
    }
  }

  private admit(join: Bodies["join"]): Bodies["joined"] {
    const { members, clock, log } = this.node;
    if (join.name === this.node.name) fail("EEXIST", `${join.name} is the coordinator's own name`);
    const taken = members.byName(join.name);
    if (taken && taken.state !== "down") fail("EEXIST", `${join.name} is a member (node ${taken.id}, ${taken.state}): a node restarted under its name joins once it is declared down`);
    const id = Math.max(...members.list().map((m) => m.id)) + 1;
    if (id > MAX_NODE_ID) fail("EAGAIN", "node ids exhausted");
    this.act(members.admit({ id, name: join.name, url: join.url, state: "alive", labels: join.labels, load: 0 }, clock.now()));
    log(`node ${join.name} joined as node ${id}`);
    this.broadcast();
    return { nodeId: id, members: members.snapshot() };
  }

  /** React to members changing state: a node down ends everything that depended on it. */
  act(changes: Transition[]): void {
    for (const { member, from } of changes) {
      if (member.state !== "down") {
        if (from === "down") this.coordinatorBack(member);
        else if (from) this.node.log(`node ${member.name} (${member.id}) is ${member.state}`);
        continue;
      }
      if (member.id === this.node.kernel.nodeId) return this.node.fence();
      this.node.log(`node ${member.name} (${member.id}) is down`);
      this.node.nodeDown(member);
    }
  }

  /**
   * The coordinator this node gave up (it was paused, or cut off from this node only)
   * speaks again and counts this node alive: heartbeats go back to its link, and the
   * processes that ended meanwhile release their locks and names there.
   */
  private coordinatorBack(member: Member): void {
    this.node.log(`node ${member.name} (${member.id}) is back: taking the coordinator back`);
    this.probe?.close("coordinator back");
    this.probe = undefined;
    this.remoteCoordinator?.reconnected();
  }

  // ---- frames -----------------------------------------------------------------------

  /** `join`: admitted here on the coordinator, passed to it from any other member. */
  join(join: Bodies["join"]): Body | Promise<Body> {
    if (this.node.onEtcd) fail("ENOTSUP", "this cluster's nodes join through etcd (--etcd)");
    if (this.node.coordinator) return { joined: this.admit(join) };
    return this.node.peers.link(COORDINATOR_ID).call({ join }, "joined").then((joined) => ({ joined }));
  }

  /** `nodes`: the member list as this node knows it (the CLI's `nodes`). */
  list(): Body {
    return { members: this.node.members.snapshot() };
  }

  /** `members`: the coordinator's list. Only its word counts: a list from anyone else could fence this node. */
  applyList(list: Bodies["members"], { channel, from }: FrameContext): void {
    if (this.node.onEtcd) fail("ENOTSUP", "on etcd the member list comes from etcd");
    if (!this.fromCoordinator(channel, from)) fail("EPERM", "only the coordinator sends the member list");
    this.coordinatorHeard = this.node.clock.now();
    this.stats.heartbeatsReceived++;
    this.node.scheduler.refreshed();
    this.act(this.node.members.apply(list, COORDINATOR_ID));
  }

  /** `heartbeat`: a member is alive (on the coordinator). */
  heard(beat: Bodies["heartbeat"], { channel }: FrameContext): void {
    this.stats.heartbeatsReceived++;
    const figures = { loopP99Us: beat.loopP99Us ?? 0, loopMaxUs: beat.loopMaxUs ?? 0 };
    if (!this.node.coordinator || this.node.members.heard(beat.nodeId, beat.load, this.node.clock.now(), figures)) return;
    // A node we declared down still speaks: show it the verdict so it fences itself,
    // and do not acknowledge: that would renew its lease.
    channel.cast({ members: this.node.members.snapshot() });
    fail("EHOSTUNREACH", `node ${beat.nodeId} was declared down`);
  }

  /** The coordinator dialled `channel`, or this node dialled it to the coordinator (its link, a probe). */
  private fromCoordinator(channel: Channel, from: number): boolean {
    return from === COORDINATOR_ID || channel === this.probe || this.node.peers.isLinkTo(COORDINATOR_ID, channel);
  }
}
