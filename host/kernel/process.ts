// The module's binding, not the global: globalThis.performance is an accessor (Node
// defines it lazily), which every read of the global calls, about 150 instructions.
import { performance } from "node:perf_hooks";
import type { ExitInfo } from "./errors.ts";
import type { DirEntry, Fence } from "./file-service.ts";
import { exitInfo, fail, ProcessEnd } from "./errors.ts";
import type { GuestMemory } from "./guest-memory.ts";
import { LinkState } from "./links.ts";
import { Mailbox } from "./mailbox.ts";
import { allDirRights } from "./syscalls/wasi-layout.ts";
import type { LoadedModule } from "./module-cache.ts";
import type { Kernel } from "./kernel.ts";
import type { CallHook } from "./replay/call-hook.ts";
import type { RecordTarget } from "./replay/child-recording.ts";
import type { Namespace, ResolvedPath } from "./namespace.ts";
import type { ClockTimer } from "../clock/clock.ts";
import { pagesInUse, type ProcessMemories } from "./process-memory.ts";
import { MEMORY_IMPORT_MODULE } from "./wasm/instrument.ts";
import type { PendingCall } from "./journal/pending-call.ts";
import { narrowCaps, type ProcessCaps } from "./process-limits.ts";
import { checkCpuBudget } from "./cpu-budget.ts";
import { ROOT_CAPABILITIES, narrowCapabilities, type Capabilities } from "./capabilities.ts";
import { checkAncestors } from "./process-scope.ts";

/** Where a process's stdout (1) and stderr (2) go. Children inherit their parent's. */
export interface OutputSink {
  write(fd: 1 | 2, bytes: Uint8Array): void;
}

/** WASI rights of a descriptor (onebox's own calls open with all of them). */
export interface Rights {
  base: bigint;
  inheriting: bigint;
}

/**
 * Where fd 0 reads from: what the process's owner forwards (`onebox run`'s standard
 * input). `read` gives at most `max` bytes, waiting for some; an empty result is the end.
 */
export interface InputSource {
  read(max: number): Uint8Array | Promise<Uint8Array>;
  /** Whether a read would not wait: data is buffered, or the input has ended. */
  ready(): boolean;
  /** Settles once ready() is true (poll_oneoff waits on it). */
  whenReady(): Promise<void>;
}

/** An open file: which node serves it and the host's handle there. */
export interface OpenFile {
  readonly node: string;
  readonly handle: number;
  readonly append: boolean;
  /** WASI fdflags it was opened with (APPEND, DSYNC, NONBLOCK, RSYNC, SYNC). */
  fdflags: number;
  readonly rights: Rights;
  pos: number;
  /** The lock token its writes and truncates carry, once `fence` bound one. */
  fence?: Fence;
}

/**
 * An open directory: a namespace path, not a host handle, because `/` spans every node's
 * export. WASI's preopen (fd 3, the process's `/`) and path_open of a directory make one.
 */
export interface OpenDir {
  /** Absolute and normalized, e.g. "/" or "/n/b/data". */
  readonly path: string;
  readonly preopen: boolean;
  readonly rights: Rights;
  /** The listing fd_readdir read at cookie 0, which later cookies continue. */
  listing?: readonly DirEntry[];
}

/** fd 3: the one WASI preopen, the whole namespace. */
export const PREOPEN_FD = 3;

export type ProcState = "ready" | "running" | "blocked" | "exited";

/** What a process is started with; fixed for its life. */
export interface StartRequest {
  readonly module: LoadedModule;
  readonly argv: readonly string[];
  readonly env: readonly string[];
  readonly ppid: number;
  readonly namespace: Namespace;
  readonly output: OutputSink;
  /** fd 0; without one, fd 0 is at its end. Only the operator's process gets one. */
  readonly input?: InputSource;
  /** Its linear memory cap in pages (summed over its memories); default: the parent's, or the node's. */
  readonly memoryPages?: number;
  /** Its parent's monotonic clock reading at the spawn (ms): its own never reads below it. */
  readonly monotonicFloorMs?: number;
  /** Records or replays its calls (kernel/replay/); a child does not inherit it. */
  readonly calls?: CallHook;
  /** Record it (the node it runs on does) and deliver its record there at its end (replay/child-recording.ts). */
  readonly record?: RecordTarget;
  /** Narrower limits than the parent's (or, for the operator's process, the node's defaults). */
  readonly caps?: Partial<ProcessCaps>;
  /** The user it runs for, inherited by its children; "" or absent: nobody known. */
  readonly owner?: string;
  /** What it may do (capabilities.ts): its parent's set or a narrower one; absent, ROOT_CAPABILITIES. */
  readonly authority?: Capabilities;
  /** Its parent, then the parent's nearest ancestors (process-scope.ts); absent: none (a root). */
  readonly ancestors?: readonly number[];
}

export interface ProcessSpec extends StartRequest {
  readonly kernel: Kernel;
  readonly pid: number;
  readonly memoryCap: number;
  /** Its limits, already narrowed from its parent's or the node's. */
  readonly ownCaps: ProcessCaps;
}

/** The spec's fields are the process's own (read-only), so they are declared once, above. */
export interface Process extends Omit<StartRequest, "ancestors"> {
  readonly kernel: Kernel;
  readonly pid: number;
}

/** The spec's fields a process keeps as its own: every one, the compiler checks. */
type IdentityField = keyof Omit<ProcessSpec, "memoryCap" | "ownCaps" | "caps" | "authority" | "ancestors">;
const IDENTITY: { readonly [F in IdentityField]-?: null } = {
  kernel: null, pid: null, module: null, argv: null, env: null, ppid: null, namespace: null, output: null,
  input: null, memoryPages: null, monotonicFloorMs: null, calls: null, record: null, owner: null,
};
/**
 * Set on every process in this order, the absent ones as undefined: copying only the
 * spec's own fields gave processes hidden classes by which optional fields their spec
 * had, and every call's entry then loaded a process's fields polymorphically.
 */
const IDENTITY_FIELDS = Object.keys(IDENTITY) as IdentityField[];

/**
 * One Wasm instance and everything the kernel tracks for it (xv6's struct proc).
 * The kernel drives its life; syscalls read and change its tables.
 */
export class Process {
  readonly mailbox: Mailbox;
  readonly startedAt: number;
  /** Its linear memory cap in pages, summed over its memories. */
  readonly memoryCap: number;
  /** The cap the children it spawns get (memlimit): at most its own. */
  childMemoryCap: number;
  /** Its other limits (process-limits.ts), and those its children get (childlimit): at most its own. */
  readonly limits: ProcessCaps;
  childLimits: ProcessCaps;
  /**
   * What it may do (capabilities.ts), and what its children get (childcap): never more
   * than its own. It grows only by what another process hands it (capgive, kernel.ts).
   */
  capabilities: Capabilities;
  childCapabilities: Capabilities;
  /** Its parent, then the parent's nearest ancestors, at most MAX_ANCESTORS: whom it is a descendant of. */
  readonly ancestors: readonly number[];
  /** Lock names it holds now, counted against limits.locks. */
  readonly locksHeld = new Set<string>();
  /** Its linear memories, created by the kernel under memoryCap. */
  private memories: WebAssembly.Memory[] = [];
  /** Pages of its memories the kernel's node-wide count holds for it (updated at each suspension). */
  private pagesCounted = 0;

  /**
   * Added to the node's clock for the guest's monotonic clock: on another node than its
   * parent's, the gap between the parent's reading at the spawn and this node's clock,
   * if this node's is behind; fixed for its life, so its clock never goes backwards.
   */
  readonly monotonicOffsetMs: number;
  /** The journaled call it waits in, recorded when it wakes; made at its first such wait. */
  journaling: PendingCall | undefined;
  /** The sender and the send's Lamport time of the message its last recv took (the journal's message id). */
  recvFrom = 0;
  recvLamport = 0;
  /** Whether that message's first bytes are in its send's journal record (Message.inJournal). */
  recvInJournal = false;

  state: ProcState = "ready";
  exit: ExitInfo | undefined;
  /** Time its guest code ran (its turns, from a wake-up to its next suspension or end), in ns. */
  cpuTimeNs = 0;
  /** Guest calls it made: counted at the dispatch point (syscalls/dispatch.ts). */
  syscalls = 0;
  /** When its current turn began (performance.now()), or -1 between turns. */
  private turnStartedAt = -1;
  /** When it last suspended (performance.now(), the end of a turn): a waited call's start in the journal. */
  suspendedAt = 0;
  memory!: GuestMemory;
  /** The instrumented module's fuel counter: refilled at every preemption. */
  fuel!: WebAssembly.Global;

  readonly files = new Map<number, OpenFile>();
  /** Directory descriptors; they share numbering (and the open-file limit) with files. */
  readonly dirs = new Map<number, OpenDir>();
  nextFd = PREOPEN_FD + 1;
  /** Live children, and ended ones not yet reaped by wait (zombies). */
  readonly children = new Set<number>();
  readonly zombies = new Map<number, ExitInfo>();
  /** Children on other nodes it killed whose end has not come back yet: not waited for in the wait-for graph. */
  readonly killedChildren = new Set<number>();
  childWaiter: ((child: number) => void) | undefined;
  /** Monitors set on this process: ref -> pid of the watcher. */
  readonly watchers = new Map<number, number>();
  /** Monitors this process set on others, by ref (target 0: a spawn_opt's child whose pid has not come yet). Demonitor needs to find the target. */
  readonly monitoring = new Map<number, number>();
  readonly links = new LinkState();

  private interruptBlocked: ((end: ProcessEnd) => void) | undefined;
  /** The promise of the running suspension until block is given it; then its recovery. */
  private suspension: Promise<unknown> | undefined;
  private recover: ((error: unknown) => unknown) | undefined;
  private readonly timers = new Set<ClockTimer>();
  /** Children spawned since this process last suspended: they start when it next does. */
  private spawned: (() => void)[] | undefined;

  constructor(spec: ProcessSpec) {
    const { memoryCap, ownCaps, authority, ancestors } = spec;
    for (const field of IDENTITY_FIELDS) (this as Record<string, unknown>)[field] = spec[field];
    this.ancestors = ancestors ?? [];
    checkAncestors(spec.pid, spec.ppid, this.ancestors);
    this.capabilities = authority ?? ROOT_CAPABILITIES;
    this.childCapabilities = this.capabilities;
    this.memoryCap = memoryCap;
    this.childMemoryCap = memoryCap;
    this.limits = ownCaps;
    this.childLimits = ownCaps;
    this.mailbox = new Mailbox(ownCaps.mailboxMessages, ownCaps.mailboxBytes, spec.kernel.mailboxBudget);
    this.startedAt = spec.kernel.clock.now();
    this.monotonicOffsetMs = Math.max(0, (spec.monotonicFloorMs ?? 0) - this.startedAt);
    this.dirs.set(PREOPEN_FD, { path: "/", preopen: true, rights: allDirRights() });
  }

  /**
   * Suspend on `work` until it settles, unless the process is ended first: then the
   * guest's stack is unwound with ProcessEnd. A rejection goes through `recover`, if given.
   * Resources the wait registered elsewhere are released by the kernel's end-of-process
   * cleanup, not here. Given the promise `suspend` just made, it only adds `recover`.
   */
  block<T>(work: Promise<T>, recover?: (error: unknown) => T): Promise<T> {
    if (work === this.suspension) {
      this.suspension = undefined;
      this.recover = recover;
      return work;
    }
    return this.suspend<T>((resume, failed) => void work.then(resume, failed), recover);
  }

  /**
   * Block, as above, until `wait` calls `resume` or `failed` (never synchronously). The
   * wake-up settles the one promise the guest is suspended on, where a handler's own
   * promise passed to block costs a promise and a microtask more per wake.
   */
  suspend<T>(wait: (resume: (value: T) => void, failed: (error: unknown) => void) => void, recover?: (error: unknown) => T): Promise<T> {
    this.suspendedAt = this.endTurn();
    this.state = "blocked";
    this.recover = recover;
    this.startSpawned();
    const promise = new Promise<T>((resolve, reject) => {
      this.interruptBlocked = reject;
      wait(
        (value) => {
          if (!this.wakes(reject)) return;
          this.resumed(value);
          resolve(value);
        },
        (error) => {
          if (!this.wakes(reject)) return;
          const recover = this.recover as ((error: unknown) => T) | undefined;
          if (!recover) {
            this.noteTurn();
            return reject(error);
          }
          try {
            const recovered = recover(error);
            this.resumed(recovered);
            resolve(recovered);
          } catch (unrecoverable) {
            this.noteTurn();
            reject(unrecoverable);
          }
        },
      );
    });
    this.suspension = promise;
    // After the suspension exists, so a process over the node's budget or its own CPU
    // budget can be ended at it.
    this.countMemory();
    checkCpuBudget(this);
    return promise;
  }

  /**
   * Run `start` (a child's run) once this process suspends or ends, in a microtask, so
   * it has the child's pid before the child runs: a guest call that returns a plain value
   * still suspends through JSPI, and a child started then would run before the parent
   * resumes. A process that never waits is preempted, which suspends it.
   */
  startOnSuspend(start: () => void): void {
    (this.spawned ??= []).push(start);
  }

  /** Start the children spawned since the last suspension (the kernel calls it at the end too). */
  startSpawned(): void {
    const spawned = this.spawned;
    if (spawned === undefined) return;
    this.spawned = undefined;
    for (const start of spawned) queueMicrotask(start);
  }

  /**
   * Whether the suspension `reject` ends is still on (not interrupted): it ends now, and
   * its turn begins; the caller then marks the turn in the journal (resumed, noteTurn).
   */
  private wakes(reject: (end: ProcessEnd) => void): boolean {
    if (this.interruptBlocked !== reject) return false;
    this.interruptBlocked = undefined;
    this.suspension = undefined;
    this.state = "running";
    this.turnStartedAt = this.startTurn();
    return true;
  }

  /**
   * It resumes with `value` from a wait: the journaled call it waited in is recorded
   * (PendingCall), and that record, whose end is the turn's start, marks the turn in the
   * journal; a wait in no such call (a preemption, a spawn's reply) marks it with a note.
   */
  private resumed(value: unknown): void {
    if (this.journaling?.woke(value) !== true) this.noteTurn();
  }

  /**
   * Its guest code starts to run at its start (the kernel calls it). The same clock read
   * as at a wake-up: the start of the journal's records of the turn's calls.
   */
  beginTurn(): void {
    this.turnStartedAt = this.startTurn();
    this.noteTurn();
  }

  /** The clock read that starts a turn (for its CPU time, and the journal's starts), outside any other. */
  private startTurn(): number {
    if (this.turnStartedAt !== -1) throw new Error(`pid ${this.pid} began a turn inside another`);
    return performance.now();
  }

  /** The journal's note of this turn's start: where a record of a call that did not wait finds its start (Journal.turn). */
  private noteTurn(): void {
    this.kernel.journal?.turn(this.turnStartedAt);
  }

  /** When its current turn began (performance.now()), or -1 between turns. */
  get turnBegan(): number {
    return this.turnStartedAt;
  }

  /** Its guest code stops running (it suspends or ends): the turn's time joins cpuTimeNs. When, in performance.now() time. */
  endTurn(): number {
    const now = performance.now();
    if (this.turnStartedAt === -1) return now;
    this.cpuTimeNs += Math.round((now - this.turnStartedAt) * 1e6);
    this.turnStartedAt = -1;
    return now;
  }

  /**
   * Run `fire` after `ms` for a blocked call. Only a blocked process can be waiting on a
   * timer, and it ends through interrupt, which cancels them: a killed sleeper leaves
   * nothing behind to keep the node's event loop busy.
   */
  timeout(ms: number, fire: () => void): ClockTimer {
    const timer = this.kernel.clock.setTimeout(() => {
      this.timers.delete(timer);
      fire();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  cancelTimeout(timer: ClockTimer | undefined): void {
    if (timer === undefined) return;
    this.kernel.clock.clearTimeout(timer);
    this.timers.delete(timer);
  }

  /** End a blocked process from outside. False if it is not blocked. */
  interrupt(end: ProcessEnd): boolean {
    const reject = this.interruptBlocked;
    if (!reject) return false;
    this.interruptBlocked = undefined;
    this.suspension = undefined;
    for (const timer of this.timers) this.kernel.clock.clearTimeout(timer);
    this.timers.clear();
    this.journaling?.dropped();
    reject(end);
    return true;
  }

  /** childlimit: narrow the limits of the children it spawns from now on; 0 restores its own. */
  limitChildren(name: keyof ProcessCaps, value: number): void {
    const narrowed = value === 0 ? this.limits : narrowCaps(this.limits, { [name]: value }, "caller's own");
    this.childLimits = { ...this.childLimits, [name]: narrowed[name] };
  }

  /** childcap: narrow the capability set of the children it spawns from now on; `where` resolves a CAP_PATH_* text. */
  narrowChildren(kind: number, text: string, where: () => ResolvedPath): void {
    this.childCapabilities = narrowCapabilities(this.capabilities, this.childCapabilities, kind, text, where);
  }

  /** memlimit: the cap of the children it spawns from now on; 0 is its own. */
  limitChildMemory(pages: number): void {
    if (pages < 0 || pages > this.memoryCap) fail("EINVAL", `memory limit of ${pages} pages is over the caller's own cap of ${this.memoryCap}`);
    this.childMemoryCap = pages === 0 ? this.memoryCap : pages;
  }

  /** The memories its instance was given (ProcessMemories from createMemories). */
  adoptMemories(imports: ProcessMemories): void {
    this.memories = Object.values(imports[MEMORY_IMPORT_MODULE]);
    this.countMemory();
  }

  /**
   * Bring the node's count of pages in use up to date with this process's memories: a
   * guest grows them without telling the host, so this runs at every suspension.
   */
  countMemory(): void {
    const now = pagesInUse(this.memories);
    const grew = now > this.pagesCounted;
    this.kernel.memoryPagesInUse += now - this.pagesCounted;
    this.pagesCounted = now;
    const budget = this.kernel.limits.memoryBudgetPages;
    // Growing past the node's budget ends the process that grew, as an OOM killer would.
    if (grew && this.kernel.memoryPagesInUse > budget) {
      this.kernel.terminate(this, exitInfo("LIMIT_MEMORY", `over the node's memory budget: ${this.kernel.memoryPagesInUse} of ${budget} pages in use after it grew to ${now}`));
    }
  }

  /** At its end: its pages leave the node's count. */
  releaseMemory(): void {
    this.kernel.memoryPagesInUse -= this.pagesCounted;
    if (this.kernel.memoryPagesInUse < 0) throw new Error(`node memory count went negative releasing pid ${this.pid}`);
    this.pagesCounted = 0;
    this.memories = [];
  }

  /** The guest's monotonic clock (ms): never below its parent's at the spawn. */
  get monotonicMs(): number {
    return this.kernel.clock.now() + this.monotonicOffsetMs;
  }

  get uptimeMs(): number {
    return this.kernel.clock.now() - this.startedAt;
  }
}
