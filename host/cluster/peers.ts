import type { Authority, Credential } from "../auth/authority.ts";
import type { Clock } from "../clock/clock.ts";
import { fail } from "../kernel/errors.ts";
import { nodeIdOfPid } from "../kernel/kernel.ts";
import type { MailboxLevel } from "../kernel/mailbox.ts";
import { RateLimitedLog } from "../transport/bounded-log.ts";
import { Channel, type LogicalClock } from "../transport/channel.ts";
import { clientHandshake, serverHandshake, type Identity, type Peer } from "../transport/handshake.ts";
import { AddressGate, MAX_HANDSHAKES_PER_ADDRESS } from "./address-gate.ts";
import type { Conn, Listener, Transport } from "../transport/transport.ts";
import type { Bodies, Body, Msg } from "../transport/wire.ts";
import type { FrameContext, Reply } from "./frame-table.ts";
import { ReceiveCredits } from "./flow-control.ts";
import { Link } from "./link.ts";
import type { Membership } from "./membership.ts";
import { PeerTraffic } from "./peer-traffic.ts";

/** Connections accepted and not yet through their handshake; more are closed at once. */
export const MAX_HANDSHAKES_IN_FLIGHT = 64;

export interface PeersOptions {
  readonly identity: Omit<Identity, "log">;
  readonly transport: Transport;
  readonly members: Membership;
  readonly clock: Clock;
  readonly log: (line: string) => void;
  /** Serve one incoming frame. */
  readonly serve: (msg: Msg, context: FrameContext) => Reply;
  /** The mailbox level of a local pid, for the credit owed to each sender node. */
  readonly mailbox: (pid: number) => MailboxLevel | undefined;
  /** Who each accepted connection is and what it may ask (auth/authority.ts). */
  readonly authority: Authority;
  /** The node's Lamport clock: every channel stamps its frames with it and advances it. */
  readonly logical?: LogicalClock;
}

/**
 * The connections of one node: the Link it dialled to each member (with its send credit),
 * the connections others dialled to it (with the credit it owes them), and the listener.
 */
export class Peers {
  private readonly options: PeersOptions;
  private readonly identity: Identity;
  /**
   * What peers cause, each rate-limited: refusals of unauthenticated ones, and failed casts
   * and closed connections of members. Apart, so a flood of the first hides none of the second.
   */
  private readonly refusalLog: RateLimitedLog;
  private readonly peerLog: RateLimitedLog;
  private handshaking = 0;
  private readonly perAddress = new AddressGate();
  /** Messages and bytes to and from each peer, for the metrics and the dashboard. */
  readonly traffic = new PeerTraffic();
  private readonly links = new Map<number, Link>();
  /** Inbound connections: who dialled (node id, 0 for a client), its credential (mutual TLS) and the credit owed to it. */
  private readonly inbound = new Map<Channel, { readonly peerId: number; readonly credential: Credential | undefined; readonly credits: ReceiveCredits }>();
  private listener: Listener | undefined;

  constructor(options: PeersOptions) {
    this.options = options;
    this.refusalLog = new RateLimitedLog(options.log, options.clock);
    this.peerLog = new RateLimitedLog(options.log, options.clock);
    this.identity = { ...options.identity, log: (line) => this.refusalLog.line(line) };
  }

  /** Listen on `address`; the URL it listens on. */
  async listen(address: string): Promise<string> {
    this.listener = await this.options.transport.listen(address, (conn) => void this.accept(conn));
    return this.listener.url;
  }

  async dial(url: string): Promise<Channel> {
    const conn = await this.options.transport.connect(url);
    const peer = await clientHandshake(this.identity, conn);
    return this.channel(conn, peer);
  }

  /** A channel whose frames are served as `principal` may ask (undefined: a connection this node dialled, or --insecure). */
  private channel(conn: Conn, peer: string, principal?: Credential, fromMember = false): Channel {
    const channel = new Channel(
      conn,
      peer,
      (msg, channel) =>
        this.options.authority.serve(principal, fromMember, msg, (m) => this.options.serve(m, { channel, from: this.inbound.get(channel)?.peerId ?? 0 })),
      (line) => this.peerLog.line(line),
    );
    channel.traffic = this.traffic.of(peer);
    channel.logical = this.options.logical;
    return channel;
  }

  private async accept(conn: Conn): Promise<void> {
    if (this.handshaking >= MAX_HANDSHAKES_IN_FLIGHT) {
      this.refusalLog.line(`refused connection from ${conn.remote}: ${MAX_HANDSHAKES_IN_FLIGHT} handshakes already in flight`);
      return conn.close("too many handshakes in flight");
    }
    if (!this.perAddress.take(conn.remote)) {
      this.refusalLog.line(`refused connection from ${conn.remote}: ${MAX_HANDSHAKES_PER_ADDRESS} handshakes from its address already in flight`);
      return conn.close("too many handshakes from one address");
    }
    this.handshaking++;
    let peer: Peer;
    try {
      peer = await serverHandshake(this.identity, conn);
    } catch {
      return; // refused and logged by the handshake
    } finally {
      this.handshaking--;
      this.perAddress.release(conn.remote);
    }
    let principal;
    try {
      principal = this.options.authority.admit(conn, peer, (id) => this.options.members.get(id)?.name);
    } catch (error) {
      this.refusalLog.line(`refused connection from ${peer.name} at ${conn.remote}: ${(error as Error).message}`);
      return conn.close((error as Error).message);
    }
    const channel = this.channel(conn, peer.name, principal, peer.nodeId !== 0);
    const credits = new ReceiveCredits({
      mailbox: this.options.mailbox,
      grant: (pid, n) => channel.cast({ credit: { pid, n } }),
      setTimer: (run, ms) => this.options.clock.setTimeout(run, ms),
    });
    this.inbound.set(channel, { peerId: peer.nodeId, credential: principal, credits });
    channel.onClose((reason) => {
      credits.close();
      this.inbound.delete(channel);
      if (reason.startsWith("malformed")) this.peerLog.line(`closed connection from ${peer.name}: ${reason}`);
    });
  }

  /** Close every inbound connection whose credential the revocation list now refuses; how many. */
  closeRevoked(): number {
    let closed = 0;
    for (const [channel, { credential }] of this.inbound) {
      const revoked = credential && this.options.authority.revocations.refuses(credential, credential.issuedAt);
      if (revoked === undefined) continue;
      channel.close(`EACCES: ${revoked}`);
      closed++;
    }
    return closed;
  }

  /** The link to a member, dialled on first use; EHOSTUNREACH for a node not alive. */
  link(id: number): Link {
    const member = this.options.members.get(id);
    if (!member || member.state === "down") fail("EHOSTUNREACH", `node ${id} is ${member ? "down" : "unknown"}`);
    let link = this.links.get(id);
    if (!link || link.isClosed) {
      link = new Link(member.name, () => this.dialMember(member.name, member.url));
      this.links.set(id, link);
    }
    return link;
  }

  /**
   * A member's URL, answered by that member: under mutual TLS the name is its certificate's,
   * so whoever holds another address (or another node's certificate) is not taken for it.
   */
  private async dialMember(name: string, url: string): Promise<Channel> {
    const channel = await this.dial(url);
    if (channel.peerName === name) return channel;
    channel.close(`expected member ${name}`);
    this.refusalLog.line(`${url} answers as '${channel.peerName}', not as member '${name}'`);
    fail("EHOSTUNREACH", `${url} answers as '${channel.peerName}', not as member '${name}'`);
  }

  linkByName(name: string): Link {
    const member = this.options.members.byName(name);
    if (!member) fail("EHOSTUNREACH", `no node named ${name}`);
    return this.link(member.id);
  }

  linkForPid(pid: number): Link {
    return this.link(nodeIdOfPid(pid));
  }

  /** A notice to the node of `pid`, which may be gone: then there is no one left to tell. */
  castToNodeOf(pid: number, body: Body): void {
    const member = this.options.members.get(nodeIdOfPid(pid));
    if (member && member.state !== "down") this.link(member.id).cast(body);
  }

  /** Whether `channel` is this node's current link to member `id`. */
  isLinkTo(id: number, channel: Channel): boolean {
    return this.links.get(id)?.carries(channel) ?? false;
  }

  /** Member `id` went down: its link closes and pending calls on it fail. */
  drop(id: number, reason: string): void {
    this.links.get(id)?.close(reason);
    this.links.delete(id);
  }

  // ---- flow control (flow-control.ts): the credit on each connection ----

  /** A message from the node behind `channel` was delivered to local `pid`: credit it back in time. */
  delivered(channel: Channel, pid: number): void {
    const credits = this.inbound.get(channel)?.credits;
    if (!credits) fail("EINVAL", `send from ${channel.peerName} on a connection this node dialled`);
    credits.delivered(pid);
  }

  /** `credit` frame: the node of `pid` gave back credit; only on the link's current connection (older grants are stale). */
  granted(credit: Bodies["credit"], channel: Channel): void {
    const link = this.links.get(nodeIdOfPid(credit.pid));
    if (link?.carries(channel)) link.credits.grant(credit.pid, credit.n);
  }

  /** Every connection and the listener close. */
  async close(reason: string): Promise<void> {
    for (const link of this.links.values()) link.close(reason);
    for (const channel of this.inbound.keys()) channel.close(reason);
    await this.listener?.close();
  }
}
