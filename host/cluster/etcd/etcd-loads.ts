import type { Watcher } from "etcd3";
import type { LoopDelayFigures } from "../../kernel/loop-delay.ts";
import type { Membership } from "../membership.ts";
import { prefixEnd } from "./etcd-keys.ts";
import { withDeadline, type EtcdSession } from "./etcd-session.ts";

/** A node writes its load to etcd at most this often, and only when it changed. */
export const LOAD_PUBLISH_MS = 1000;

/** The load record: live processes and the event loop's delay (etcd-keys.ts `load`). */
interface LoadRecord {
  readonly load: number;
  readonly loopP99Us?: number;
  readonly loopMaxUs?: number;
}

function parseLoad(value: Buffer): LoadRecord | undefined {
  try {
    const record = JSON.parse(value.toString()) as Partial<LoadRecord>;
    if (!Number.isSafeInteger(record.load) || record.load! < 0) return undefined;
    return { load: record.load!, loopP99Us: Number(record.loopP99Us) || 0, loopMaxUs: Number(record.loopMaxUs) || 0 };
  } catch {
    return undefined;
  }
}

/**
 * Loads on etcd, for placement: each node puts its load under its own key on its lease
 * (so it goes with the node), at most once a LOAD_PUBLISH_MS and only when it changed,
 * and every node follows all of them with one watch into its member table. On the
 * embedded coordinator the same figures ride the heartbeats instead.
 */
export class EtcdLoads {
  private readonly session: EtcdSession;
  private readonly members: Membership;
  private readonly key: Buffer;
  private published = "";
  private publishedAt = -Infinity;
  private inFlight = false;
  private watcher: Watcher | undefined;
  private stopped = false;

  constructor(session: EtcdSession, members: Membership, nodeId: number) {
    this.session = session;
    this.members = members;
    this.key = session.keys.load(nodeId);
  }

  /** This node's load now; written if it changed and the last write is LOAD_PUBLISH_MS old. */
  publish(load: number, delay: LoopDelayFigures | undefined, now: number): void {
    const value = JSON.stringify({ load, ...delay });
    if (this.inFlight || value === this.published || now - this.publishedAt < LOAD_PUBLISH_MS) return;
    this.inFlight = true;
    this.publishedAt = now;
    this.session
      .call("load", () => this.session.client.kv.put({ key: this.key, value: Buffer.from(value), lease: this.session.leaseId }))
      .then(
        () => (this.published = value),
        () => {}, // the next beat tries again; placement only reads a stale load meanwhile
      )
      .finally(() => (this.inFlight = false));
  }

  /** Read every node's load, then follow them (again after etcd ends the watch). */
  async follow(now: () => number): Promise<void> {
    const prefix = this.session.keys.loadsPrefix;
    const listed = await this.session.call("loads", () => this.session.client.kv.range({ key: prefix, range_end: prefixEnd(prefix) }));
    for (const kv of listed.kvs) this.heard(kv.key, kv.value, now());
    const watcher = await this.session.call("loads watch", () => this.session.client.watch().prefix(prefix).startRevision(String(BigInt(listed.header.revision) + 1n)).create());
    if (this.stopped) return void watcher.cancel().catch(() => {});
    this.watcher = watcher;
    watcher.on("put", (kv) => this.heard(kv.key, kv.value, now()));
    watcher.on("error", () => {
      void watcher.cancel().catch(() => {});
      const again = (): void =>
        void this.follow(now).catch(() => {
          if (!this.stopped && this.session.state === "alive") setTimeout(again, 1000).unref();
        });
      again();
    });
  }

  /** A load record: the member's load (a record that does not parse, or of a member down, is ignored). */
  private heard(key: Buffer, value: Buffer, now: number): void {
    const record = parseLoad(value);
    if (!record) return;
    this.members.heard(this.session.keys.loadId(key), record.load, now, { loopP99Us: record.loopP99Us ?? 0, loopMaxUs: record.loopMaxUs ?? 0 });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.watcher) await withDeadline(this.watcher.cancel(), this.session.timing.callTimeoutMs, "loads watch cancel").catch(() => {});
  }
}
