import { FLAGS } from "../../abi/abi.ts";
import { encodeDown } from "./down-message.ts";
import { exitInfo, fail, type ExitInfo } from "./errors.ts";
import { nodeIdOfPid, type Kernel } from "./kernel.ts";
import type { Process } from "./process.ts";
import { checkInScope, type Asker } from "./process-scope.ts";

const TAG_EXIT = FLAGS.special.TAG_EXIT.value;
export const MAX_LINKS = FLAGS.limits.MAX_LINKS.value;

/** One process's links (Erlang's): its partners, whether it traps exits, and spawns it links to. */
export class LinkState {
  /** The pids it is linked to, on any node. */
  readonly partners = new Set<number>();
  /** trap_exit: a partner's end is a TAG_EXIT message instead of its own end. */
  trapExit = false;
  /** Remote spawns with SPAWN_LINK whose reply (the child's pid) has not come yet. */
  pendingSpawns = 0;
  /**
   * While a linked remote spawn is pending, exit signals from pids it is not linked to: the
   * child's end can overtake the spawn's reply (the two connections of a pair), and is
   * acted on when the reply names it. Emptied when no spawn is pending; at most MAX_LINKS.
   */
  readonly early = new Map<number, ExitInfo>();

  /** Links held and promised, against MAX_LINKS. */
  get count(): number {
    return this.partners.size + this.pendingSpawns;
  }

  checkInvariants(pid: number): void {
    if (this.count > MAX_LINKS) throw new Error(`process ${pid} has ${this.count} links, over MAX_LINKS`);
    if (this.early.size > MAX_LINKS) throw new Error(`process ${pid} holds ${this.early.size} early exit signals, over MAX_LINKS`);
    if (this.pendingSpawns < 0) throw new Error(`process ${pid} has ${this.pendingSpawns} pending linked spawns`);
    if (this.pendingSpawns === 0 && this.early.size > 0) throw new Error(`process ${pid} keeps early exit signals with no spawn pending`);
    if (this.partners.has(pid)) throw new Error(`process ${pid} is linked to itself`);
  }
}

/** EAGAIN if `proc` has MAX_LINKS links (held and promised). */
export function checkRoom(proc: Process): void {
  if (proc.links.count >= MAX_LINKS) fail("EAGAIN", `process ${proc.pid} has ${proc.links.count} links, the limit (MAX_LINKS)`);
}

/**
 * Links as in Erlang, for one node's kernel: both ways, idempotent, and when a process
 * ends abnormally each partner ends with reason LINKED, unless it traps exits and gets a
 * TAG_EXIT message. A partner on another node is reached through the router; a node that
 * goes down is, to every partner here, an end with NOCONNECTION.
 */
export class Links {
  private readonly kernel: Kernel;

  constructor(kernel: Kernel) {
    this.kernel = kernel;
  }

  private isLocal(pid: number): boolean {
    return nodeIdOfPid(pid) === this.kernel.nodeId;
  }

  /** proc_link. */
  link(proc: Process, pid: number): number | Promise<number> {
    const state = proc.links;
    if (pid === proc.pid || state.partners.has(pid)) return 0;
    if (pid <= 0) fail("ESRCH", `no process ${pid}`);
    checkRoom(proc);
    const asker = this.kernel.askerOf(proc);
    if (this.isLocal(pid)) {
      this.linkHere(asker, pid);
      state.partners.add(pid);
      state.checkInvariants(proc.pid);
      return 0;
    }
    const router = this.kernel.router;
    if (!router) fail("EHOSTUNREACH", `process ${pid} is on another node and this node is not in a cluster`);
    // Linked before the call goes: the partner's end may overtake the reply.
    state.partners.add(pid);
    return router.linkProcess(asker, pid).then(
      () => 0,
      (error: unknown) => {
        state.partners.delete(pid);
        throw error;
      },
    );
  }

  /** The far end of a link from `asker` (anywhere) to local process `pid`: EPERM if `pid` is out of its scope. */
  linkHere(asker: Asker, pid: number): void {
    const from = asker.pid;
    const target = this.kernel.procs.get(pid);
    if (!target) fail("ESRCH", `no process ${pid}`);
    checkInScope(asker, target, "link");
    if (from === pid || target.links.partners.has(from)) return;
    checkRoom(target);
    target.links.partners.add(from);
    target.links.checkInvariants(pid);
  }

  /** proc_unlink: both ends go; no link is no error. */
  unlink(proc: Process, pid: number): void {
    proc.links.partners.delete(pid);
    proc.links.early.delete(pid);
    if (this.isLocal(pid)) this.unlinkHere(proc.pid, pid);
    else this.kernel.router?.unlinkProcess(proc.pid, pid);
  }

  unlinkHere(from: number, pid: number): void {
    this.kernel.procs.get(pid)?.links.partners.delete(from);
  }

  /** trap_exit: the previous setting. */
  trapExit(proc: Process, on: number): number {
    if (on !== 0 && on !== 1) fail("EINVAL", `trap_exit takes 0 or 1, not ${on}`);
    const was = proc.links.trapExit;
    proc.links.trapExit = on === 1;
    return was ? 1 : 0;
  }

  /** Local process `proc` ended with `info`: each partner gets its exit signal. */
  ended(proc: Process, info: ExitInfo): void {
    for (const partner of proc.links.partners) this.signal(proc.pid, partner, info);
    proc.links.partners.clear();
    proc.links.early.clear();
  }

  private signal(from: number, to: number, info: ExitInfo): void {
    if (this.isLocal(to)) this.exitSignal(from, to, info);
    else this.kernel.router?.exitSignal(from, to, info);
  }

  /** Process `from` ended with `info`, and local process `to` was (or is about to be) linked to it. */
  exitSignal(from: number, to: number, info: ExitInfo): void {
    const target = this.kernel.procs.get(to);
    if (!target) return;
    const state = target.links;
    if (!state.partners.delete(from)) {
      if (state.pendingSpawns > 0 && state.early.size < MAX_LINKS) state.early.set(from, info);
      return state.checkInvariants(to);
    }
    state.checkInvariants(to);
    this.deliver(target, from, info);
  }

  /** A partner's end reaches `target`: a message if it traps exits, else its own end if abnormal. */
  private deliver(target: Process, from: number, info: ExitInfo): void {
    if (target.links.trapExit) {
      target.mailbox.putSystem({ sender: from, tag: TAG_EXIT, data: encodeDown(from, info), inJournal: false });
      return;
    }
    if (info.reason === "NORMAL") return;
    const why = info.text === "" ? info.reason : `${info.reason}: ${info.text}`;
    this.kernel.terminate(target, exitInfo("LINKED", `linked process ${from} ended (${why})`));
  }

  /** Node `nodeId` went down: every link to a process there ends with NOCONNECTION. */
  nodeDown(nodeId: number): void {
    const info = exitInfo("NOCONNECTION", `node ${nodeId} went down`);
    for (const proc of [...this.kernel.procs.values()]) {
      for (const partner of [...proc.links.partners]) if (nodeIdOfPid(partner) === nodeId) this.exitSignal(partner, proc.pid, info);
    }
  }

  /** A local child spawned with SPAWN_LINK, linked before it runs (checkRoom(parent) before it started). */
  linkChild(parent: Process, child: Process): void {
    parent.links.partners.add(child.pid);
    child.links.partners.add(parent.pid);
  }

  /** A remote spawn with SPAWN_LINK is about to go. */
  spawning(parent: Process): void {
    checkRoom(parent);
    parent.links.pendingSpawns++;
  }

  /** That spawn answered with the child's pid, or failed (undefined). */
  spawned(parent: Process, child: number | undefined): void {
    const state = parent.links;
    state.pendingSpawns--;
    const early = child === undefined ? undefined : state.early.get(child);
    if (child !== undefined) state.early.delete(child);
    if (state.pendingSpawns === 0) state.early.clear();
    state.checkInvariants(parent.pid);
    if (child === undefined) return;
    // The parent ended while the spawn travelled: its end is the child's exit signal.
    if (parent.exit) return this.signal(parent.pid, child, parent.exit);
    if (early) return this.deliver(parent, child, early);
    state.partners.add(child);
  }
}

/**
 * spawn_opt on the child's node: link it to `watcher` and set that process's monitor
 * `monitorRef` (0: none) on it, before it runs.
 */
export function observeSpawned(child: Process, watcher: number, link: boolean, monitorRef: number): void {
  if (link) child.links.partners.add(watcher);
  if (monitorRef !== 0) child.watchers.set(monitorRef, watcher);
}
