import type { Member, MemberState, Members } from "../transport/wire.ts";
import { toNumber } from "../transport/wire.ts";
import type { LoopDelayFigures } from "../kernel/loop-delay.ts";
import { invariant } from "../kernel/invariant.ts";

/** A member's state changed: what the node must act on. */
export interface Transition {
  readonly member: Member;
  readonly from: MemberState | undefined;
}

/**
 * Who is in the cluster, as this node knows it. The coordinator keeps the truth: it hears
 * every member's heartbeat, marks one silent for a heartbeat timeout `suspect` and for
 * one and a half `down`, and sends the list out; the others apply what it sends.
 * A node id is never handed out twice, so a restarted node is a new incarnation.
 */
export class Membership {
  readonly timeoutMs: number;
  private readonly byId = new Map<number, Member>();
  private readonly lastHeard = new Map<number, number>();
  private version = 0;

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs;
  }

  get(id: number): Member | undefined {
    return this.byId.get(id);
  }

  /** The live incarnation named `name` (a down one only if no other). */
  byName(name: string): Member | undefined {
    let found: Member | undefined;
    for (const m of this.byId.values()) if (m.name === name && (!found || m.state !== "down")) found = m;
    return found;
  }

  list(): Member[] {
    return [...this.byId.values()].sort((a, b) => a.id - b.id);
  }

  snapshot(): Members {
    return { version: this.version, members: this.list() };
  }

  /** Coordinator: a member joins (or this node founds the cluster). */
  admit(member: Member, now: number): Transition[] {
    invariant(!this.byId.has(member.id), () => `node id ${member.id} handed out twice`);
    invariant(member.state === "alive", () => `node ${member.id} admitted ${member.state}`);
    const changes: Transition[] = [];
    const old = this.byName(member.name);
    if (old && old.state !== "down") changes.push(this.set(old, "down"));
    this.byId.set(member.id, member);
    this.lastHeard.set(member.id, now);
    changes.push({ member, from: undefined });
    this.version++;
    this.check();
    return changes;
  }

  /** Coordinator: a heartbeat. Returns false for a member already declared down. */
  heard(id: number, load: number, now: number, delay: LoopDelayFigures = { loopP99Us: 0, loopMaxUs: 0 }): boolean {
    const member = this.byId.get(id);
    if (!member || member.state === "down") return false;
    member.load = load;
    member.loopP99Us = delay.loopP99Us;
    member.loopMaxUs = delay.loopMaxUs;
    this.lastHeard.set(id, now);
    if (member.state === "suspect") {
      this.set(member, "alive");
      this.version++;
    }
    return true;
  }

  /** Coordinator: mark the silent. `self` is never suspected. */
  sweep(self: number, now: number): Transition[] {
    const changes: Transition[] = [];
    for (const member of this.byId.values()) {
      if (member.id === self || member.state === "down") continue;
      const silent = now - (this.lastHeard.get(member.id) ?? now);
      if (silent > this.timeoutMs * 1.5) changes.push(this.set(member, "down"));
      else if (silent > this.timeoutMs && member.state === "alive") changes.push(this.set(member, "suspect"));
    }
    if (changes.length > 0) this.version++;
    this.check();
    return changes;
  }

  /**
   * A member (not the coordinator): take the coordinator's list; newer versions only. An
   * entry this node has down stays down, except the sender's own entry: a member's verdict
   * on the coordinator is its own (only the coordinator declares nodes down for the
   * cluster), so a coordinator that speaks again, alive in its own list, is taken back.
   */
  apply(list: Members, sender: number): Transition[] {
    const version = toNumber(list.version);
    if (version < this.version) return [];
    this.version = version;
    const changes: Transition[] = [];
    for (const incoming of list.members) {
      const known = this.byId.get(incoming.id);
      const back = known?.state === "down" && incoming.id === sender && incoming.state !== "down";
      if (known?.state === "down" && !back) continue;
      const member: Member = { ...incoming, labels: { ...incoming.labels } };
      this.byId.set(member.id, member);
      if (known?.state !== member.state) changes.push({ member, from: known?.state });
    }
    this.check();
    return changes;
  }

  /**
   * This node's own event loop stalled: the others' silence over that time is its own
   * deafness, so every member not already down gets a fresh timeout from `now`.
   */
  forgive(now: number): void {
    for (const member of this.byId.values()) if (member.state !== "down") this.lastHeard.set(member.id, now);
  }

  /** Mark one member down here (a member deciding the coordinator is gone). */
  markDown(id: number): Transition[] {
    const member = this.byId.get(id);
    return member && member.state !== "down" ? [this.set(member, "down")] : [];
  }

  /**
   * After every change of the table: each entry is filed under its own id, and a name has
   * at most one incarnation not down. O(members), at
   * membership changes only (a heartbeat of a known member changes no more than its entry).
   */
  private check(): void {
    const live = new Set<string>();
    for (const [id, member] of this.byId) {
      invariant(member.id === id, () => `member table entry ${id} holds node ${member.id}`);
      if (member.state === "down") continue;
      invariant(!live.has(member.name), () => `two live incarnations of ${member.name}`);
      live.add(member.name);
    }
  }

  private set(member: Member, state: MemberState): Transition {
    const from = member.state;
    // An incarnation declared down is gone for good: it comes back only as a new node id
    // (`apply` alone takes back the coordinator, from its own word).
    invariant(from !== "down", () => `node ${member.id} back from down to ${state}`);
    member.state = state;
    return { member, from };
  }
}
