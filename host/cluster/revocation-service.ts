import type { Authority } from "../auth/authority.ts";
import type { Revocation } from "../auth/revocations.ts";
import { fail } from "../kernel/errors.ts";
import type { Body } from "../transport/wire.ts";
import type { Revocations } from "../transport/wire-types.ts";
import type { Membership } from "./membership.ts";
import type { Peers } from "./peers.ts";

/** A revocation dated further ahead than this (clocks apart, or a typo) is EINVAL: it would refuse credentials not yet issued. */
export const MAX_REVOCATION_AHEAD_S = 300;

/** What revocation needs of its node (node.ts). */
export interface RevocationContext {
  readonly name: string;
  readonly authority: Authority;
  readonly members: Membership;
  readonly peers: Peers;
  readonly log: (line: string) => void;
  /** Unix milliseconds, for the check of a revocation's date. */
  readonly wallClock: () => number;
}

/**
 * The revocation list among the nodes. Each node keeps its own copy on disk
 * (auth/revocations.ts); a revoke reaches every alive member at once, and a node that
 * joins exchanges lists with the member it joins through, so one that was down or new
 * learns what it missed (and teaches what it kept). Serves the frames revoke and revoked.
 */
export class RevocationService {
  private readonly node: RevocationContext;

  constructor(node: RevocationContext) {
    this.node = node;
  }

  /** `revoke`, from an admin's CLI: take it here, then on every other alive member; the names of the nodes that took it. */
  async revoke(request: Revocations): Promise<Body> {
    const latest = Math.floor(this.node.wallClock() / 1000) + MAX_REVOCATION_AHEAD_S;
    const ahead = request.revoked.find((r) => r.before > latest);
    if (ahead) fail("EINVAL", `the revocation of '${ahead.name}' is dated ${new Date(ahead.before * 1000).toISOString()}, more than ${MAX_REVOCATION_AHEAD_S} s ahead of ${this.node.name}'s clock`);
    this.take(request.revoked, "an admin");
    const others = this.node.members.list().filter((m) => m.state === "alive" && m.name !== this.node.name);
    const answers = await Promise.allSettled(others.map((m) => this.node.peers.link(m.id).call({ revoked: request }, "revoked")));
    answers.forEach((answer, i) => {
      if (answer.status === "rejected") this.node.log(`revocation not taken by ${others[i]!.name}: ${(answer.reason as Error).message}`);
    });
    return { names: { names: [this.node.name, ...others.filter((_, i) => answers[i]!.status === "fulfilled").map((m) => m.name)] } };
  }

  /** `revoked`, from another node: merge its list, answer with this node's whole list. */
  merged(list: Revocations, from: string): Body {
    this.take(list.revoked, from);
    return { revoked: { revoked: this.node.authority.revocations.list() } };
  }

  /** Exchange lists with another node (the one this node joins through): `call` sends a revoked frame and answers its reply. */
  async exchange(peer: string, call: (body: Body) => Promise<Revocations>): Promise<void> {
    const theirs = await call({ revoked: { revoked: this.node.authority.revocations.list() } });
    this.take(theirs.revoked, peer);
  }

  private take(list: readonly Revocation[], from: string): void {
    const changed = this.node.authority.revocations.merge(list);
    if (changed.length === 0) return;
    const closed = this.node.peers.closeRevoked();
    const what = changed.map((r) => `${r.node ? "node" : "user"} '${r.name}' (issued up to ${new Date(r.before * 1000).toISOString()})`).join(", ");
    this.node.log(`revoked ${what}, from ${from}; closed ${closed} connection(s)`);
  }
}
