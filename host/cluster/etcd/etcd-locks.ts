import { invariant } from "../../kernel/invariant.ts";
import type { IKeyValue } from "etcd3";
import { fail, SysError } from "../../kernel/errors.ts";
import { checkLockName } from "../../kernel/lock-table.ts";
import { prefixEnd } from "./etcd-keys.ts";
import type { EtcdSession } from "./etcd-session.ts";

/** Lock names whose newest token this node remembers, to assert that tokens only grow. */
const TOKENS_KEPT = 10_000;

/** A lock call in progress: the process may end while it is out at etcd. */
interface Acquiring {
  readonly name: string;
  ended: boolean;
  /** Set while it waits on a watch. */
  cancelWait: ((error: SysError) => void) | undefined;
}

/**
 * Locks on etcd, by etcd's own recipe, for the processes of this node. A process's claim
 * is a key under the lock's prefix on the node's lease; the claim with the lowest create
 * revision holds the lock, and that revision is its fencing token (etcd's revision only
 * grows, so each holder's token is larger than every earlier one's). A waiter watches
 * only the claim just before its own, so a release wakes one waiter, not all.
 * No wait-for-cycle detection across nodes: a cycle ends with the waits' timeouts. Within
 * this node, `waitsFor` gives EtcdCoordinator the local holder a lock call waits for.
 */
export class EtcdLocks {
  private readonly session: EtcdSession;
  /** name -> the local pid holding it (one holder per lock, as this node sees it). */
  private readonly holders = new Map<string, number>();
  private readonly heldBy = new Map<number, Set<string>>();
  private readonly acquiring = new Map<number, Acquiring>();
  private readonly newestToken = new Map<string, bigint>();

  constructor(session: EtcdSession) {
    this.session = session;
  }

  async acquire(name: string, pid: number, timeoutMs: number): Promise<bigint> {
    checkLockName(name);
    if (this.heldBy.get(pid)?.has(name)) fail("EDEADLK", `${pid} already holds ${name}`);
    if (this.acquiring.has(pid)) fail("EDEADLK", `${pid} is already waiting for a lock`);
    const call: Acquiring = { name, ended: false, cancelWait: undefined };
    this.acquiring.set(pid, call);
    const claim = this.session.keys.lockEntry(name, pid);
    try {
      const created = await this.session.call(`lock ${name}`, () =>
        this.session.client.kv.txn({
          compare: [{ key: claim, target: "Create", result: "Equal", create_revision: 0 }],
          success: [{ request_put: { key: claim, value: Buffer.from(String(pid)), lease: this.session.leaseId } }],
          failure: [{ request_range: { key: claim } }],
        }),
      );
      // A claim already there on this node's lease is this call's own, made by an attempt
      // whose answer was lost (the local checks above rule out any other).
      const existing = created.succeeded ? undefined : created.responses[0]?.response_range.kvs[0];
      if (existing && existing.lease !== this.session.leaseId) {
        this.acquiring.delete(pid);
        fail("EDEADLK", `${pid} already claims ${name}`);
      }
      const revision = BigInt(existing ? existing.create_revision : created.header.revision);
      await this.waitForPredecessors(call, pid, revision, timeoutMs);
      // Granted only under a trusted lease: past the fence time etcd may already have passed it on.
      if (!this.session.guard()) fail("EHOSTUNREACH", `etcd lease lost while ${pid} waited for ${name}`);
      return this.granted(name, pid, revision);
    } catch (error) {
      // Whatever failed (a timeout may even hide a claim etcd did make), the claim must go.
      if (this.acquiring.has(pid)) this.dropClaim(name, pid);
      throw error;
    } finally {
      this.acquiring.delete(pid);
    }
  }

  /** Until no claim older than ours is left: then ours holds the lock. */
  private async waitForPredecessors(call: Acquiring, pid: number, revision: bigint, timeoutMs: number): Promise<void> {
    const deadline = timeoutMs > 0 ? performance.now() + timeoutMs : Infinity;
    const prefix = this.session.keys.lockPrefix(call.name);
    for (;;) {
      if (call.ended) fail("ESRCH", `process ${pid} ended while it waited for a lock`);
      const before = await this.session.call(`lock ${call.name}`, () =>
        this.session.client.kv.range({ key: prefix, range_end: prefixEnd(prefix), max_create_revision: String(revision - 1n), sort_target: "Create", sort_order: "Descend", limit: 1 }),
      );
      if (call.ended) fail("ESRCH", `process ${pid} ended while it waited for a lock`);
      const predecessor = before.kvs[0];
      if (!predecessor) return;
      if (timeoutMs === 0) fail("EBUSY", `${call.name} is held by ${predecessor.value.toString()}`);
      await this.untilDeleted(call, predecessor, BigInt(before.header.revision) + 1n, deadline);
    }
  }

  /** Watch one key from `fromRevision` until it is deleted, the wait times out, or the process ends. */
  private async untilDeleted(call: Acquiring, predecessor: IKeyValue, fromRevision: bigint, deadline: number): Promise<void> {
    const watcher = await this.session.call(`lock ${call.name}`, () => this.session.client.watch().key(predecessor.key).only("delete").startRevision(String(fromRevision)).create());
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        watcher.on("delete", () => resolve());
        watcher.on("error", (error) => reject(new SysError("EHOSTUNREACH", `etcd watch on ${call.name}: ${error.message}`)));
        call.cancelWait = reject;
        if (call.ended) reject(new SysError("ESRCH", "process ended"));
        if (deadline !== Infinity) timer = setTimeout(() => reject(new SysError("ETIMEDOUT", `lock ${call.name}`)), Math.max(0, deadline - performance.now()));
      });
    } finally {
      clearTimeout(timer);
      call.cancelWait = undefined;
      void watcher.cancel().catch(() => {});
    }
  }

  /** The process of this node holding `name`, if one does. */
  localHolder(name: string): number | undefined {
    return this.holders.get(name);
  }

  /** The process of this node that holds the lock `pid` is asking for, if `pid` asks and one does. */
  waitsFor(pid: number): number | undefined {
    const call = this.acquiring.get(pid);
    return call && this.holders.get(call.name);
  }

  /** Lock calls in progress here: the edges waitsFor can follow. */
  get waiting(): number {
    return this.acquiring.size;
  }

  private granted(name: string, pid: number, token: bigint): bigint {
    const holder = this.holders.get(name);
    invariant(holder === undefined, `lock ${name} granted to ${pid} while ${holder} holds it here`);
    const newest = this.newestToken.get(name) ?? 0n;
    invariant(token > newest, `lock ${name}: token ${token} after ${newest}`);
    this.newestToken.delete(name);
    this.newestToken.set(name, token);
    if (this.newestToken.size > TOKENS_KEPT) this.newestToken.delete(this.newestToken.keys().next().value!);
    this.holders.set(name, pid);
    let names = this.heldBy.get(pid);
    if (!names) this.heldBy.set(pid, (names = new Set()));
    names.add(name);
    return token;
  }

  async release(name: string, pid: number): Promise<void> {
    if (this.holders.get(name) !== pid) fail("EPERM", `${name} is not held by ${pid}`);
    await this.session.call(`unlock ${name}`, () => this.session.client.kv.deleteRange({ key: this.session.keys.lockEntry(name, pid) }));
    this.forget(name, pid);
  }

  private forget(name: string, pid: number): void {
    invariant(this.holders.get(name) === pid, () => `lock ${name} released by ${pid}, held by ${this.holders.get(name)}`);
    this.holders.delete(name);
    const names = this.heldBy.get(pid)!;
    names.delete(name);
    if (names.size === 0) this.heldBy.delete(pid);
  }

  /** The process ended: its wait is answered with ESRCH, and its claims go. */
  releaseAll(pid: number): void {
    const call = this.acquiring.get(pid);
    if (call) {
      call.ended = true;
      call.cancelWait?.(new SysError("ESRCH", `process ${pid} ended while it waited for a lock`));
    }
    for (const name of [...(this.heldBy.get(pid) ?? [])]) {
      this.forget(name, pid);
      this.dropClaim(name, pid);
    }
  }

  /** Delete a claim no longer wanted (etcd-session.ts `eventually` says why that is enough). */
  private dropClaim(name: string, pid: number): void {
    const claim = this.session.keys.lockEntry(name, pid);
    this.session.eventually(`drop claim on ${name}`, () => this.session.client.kv.deleteRange({ key: claim }));
  }
}
