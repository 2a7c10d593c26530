import { invariant } from "../../kernel/invariant.ts";
import type { Watcher } from "etcd3";
import { MAX_NODE_ID } from "../../kernel/kernel.ts";
import type { Member } from "../../transport/wire.ts";
import type { Membership, Transition } from "../membership.ts";
import { prefixEnd } from "./etcd-keys.ts";
import { withDeadline, type EtcdSession } from "./etcd-session.ts";

/** What a node publishes about itself in its member record. */
export interface MemberRecord {
  readonly name: string;
  readonly url: string;
  readonly labels: Record<string, string>;
}

/** Bumps of the id counter lost to other joiners before this one gives up. */
const ID_ATTEMPTS = 100;

function parseRecord(id: number, value: Buffer): Member | undefined {
  try {
    const record = JSON.parse(value.toString()) as Partial<MemberRecord>;
    if (typeof record.name !== "string" || typeof record.url !== "string") return undefined;
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(record.labels ?? {})) if (typeof v === "string") labels[k] = v;
    return { id, name: record.name, url: record.url, state: "alive", labels, load: 0 };
  } catch {
    return undefined;
  }
}

/**
 * Membership from etcd: a node takes a fresh id from the counter (ids are never reused,
 * so a restart is a new incarnation), puts its record on its lease, and learns of every
 * change from one watch on the members prefix. A record that vanishes is a node down,
 * its own included (then its lease is gone and it must stop).
 */
export class EtcdMembership {
  readonly nodeId: number;
  private readonly session: EtcdSession;
  private readonly members: Membership;
  private watcher: Watcher | undefined;

  private constructor(session: EtcdSession, members: Membership, nodeId: number) {
    this.session = session;
    this.members = members;
    this.nodeId = nodeId;
  }

  /** Take an id and publish this node's record; `watch` then starts the updates. */
  static async join(session: EtcdSession, members: Membership, self: MemberRecord): Promise<EtcdMembership> {
    const nodeId = await EtcdMembership.nextId(session);
    const key = session.keys.member(nodeId);
    await session.call("member record", () => session.client.kv.put({ key, value: Buffer.from(JSON.stringify(self)), lease: session.leaseId }));
    return new EtcdMembership(session, members, nodeId);
  }

  /** The counter + 1, written only if no one bumped it meanwhile. */
  private static async nextId(session: EtcdSession): Promise<number> {
    const key = session.keys.nodeIdCounter;
    for (let attempt = 0; attempt < ID_ATTEMPTS; attempt++) {
      const current = (await session.call("node id", () => session.client.kv.range({ key }))).kvs[0];
      const id = Number(current?.value.toString() ?? "0") + 1;
      if (id > MAX_NODE_ID) throw new Error(`node ids exhausted in etcd (${MAX_NODE_ID} incarnations); clear ${key.toString()} only with every node stopped`);
      const bumped = await session.call("node id", () =>
        session.client.kv.txn({
          compare: [{ key, target: "Mod", result: "Equal", mod_revision: current?.mod_revision ?? 0 }],
          success: [{ request_put: { key, value: Buffer.from(String(id)) } }],
        }),
      );
      if (bumped.succeeded) return id;
    }
    throw new Error(`could not take a node id in ${ID_ATTEMPTS} attempts`);
  }

  /**
   * Load the member list, then follow it from the revision after the one read, so no
   * change falls between the two. `onChange` gets the transitions to act on.
   */
  async watch(now: () => number, onChange: (changes: Transition[]) => void): Promise<void> {
    await this.follow(now, onChange);
    invariant(this.members.get(this.nodeId)?.state === "alive", `node ${this.nodeId}'s own record is missing from etcd`);
  }

  /**
   * List, reconcile (a known member missing from the list went down meanwhile, this node
   * included), and watch. etcd cancels a watch it cannot serve (its start revision was
   * compacted away): then this runs again, until it succeeds or the lease is gone.
   */
  private async follow(now: () => number, onChange: (changes: Transition[]) => void): Promise<void> {
    const prefix = this.session.keys.membersPrefix;
    const listed = await this.session.call("members", () => this.session.client.kv.range({ key: prefix, range_end: prefixEnd(prefix) }));
    const present = new Set<number>();
    const changes: Transition[] = [];
    for (const kv of listed.kvs) {
      const id = this.session.keys.memberId(kv.key);
      const member = parseRecord(id, kv.value);
      present.add(id);
      if (member && !this.members.get(id)) changes.push(...this.members.admit(member, now()));
    }
    for (const known of this.members.list()) if (known.state !== "down" && !present.has(known.id)) changes.push(...this.members.markDown(known.id));
    onChange(changes);
    const watcher = await this.session.call("members watch", () => this.session.client.watch().prefix(prefix).startRevision(String(BigInt(listed.header.revision) + 1n)).create());
    this.watcher = watcher;
    watcher.on("put", (kv) => {
      const id = this.session.keys.memberId(kv.key);
      const member = parseRecord(id, kv.value);
      if (member && !this.members.get(id)) onChange(this.members.admit(member, now()));
    });
    watcher.on("delete", (kv) => onChange(this.members.markDown(this.session.keys.memberId(kv.key))));
    watcher.on("error", (error) => {
      this.session.log(`etcd ended the members watch (${error.message}): listing again`);
      void watcher.cancel().catch(() => {});
      const again = (): void =>
        void this.follow(now, onChange).catch(() => {
          if (this.session.state === "alive") setTimeout(again, 1000).unref();
        });
      again();
    });
  }

  /** End the watch; a stream that no longer answers does not hold the node's stop up. */
  async stop(): Promise<void> {
    if (this.watcher) await withDeadline(this.watcher.cancel(), this.session.timing.callTimeoutMs, "members watch cancel").catch(() => {});
  }
}
