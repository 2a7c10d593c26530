import type { Coordinator } from "../kernel/coordinator.ts";
import { fail } from "../kernel/errors.ts";
import { toBigint } from "../transport/wire.ts";
import type { Link } from "./link.ts";

/**
 * Ended processes whose release waits for a coordinator that is unreachable; past this the
 * oldest are forgotten (their locks and names stay at the coordinator until its restart).
 */
export const MAX_UNRELEASED = 100_000;

/**
 * The kernel's Coordinator on a node that is not the coordinator: every call goes there.
 * It knows which of this node's processes may hold locks, so that a node whose lease
 * lapsed can end them before the locks pass on (lease.ts).
 */
export class RemoteCoordinator implements Coordinator {
  private readonly link: () => Link;
  private readonly leaseValid: () => boolean;
  private readonly alive: (pid: number) => boolean;
  /** pid -> the locks it was granted and has not let go of; only live processes. */
  private readonly held = new Map<number, Set<string>>();
  /** Processes that made a lock or name call and have not ended: their end must reach the coordinator. */
  private readonly involved = new Set<number>();
  /** Involved processes that ended while the coordinator was unreachable, oldest first. */
  private readonly unreleased = new Set<number>();

  constructor(link: () => Link, leaseValid: () => boolean, alive: (pid: number) => boolean) {
    this.link = link;
    this.leaseValid = leaseValid;
    this.alive = alive;
  }

  async lock(name: string, pid: number, timeoutMs: number): Promise<bigint> {
    this.involve(pid);
    const token = toBigint((await this.link().call({ lock: { name, pid, timeoutMs } }, "token")).token);
    if (!this.leaseValid()) {
      // Granted, but this node may already count as down there: the lock is not safe to use.
      this.link().cast({ unlock: { name, pid } });
      fail("EHOSTUNREACH", `lock ${name} was granted after this node lost its lease with the coordinator`);
    }
    // Ended while the grant travelled: its releaseAll follows the lock call on the link.
    if (!this.alive(pid)) return token;
    let names = this.held.get(pid);
    if (!names) this.held.set(pid, (names = new Set()));
    names.add(name);
    return token;
  }

  async unlock(name: string, pid: number): Promise<void> {
    // No longer held from the moment it is let go of, whatever the answer.
    const names = this.held.get(pid);
    names?.delete(name);
    if (names?.size === 0) this.held.delete(pid);
    await this.link().call({ unlock: { name, pid } }, "empty");
  }

  /** This node's processes that may hold a lock. */
  holders(): number[] {
    return [...this.held.keys()];
  }

  async waitFor(pid: number, child: number): Promise<void> {
    await this.link().call({ waitFor: { pid, child } }, "empty");
  }

  /** One-way, and after the waitFor on the same link; with the coordinator gone, nothing to tell. */
  waitDone(pid: number): void {
    try {
      this.link().cast({ waitDone: { pid } });
    } catch {
      // The coordinator is down: its graph is gone with it.
    }
  }

  async register(name: string, pid: number): Promise<void> {
    this.involve(pid);
    await this.link().call({ register: { name, pid } }, "empty");
  }

  async unregister(name: string, pid: number): Promise<void> {
    await this.link().call({ unregister: { name, pid } }, "empty");
  }

  async whereis(name: string): Promise<number> {
    return (await this.link().call({ whereis: { name } }, "pid")).pid;
  }

  /**
   * One-way: it follows the process's earlier calls on the same link, so it lands after
   * them. With the coordinator declared down there is no lock table left to tell: this is
   * called as a process ends, which must not fail because the coordinator is gone.
   */
  releaseAll(pid: number): void {
    this.held.delete(pid);
    const involved = this.involved.delete(pid);
    let link: Link;
    try {
      link = this.link();
    } catch {
      // Told when the coordinator is back (reconnected), if it ever is.
      if (!involved) return;
      this.unreleased.add(pid);
      if (this.unreleased.size > MAX_UNRELEASED) this.unreleased.delete(this.unreleased.values().next().value!);
      return;
    }
    link.cast({ releaseAll: { pid } });
  }

  /** The coordinator is reachable again: the processes that ended meanwhile let go there. */
  reconnected(): void {
    const link = this.link();
    for (const pid of this.unreleased) link.cast({ releaseAll: { pid } });
    this.unreleased.clear();
  }

  private involve(pid: number): void {
    this.involved.add(pid);
  }
}
