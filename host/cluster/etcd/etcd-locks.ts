import { invariant } from "../../kernel/invariant.ts";
import type { IKeyValue, IRequestOp } from "etcd3";
import { fail, SysError } from "../../kernel/errors.ts";
import { checkLockName } from "../../kernel/lock-table.ts";
import { nodeIdOfPid } from "../../kernel/pid.ts";
import type { EtcdLamport } from "./etcd-lamport.ts";
import { prefixEnd } from "./etcd-keys.ts";
import type { EtcdSession } from "./etcd-session.ts";
import type { EtcdWaitGraph } from "./etcd-wait-graph.ts";
import type { ProcessWrites } from "./process-writes.ts";

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
 * A waiter waits for that claim's process: its edge in the wait-for graph (etcd-wait-graph.ts),
 * written, and checked for a cycle, each time the claim it watches changes. Following
 * claims instead of the holder keeps an edge true while the queue moves: a waiter still
 * reaches the holder through the claims ahead of it. A release stamps the releasing
 * node's Lamport time in etcd and the grant reads it (etcd-lamport.ts).
 */
export class EtcdLocks {
  private readonly session: EtcdSession;
  /** name -> the local pid holding it (one holder per lock, as this node sees it). */
  private readonly holders = new Map<string, number>();
  private readonly heldBy = new Map<number, Set<string>>();
  private readonly acquiring = new Map<number, Acquiring>();
  private readonly newestToken = new Map<string, bigint>();
  private readonly graph: EtcdWaitGraph;
  private readonly lamport: EtcdLamport;
  private readonly writes: ProcessWrites;

  constructor(session: EtcdSession, graph: EtcdWaitGraph, lamport: EtcdLamport, writes: ProcessWrites) {
    this.session = session;
    this.graph = graph;
    this.lamport = lamport;
    this.writes = writes;
  }

  async acquire(name: string, pid: number, timeoutMs: number): Promise<bigint> {
    checkLockName(name);
    if (this.heldBy.get(pid)?.has(name)) fail("EDEADLK", `${pid} already holds ${name}`);
    if (this.acquiring.has(pid)) fail("EDEADLK", `${pid} is already waiting for a lock`);
    const call: Acquiring = { name, ended: false, cancelWait: undefined };
    this.acquiring.set(pid, call);
    const claim = this.session.keys.lockEntry(name, pid);
    try {
      // After this process's earlier writes: an unlock's delete of this very key may still be out.
      const created = await this.writes.run(pid, () =>
        this.session.call(`lock ${name}`, () =>
          this.session.client.kv.txn({
            compare: [{ key: claim, target: "Create", result: "Equal", create_revision: 0 }],
            success: [{ request_put: { key: claim, value: Buffer.from(String(pid)), lease: this.session.leaseId } }],
            failure: [{ request_range: { key: claim } }],
          }),
        ),
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
      if (this.acquiring.has(pid)) this.dropClaims([name], pid);
      throw error;
    } finally {
      this.acquiring.delete(pid);
      this.graph.withdraw(pid);
    }
  }

  /**
   * Until no claim older than ours is left: then ours holds the lock. Each claim ahead
   * that it waits on is its wait-for edge; the one that went last is the releaser, whose
   * node's Lamport stamp comes in the same read that finds the lock ours.
   */
  private async waitForPredecessors(call: Acquiring, pid: number, revision: bigint, timeoutMs: number): Promise<void> {
    const deadline = timeoutMs > 0 ? performance.now() + timeoutMs : Infinity;
    const prefix = this.session.keys.lockPrefix(call.name);
    let watched: number | undefined;
    for (;;) {
      if (call.ended) fail("ESRCH", `process ${pid} ended while it waited for a lock`);
      const ahead: IRequestOp = { request_range: { key: prefix, range_end: prefixEnd(prefix), max_create_revision: String(revision - 1n), sort_target: "Create", sort_order: "Descend", limit: "1" } };
      const read = await this.session.call(`lock ${call.name}`, () =>
        this.session.client.kv.txn({ compare: [], success: watched === undefined ? [ahead] : [ahead, this.lamport.readOf(nodeIdOfPid(watched))] }),
      );
      if (call.ended) fail("ESRCH", `process ${pid} ended while it waited for a lock`);
      const predecessor = read.responses[0]?.response_range.kvs[0];
      if (!predecessor) {
        this.lamport.observe(read.responses[1]?.response_range.kvs[0]);
        return;
      }
      if (timeoutMs === 0) fail("EBUSY", `${call.name} is held by ${predecessor.value.toString()}`);
      const next = claimant(predecessor);
      if (next !== undefined && next !== pid && next !== watched) {
        if (await this.graph.closesCycle(pid, next, predecessor.key)) fail("EDEADLK", `waiting for ${call.name} behind ${next} closes a wait-for cycle`);
        watched = next;
      }
      await this.untilDeleted(call, predecessor, BigInt(read.header.revision) + 1n, deadline);
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

  /**
   * Answered once etcd has deleted the claim, so whatever the process does next (a
   * message to another node that then tries the lock, its next wait-for edge) comes
   * after. The delete carries the clock's time now, above everything the process did
   * before (etcd-lamport.ts).
   */
  async release(name: string, pid: number): Promise<void> {
    if (this.holders.get(name) !== pid) fail("EPERM", `${name} is not held by ${pid}`);
    await this.session.call(`unlock ${name}`, this.lamport.release(this.session.keys.lockEntry(name, pid)));
    // Unless the process ended while the delete was out: releaseAll forgot the lock then.
    if (this.holders.get(name) === pid) this.forget(name, pid);
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
    const held = [...(this.heldBy.get(pid) ?? [])];
    for (const name of held) this.forget(name, pid);
    this.dropClaims(held, pid);
  }

  /**
   * Delete claims of `pid` no longer wanted (etcd-session.ts `eventually` says why that is
   * enough): together, as one of the process's ordered writes.
   */
  private dropClaims(names: readonly string[], pid: number): void {
    if (names.length === 0) return;
    const releases = names.map((name) => ({ name, release: this.lamport.release(this.session.keys.lockEntry(name, pid)) }));
    void this.writes.run(pid, () => Promise.all(releases.map(({ name, release }) => this.session.eventually(`drop claim on ${name}`, release))));
  }
}

/** The pid of a claim (its value), if it is one. */
function claimant(claim: IKeyValue): number | undefined {
  const pid = Number(claim.value.toString());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}
