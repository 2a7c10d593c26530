import { fail, SysError } from "./errors.ts";
import type { Clock, ClockTimer } from "../clock/clock.ts";
import { invariant } from "./invariant.ts";
import { closesCycle } from "./wait-for.ts";

interface Waiter {
  readonly pid: number;
  readonly grant: (token: bigint) => void;
  readonly refuse: (error: SysError) => void;
  timer: ClockTimer | undefined;
}

interface LockState {
  holder: number;
  /** The holder's token (0 while free). */
  token: bigint;
  readonly waiters: Waiter[];
}

const MAX_NAME = 1024;
/** Lock names held or waited for at once, over every process the table serves. */
export const MAX_LOCK_NAMES = 100_000;

export function checkLockName(name: string): void {
  if (name.length === 0 || name.length > MAX_NAME) fail("EINVAL", `lock name must be 1..${MAX_NAME} bytes`);
}

/**
 * Named locks with fencing tokens, FIFO hand-off and deadlock detection over the
 * wait-for graph: a process waits for the holder of the lock it waits on, or for the
 * child it waits on (`wait`). A process waits for one thing at a time, so the graph is a
 * chain from each process and a cycle is found by walking it. recv is not in the graph:
 * any process may send the message a receiver waits for, so no edge names who it waits for.
 * `timeoutMs` 0 is a try; negative waits forever.
 */
export class LockTable {
  /** Names held or waited for; a name nobody holds or waits for is forgotten. */
  private readonly locks = new Map<string, LockState>();
  /**
   * The newest token handed out, for any name: one counter, as etcd's revision, so a
   * name can be forgotten once free and its next token is still larger than any before.
   */
  private lastToken = 0n;
  private readonly waitingOn = new Map<number, string>();
  private readonly held = new Map<number, Set<string>>();
  /** pid -> the child it waits for in `wait`. */
  private readonly waitingFor = new Map<number, number>();
  private readonly clock: Clock;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  acquire(name: string, pid: number, timeoutMs: number): bigint | Promise<bigint> {
    checkLockName(name);
    let state = this.locks.get(name);
    if (!state) {
      if (this.locks.size >= MAX_LOCK_NAMES) fail("ENOLCK", `${MAX_LOCK_NAMES} lock names are held or waited for`);
      state = { holder: 0, token: 0n, waiters: [] };
      this.locks.set(name, state);
    }
    if (state.holder === 0) return this.grant(name, state, pid);
    if (this.wouldDeadlock(pid, state.holder)) fail("EDEADLK", `waiting for ${name}, held by ${state.holder}, closes a wait-for cycle`);
    if (timeoutMs === 0) fail("EBUSY", `${name} is held by ${state.holder}`);
    return new Promise<bigint>((grant, refuse) => {
      const waiter: Waiter = { pid, grant, refuse, timer: undefined };
      if (timeoutMs > 0) {
        waiter.timer = this.clock.setTimeout(() => {
          this.dropWaiter(name, waiter);
          refuse(new SysError("ETIMEDOUT", `lock ${name}`));
        }, timeoutMs);
      }
      state.waiters.push(waiter);
      this.waitingOn.set(pid, name);
    });
  }

  /** `pid` waits for its child `child`: EDEADLK, and no edge, if that closes a cycle. */
  waitFor(pid: number, child: number): void {
    if (this.waitingOn.has(pid)) fail("EINVAL", `process ${pid} waits for a lock`);
    if (this.wouldDeadlock(pid, child)) fail("EDEADLK", `waiting for child ${child} closes a wait-for cycle: it waits, through others, for a lock ${pid} holds`);
    this.waitingFor.set(pid, child);
  }

  waitDone(pid: number): void {
    this.waitingFor.delete(pid);
  }

  release(name: string, pid: number): void {
    const state = this.locks.get(name);
    if (!state || state.holder !== pid) fail("EPERM", `${name} is not held by ${pid}`);
    this.handOff(name, state);
  }

  releaseAll(pid: number): void {
    this.waitingFor.delete(pid);
    const waitName = this.waitingOn.get(pid);
    if (waitName !== undefined) {
      const state = this.locks.get(waitName);
      const waiter = state?.waiters.find((w) => w.pid === pid);
      if (waiter) this.dropWaiter(waitName, waiter);
    }
    for (const name of [...(this.held.get(pid) ?? [])]) {
      this.handOff(name, this.locks.get(name)!);
    }
    invariant(!this.held.has(pid) && !this.waitingOn.has(pid) && !this.waitingFor.has(pid), () => `process ${pid} still holds or waits after releasing all`);
  }

  /** Locks held and processes waiting, for the node's metrics. */
  counts(): { held: number; waiting: number } {
    let held = 0;
    for (const names of this.held.values()) held += names.size;
    return { held, waiting: this.waitingOn.size };
  }

  /** Up to `limit` held locks with their holder, token and waiters, for the dashboard. */
  list(limit: number): { name: string; holder: number; token: bigint; waiting: number }[] {
    const out = [];
    for (const [name, state] of this.locks) {
      if (out.length >= limit) break;
      if (state.holder !== 0) out.push({ name, holder: state.holder, token: state.token, waiting: state.waiters.length });
    }
    return out;
  }

  holder(name: string): number {
    return this.locks.get(name)?.holder ?? 0;
  }

  private grant(name: string, state: LockState, pid: number): bigint {
    invariant(state.holder === 0, () => `lock ${name} granted to ${pid} while ${state.holder} holds it`);
    state.holder = pid;
    this.lastToken += 1n;
    state.token = this.lastToken;
    let names = this.held.get(pid);
    if (!names) this.held.set(pid, (names = new Set()));
    names.add(name);
    return state.token;
  }

  private handOff(name: string, state: LockState): void {
    const names = this.held.get(state.holder);
    invariant(names !== undefined && names.has(name), () => `lock ${name} handed off from ${state.holder}, which did not hold it`);
    names.delete(name);
    if (names.size === 0) this.held.delete(state.holder);
    state.holder = 0;
    state.token = 0n;
    const next = state.waiters.shift();
    if (!next) return void this.locks.delete(name);
    if (next.timer) this.clock.clearTimeout(next.timer);
    this.waitingOn.delete(next.pid);
    next.grant(this.grant(name, state, next.pid));
  }

  private dropWaiter(name: string, waiter: Waiter): void {
    const state = this.locks.get(name);
    if (!state) return;
    const i = state.waiters.indexOf(waiter);
    if (i >= 0) state.waiters.splice(i, 1);
    if (waiter.timer) this.clock.clearTimeout(waiter.timer);
    this.waitingOn.delete(waiter.pid);
    invariant(state.holder !== 0, () => `lock ${name} is free while ${waiter.pid} waited for it`);
  }

  /** Whether `pid` waiting for `next` closes a cycle. */
  private wouldDeadlock(pid: number, next: number): boolean {
    return closesCycle(pid, next, (p) => this.waitsFor(p), this.waitingOn.size + this.waitingFor.size);
  }

  /** Whom `pid` waits for: its lock's holder, or its child. */
  private waitsFor(pid: number): number | undefined {
    const lock = this.waitingOn.get(pid);
    return lock === undefined ? this.waitingFor.get(pid) : this.locks.get(lock)?.holder;
  }
}
