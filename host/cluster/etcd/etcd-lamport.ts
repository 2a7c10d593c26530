import type { IKeyValue, IRequestOp } from "etcd3";
import { MAX_LAMPORT, type LamportClock } from "../../kernel/journal/lamport.ts";
import type { EtcdSession } from "./etcd-session.ts";

/** Digits of a stamp in etcd: zero-padded, so etcd's byte order of values is their numeric order. */
const DIGITS = String(MAX_LAMPORT).length;
const encode = (time: number): Buffer => Buffer.from(String(time).padStart(DIGITS, "0"));

/**
 * Lamport time through etcd, for the hand-offs that pass there and not through a frame:
 * a lock released on one node and granted to a waiter on another (etcd-locks.ts), and a
 * name registered on one node and found by `whereis` on another (etcd-names.ts, whose
 * values carry the stamp themselves). For locks each node keeps one key (etcd-keys.ts
 * `lamport`), on its lease, with its clock's time at its newest release, written in the
 * same transaction as the release and only ever raised
 * (a compare on the padded value: two releases' transactions may land in either order).
 * A waiter that saw its predecessor's claim go reads the predecessor node's key in the
 * read that finds it holds the lock, and advances its own clock past it, so the grant's
 * journal record is above every record of the releaser before its unlock.
 */
export class EtcdLamport {
  private readonly session: EtcdSession;
  private readonly clock: LamportClock;
  private readonly key: Buffer;
  /** The key exists (created once, at 0): a compare on a missing key's value always fails. */
  private created: Promise<unknown> | undefined;

  constructor(session: EtcdSession, clock: LamportClock, nodeId: number) {
    this.session = session;
    this.clock = clock;
    this.key = session.keys.lamport(nodeId);
  }

  /**
   * The etcd call that deletes `claim` and stamps this node's key with the clock's time
   * now (not at the call's retries): above every event of the releasing process before it.
   */
  release(claim: Buffer): () => Promise<unknown> {
    const stamp = encode(this.clock.now);
    const del: IRequestOp = { request_delete_range: { key: claim } };
    return async () => {
      await this.ensureKey();
      return this.session.client.kv.txn({
        compare: [{ key: this.key, target: "Value", result: "Less", value: stamp }],
        success: [del, { request_put: { key: this.key, value: stamp, lease: this.session.leaseId } }],
        failure: [del],
      });
    };
  }

  /** The read of node `nodeId`'s stamp, to go in the transaction that finds a lock granted. */
  readOf(nodeId: number): IRequestOp {
    return { request_range: { key: this.session.keys.lamport(nodeId) } };
  }

  /** A stamp read by `readOf` (absent when that node is gone or never released): the clock moves past it. */
  observe(stamp: IKeyValue | undefined): void {
    if (stamp) this.observeText(stamp.value.toString(), stamp.key);
  }

  /** The clock's time now, as a stamp to write in a value (a registered name's). */
  stamp(): string {
    return encode(this.clock.now).toString();
  }

  /** A stamp read from `key` (a name's value without one, written before stamps were: none). */
  observeText(text: string | undefined, key: Buffer): void {
    if (text === undefined) return;
    const time = Number(text);
    if (text.length !== DIGITS || !Number.isSafeInteger(time) || time < 0 || time > MAX_LAMPORT) {
      this.session.log(`etcd: ignored a malformed Lamport stamp ${JSON.stringify(text.slice(0, 32))} at ${key.toString()}`);
      return;
    }
    this.clock.observe(time);
  }

  private ensureKey(): Promise<unknown> {
    this.created ??= this.session.client.kv
      .txn({
        compare: [{ key: this.key, target: "Create", result: "Equal", create_revision: 0 }],
        success: [{ request_put: { key: this.key, value: encode(0), lease: this.session.leaseId } }],
      })
      .catch((error: unknown) => {
        this.created = undefined;
        throw error;
      });
    return this.created;
  }
}
