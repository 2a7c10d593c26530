import { FLAGS } from "../../abi/abi.ts";
import type { Coordinator } from "./coordinator.ts";
import { encodeDown } from "./down-message.ts";
import { exitInfo, fail, ProcessEnd, SysError, type ExitInfo } from "./errors.ts";
import { ancestorsOfChild, checkInScope, type Asker } from "./process-scope.ts";
import { checkMaySpawn, checkPath, checkSpawnNode, encodeGift, spawnConstraint, withGift, EVERY_NODE, FULL_CAPABILITIES, within } from "./capabilities.ts";
import { ExportDir } from "./export-dir.ts";
import { realClock, type Clock } from "../clock/clock.ts";
import type { FileService } from "./file-service.ts";
import { GuestMemory } from "./guest-memory.ts";
import { instantiateComponent } from "./component-instance.ts";
import { LocalCoordinator } from "./local-coordinator.ts";
import { Lineage } from "./lineage.ts";
import { descriptorBudget } from "./descriptor-budget.ts";
import { MailboxBudget } from "./mailbox.ts";
import { defaultCaps, narrowCaps, type ProcessCaps } from "./process-limits.ts";
import { checkRoom, Links, observeSpawned } from "./links.ts";
import { RecentExits } from "./recent-exits.ts";
import { ModuleCache, ModuleError, type LoadedModule } from "./module-cache.ts";
import { resolvePath, type Namespace, type ResolvedPath } from "./namespace.ts";
import { nodeIdOfPid, PID_SERIAL_BITS } from "./pid.ts";
import { Process, type StartRequest } from "./process.ts";
import type { Router, SpawnObserve } from "./router.ts";
import type { MailboxLevel } from "./mailbox.ts";
import { importsFor, type Tracer } from "./syscalls/dispatch.ts";
import { DEFAULT_JOURNAL_RECORDS, Journal } from "./journal/journal.ts";
import { LamportClock } from "./journal/lamport.ts";
import { beginRecording, endRecording, takeRecordTarget } from "./replay/child-recording.ts";
import { FuelTrampolines } from "./fuel.ts";
import { createMemories, initialPages, MemoryCapError } from "./process-memory.ts";
import { after } from "./file-service.ts";
import { FUEL_GLOBAL_EXPORT, FUEL_TABLE_EXPORT } from "./wasm/instrument.ts";
import { invariant } from "./invariant.ts";
import { KernelStats } from "./kernel-stats.ts";

export interface Limits {
  /** Linear memory cap per process by default, in 64 KiB pages, summed over its memories. */
  readonly memoryPages: number;
  /** The highest cap a process may be given (onebox run --memory): what modules are instrumented with. */
  readonly maxMemoryPages: number;
  /**
   * Pages all live processes may hold together: a start that would pass it fails with
   * EAGAIN. Counted from each process's memories at its start and each suspension.
   */
  readonly memoryBudgetPages: number;
  /** Table cap per process, in elements, summed over its tables. */
  readonly tableElements: number;
  /** Loop iterations and calls a process runs before it must let others run. */
  readonly fuelPerSlice: number;
  readonly openFiles: number;
  /** Messages queued per process before senders get EAGAIN. */
  readonly mailbox: number;
  /** Bytes of message data queued per process before senders get EAGAIN (an empty mailbox takes any one message). */
  readonly mailboxBytes: number;
  /** Live processes on the node: one more start fails with EAGAIN. */
  readonly processes: number;
  /** Live descendants of one process on this node (Lineage): one more spawn fails with EAGAIN. */
  readonly descendants: number;
  /** CPU time a process may take, in ms, unless narrowed (Infinity: no budget). Over it, the process ends with LIMIT_CPU. */
  readonly cpuMs: number;
  /** Lock names a process may hold at once: one more lock is ENOLCK. */
  readonly locks: number;
  /** Bytes of message data queued in all the node's mailboxes together: past it, sends to any of them get EAGAIN. */
  readonly nodeMailboxBytes: number;
  /** Files the node's export holds open for all processes, its own and other nodes': one more open is ENFILE. */
  readonly nodeOpenFiles: number;
}

export const DEFAULT_LIMITS: Limits = {
  memoryPages: 1024,
  maxMemoryPages: 16384,
  memoryBudgetPages: 32768,
  tableElements: 100_000,
  fuelPerSlice: 100_000,
  openFiles: 256,
  mailbox: 4096,
  mailboxBytes: 16 * 1024 * 1024,
  processes: 20_000,
  descendants: 1000,
  cpuMs: Infinity,
  locks: 1024,
  nodeMailboxBytes: 512 * 1024 * 1024,
  nodeOpenFiles: descriptorBudget(),
};

function checkLimits(limits: Limits): void {
  const { memoryPages, maxMemoryPages, memoryBudgetPages } = limits;
  if (!(Number.isInteger(memoryPages) && memoryPages <= maxMemoryPages && maxMemoryPages <= memoryBudgetPages && maxMemoryPages <= 65536)) {
    throw new RangeError(`memory limits must be whole pages with memoryPages (${memoryPages}) <= maxMemoryPages (${maxMemoryPages}) <= memoryBudgetPages (${memoryBudgetPages}), maxMemoryPages at most 65536`);
  }
}

export interface KernelOptions {
  /** 1..2047, unique in the cluster: the high bits of every pid this node hands out. */
  readonly nodeId: number;
  readonly nodeName: string;
  /** The directory this node exports. */
  readonly root: string;
  /** Whether the node may still change its export's files (on etcd: while its lease is trusted; see ExportDir). */
  readonly mayChangeFiles?: () => boolean;
  readonly limits?: Partial<Limits>;
  readonly coordinator?: Coordinator;
  /** Reaches other nodes; absent on a lone node. */
  readonly router?: Router;
  /** Timers, time reads and scheduling turns (default: real time; a simulation's own). */
  readonly clock?: Clock;
  /** Records the node's journal keeps (default DEFAULT_JOURNAL_RECORDS); 0: no journal. */
  readonly journal?: number;
  /** The node's Lamport clock, when the cluster made it first (it stamps the node's frames). */
  readonly lamport?: LamportClock;
  /** Export every module global (`onebox replay`'s dump reads them); off, a node leaves them private. */
  readonly exportGlobals?: boolean;
}

export interface SpawnArgs {
  readonly path: string;
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly node: string;
  /** spawn_opt: what to set on the child before it runs. */
  readonly observe?: SpawnObserve;
}

const PID_SERIAL_MAX = (1 << PID_SERIAL_BITS) - 1;
export const MAX_NODE_ID = 2047;
export { nodeIdOfPid };

const TAG_DOWN = FLAGS.special.TAG_DOWN.value;
const TAG_CAP = FLAGS.special.TAG_CAP.value;

/** Why a guest's run ended, from what unwound it. */
function endOf(error: unknown): ExitInfo {
  if (error instanceof ProcessEnd) return error.info;
  if (error instanceof WebAssembly.RuntimeError) return exitInfo("TRAP", error.message);
  if (error instanceof RangeError) return exitInfo("TRAP", error.message);
  return exitInfo("ERROR", error instanceof Error ? error.message : String(error));
}

/**
 * One node's kernel: the process table and the life of each process. Syscalls (in
 * syscalls/) call in here for anything that spans processes. Resources owned elsewhere
 * are reached through the coordinator and, in a cluster, the router.
 */
export class Kernel {
  readonly nodeId: number;
  readonly nodeName: string;
  readonly limits: Limits;
  readonly modules: ModuleCache;
  readonly exportDir: ExportDir;
  readonly coordinator: Coordinator;
  readonly router: Router | undefined;
  readonly clock: Clock;
  readonly procs = new Map<number, Process>();
  /** Message bytes queued in all the node's mailboxes (Limits.nodeMailboxBytes). */
  readonly mailboxBudget: MailboxBudget;
  /** What a process started by the operator, without narrower limits, gets. */
  readonly defaultCaps: ProcessCaps;
  /** Pages the live processes' memories held at their last start or suspension (Process.countMemory). */
  memoryPagesInUse = 0;
  /** The node's Lamport clock: the cluster stamps frames with it and advances it from theirs. */
  readonly lamport: LamportClock;
  /** Every syscall of every process here, in a bounded ring; undefined when turned off. */
  readonly journal: Journal | undefined;
  tracer: Tracer | undefined;
  readonly links = new Links(this);
  /** Counts for the node's metrics: calls, starts, ends. */
  readonly stats = new KernelStats();
  /** Told of every process that ends, after its watchers (the cluster keeps a history for ps). */
  onExit: ((proc: Process) => void) | undefined;
  /** Told of every write to a process's stdout or stderr (the cluster keeps its log). */
  onOutput: ((proc: Process, fd: 1 | 2, data: Uint8Array) => void) | undefined;

  private readonly trampolines = new FuelTrampolines();
  private readonly lineage = new Lineage();
  private readonly recentExits = new RecentExits();
  private readonly exitListeners = new Map<number, ((info: ExitInfo) => void)[]>();
  private nextSerial = 1;
  private nextRef = 1;

  constructor(options: KernelOptions) {
    if (!Number.isInteger(options.nodeId) || options.nodeId < 1 || options.nodeId > MAX_NODE_ID) {
      throw new RangeError(`node id must be 1..${MAX_NODE_ID}, got ${options.nodeId}`);
    }
    if (options.nodeName === EVERY_NODE || options.nodeName === "") throw new RangeError(`a node may not be named '${options.nodeName}': a path grant on '${EVERY_NODE}' holds on every node`);
    this.nodeId = options.nodeId;
    this.nodeName = options.nodeName;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    checkLimits(this.limits);
    this.defaultCaps = defaultCaps(this.limits);
    this.modules = new ModuleCache({ ...this.limits, exportGlobals: options.exportGlobals });
    this.exportDir = new ExportDir(options.root, this.limits.nodeOpenFiles, options.mayChangeFiles);
    this.mailboxBudget = new MailboxBudget(this.limits.nodeMailboxBytes);
    this.clock = options.clock ?? realClock;
    this.coordinator = options.coordinator ?? new LocalCoordinator(this.clock);
    this.router = options.router;
    this.lamport = options.lamport ?? new LamportClock();
    const records = options.journal ?? DEFAULT_JOURNAL_RECORDS;
    this.journal = records === 0 ? undefined : new Journal(records, this.lamport);
  }

  private isLocal(pid: number): boolean {
    return nodeIdOfPid(pid) === this.nodeId;
  }

  /** The router for a pid or node elsewhere; EHOSTUNREACH on a lone node. */
  private remote(what: string): Router {
    if (!this.router) fail("EHOSTUNREACH", `${what} is on another node and this node is not in a cluster`);
    return this.router;
  }

  private allocPid(): number {
    for (let tries = 0; tries < PID_SERIAL_MAX; tries++) {
      const serial = this.nextSerial;
      this.nextSerial = serial === PID_SERIAL_MAX ? 1 : serial + 1;
      const pid = (this.nodeId << PID_SERIAL_BITS) | serial;
      if (!this.procs.has(pid)) return pid;
    }
    throw new SysError("EAGAIN", "process table full");
  }

  /**
   * Create, instantiate and schedule a process. Throws ModuleError if it cannot start.
   * A child of a local `parent` runs when the parent next suspends (Process.startOnSuspend).
   */
  start(request: StartRequest, parent?: Process): Process {
    const memoryCap = this.memoryCapOf(request, parent);
    if (this.procs.size >= this.limits.processes) fail("EAGAIN", `the node runs ${this.procs.size} processes, its limit`);
    const ownCaps = narrowCaps(parent ? parent.limits : this.defaultCaps, request.caps, parent ? "parent's" : "node's");
    if (parent) this.lineage.checkSpawn(parent.pid, (pid) => this.procs.get(pid)?.limits.descendants ?? this.limits.descendants);
    const needed = initialPages(request.module.memories);
    if (this.memoryPagesInUse + needed > this.limits.memoryBudgetPages) {
      fail("EAGAIN", `the node's memory budget is spent: ${this.memoryPagesInUse} of ${this.limits.memoryBudgetPages} pages in use, the process needs ${needed}`);
    }
    if (parent) invariant(within(request.authority ?? FULL_CAPABILITIES, parent.capabilities), () => `a child of ${parent.pid} would get more than its parent's capabilities`);
    invariant(!(request.record && request.calls), "a process is recorded by its record target or by its own hook, not both");
    const pid = this.allocPid();
    // Its room in the node's budget is taken last before the instance: cancelled if that fails.
    const recording = request.record && beginRecording(this, request.module, request.argv, memoryCap, request.record);
    const calls = recording ? recording.recorder : request.calls;
    const proc = new Process({ ...request, calls, kernel: this, pid, memoryCap, ownCaps });
    let entry: () => Promise<unknown>;
    try {
      const { component } = request.module;
      entry = component ? instantiateComponent(proc, component, this.trampolines, () => this.tracer, this.journal) : this.instantiateCore(proc);
    } catch (error) {
      recording?.cancel();
      this.trampolines.release(proc);
      proc.releaseMemory();
      if (error instanceof MemoryCapError) throw new ModuleError(error.message);
      throw new ModuleError(`cannot instantiate: ${(error as Error).message}`);
    }
    this.procs.set(proc.pid, proc);
    recording?.started(proc);
    this.recentExits.started(proc.pid);
    this.stats.processStarted();
    if (parent) this.lineage.added(proc.pid, parent.pid);
    // A spawning parent resumes before the child runs: it can monitor the child before
    // the child can end, as Erlang's spawn_monitor. For others' starts, a macrotask: the
    // caller's microtasks first. (An event-loop turn cost a spawn 25 of its 110 us.)
    const run = (): void => void this.run(proc, entry);
    if (parent) parent.startOnSuspend(run);
    else this.clock.setImmediate(run);
    return proc;
  }

  /**
   * A process's memory cap: the one its start asks for, which may not pass the node's
   * maximum nor, for a child, its parent's; else the parent's, else the node's default.
   */
  private memoryCapOf(request: StartRequest, parent: Process | undefined): number {
    const limit = parent ? parent.memoryCap : this.limits.maxMemoryPages;
    const asked = request.memoryPages;
    if (asked === undefined) return parent ? parent.memoryCap : this.limits.memoryPages;
    if (!Number.isInteger(asked) || asked < 0 || asked > limit) {
      fail("EINVAL", `memory cap of ${asked} pages is over the ${parent ? "parent's" : "node's"} limit of ${limit}`);
    }
    return asked;
  }

  /** A core module's instance, wired to the process; returns its entry. */
  private instantiateCore(proc: Process): () => Promise<unknown> {
    const memories = createMemories(proc.module.memories, proc.memoryCap);
    const exports = new WebAssembly.Instance(proc.module.module, { ...importsFor(proc, () => this.tracer, this.journal), ...memories }).exports;
    proc.adoptMemories(memories);
    proc.calls?.instantiated?.(proc, exports);
    proc.memory = new GuestMemory(exports.memory as WebAssembly.Memory);
    proc.fuel = exports[FUEL_GLOBAL_EXPORT] as WebAssembly.Global;
    (exports[FUEL_TABLE_EXPORT] as WebAssembly.Table).set(0, this.trampolines.take(proc));
    return WebAssembly.promising(exports._start as () => unknown);
  }

  /** A process the operator starts: no parent, and `/` is this node's export. */
  startRoot(request: Omit<StartRequest, "ppid" | "namespace">): Process {
    return this.start({ ...request, ppid: 0, namespace: { home: this.nodeName } });
  }

  private async run(proc: Process, entry: () => Promise<unknown>): Promise<void> {
    if (proc.state !== "ready") return;
    proc.state = "running";
    proc.beginTurn();
    let info: ExitInfo;
    try {
      await entry();
      info = exitInfo("NORMAL", "returned", 0);
    } catch (error) {
      info = endOf(error);
    }
    this.finish(proc, info);
  }

  /** Release everything the process held and tell whoever watches it. */
  private finish(proc: Process, info: ExitInfo): void {
    if (proc.state === "exited") return;
    proc.endTurn();
    proc.state = "exited";
    proc.exit = info;
    proc.startSpawned();
    this.procs.delete(proc.pid);
    this.recentExits.ended(proc.pid, info);
    this.stats.processEnded(info.reason);
    this.lineage.removed(proc.pid);
    this.trampolines.release(proc);
    proc.releaseMemory();
    proc.mailbox.clear();
    for (const file of proc.files.values()) {
      try {
        void Promise.resolve(this.fileService(file.node).close(file.handle)).catch(() => {});
      } catch {
        // The file's node is gone; nothing left to close.
      }
    }
    proc.files.clear();
    this.coordinator.releaseAll(proc.pid);
    for (const [ref, watcher] of proc.watchers) this.fireMonitor(ref, watcher, proc.pid, info);
    for (const [ref, target] of proc.monitoring) {
      if (this.isLocal(target)) this.procs.get(target)?.watchers.delete(ref);
      else if (target !== 0) this.router?.demonitor(proc.pid, target, ref);
    }
    this.links.ended(proc, info);
    const tellParent = (): void => {
      if (this.isLocal(proc.ppid)) this.childExited(proc.ppid, proc.pid, info);
      else if (proc.ppid !== 0) this.router?.childExited(proc.ppid, proc.pid, info);
    };
    // A recorded child's parent hears of its end once the record is written: wait's return means it is there.
    const recorded = endRecording(proc, info);
    if (recorded) void recorded.then(tellParent);
    else tellParent();
    this.onExit?.(proc);
    const listeners = this.exitListeners.get(proc.pid);
    this.exitListeners.delete(proc.pid);
    for (const listener of listeners ?? []) listener(info);
  }

  /** Child `child` of local process `ppid` ended, here or on another node: make it a zombie for wait. */
  childExited(ppid: number, child: number, info: ExitInfo): void {
    const parent = this.procs.get(ppid);
    if (!parent) return;
    // A remote child's end may overtake the reply to its spawn: they travel on the two
    // connections of the pair. Its zombie then waits for spawnChild to see it.
    parent.killedChildren.delete(child);
    if (!parent.children.delete(child) && this.isLocal(child)) return;
    parent.zombies.set(child, info);
    parent.childWaiter?.(child);
  }

  /**
   * A node went down: whatever this node's processes watched there ends with NOCONNECTION,
   * and whatever it watched here is forgotten.
   */
  nodeDown(nodeId: number): void {
    const info = exitInfo("NOCONNECTION", `node ${nodeId} went down`);
    for (const proc of [...this.procs.values()]) {
      for (const [ref, target] of proc.monitoring) if (nodeIdOfPid(target) === nodeId) this.fireMonitor(ref, proc.pid, target, info);
      for (const child of [...proc.children]) if (nodeIdOfPid(child) === nodeId) this.childExited(proc.pid, child, info);
      for (const [ref, watcher] of proc.watchers) if (nodeIdOfPid(watcher) === nodeId) proc.watchers.delete(ref);
    }
    this.links.nodeDown(nodeId);
  }

  /** Live descendants of local process `pid` that this node counts against its limit. */
  descendantsOf(pid: number): number {
    return this.lineage.descendants(pid);
  }

  /** Resolves when `pid` ends (for the operator's tools; guests use wait or monitor). */
  whenExited(pid: number): Promise<ExitInfo> {
    return new Promise((resolve) => {
      let list = this.exitListeners.get(pid);
      if (!list) this.exitListeners.set(pid, (list = []));
      list.push(resolve);
    });
  }

  /** Spawn for a guest: no promise (and no promise hops) when the module is in memory. */
  spawnChild(parent: Process, spawn: SpawnArgs): number | Promise<number> {
    checkMaySpawn(parent.capabilities);
    // A node name, or "" / k=v labels for the router's scheduler to choose from.
    const named = spawn.node !== "" && !spawn.node.includes("=");
    // A placement is made among the nodes the caller may spawn on; a node asked for is checked.
    const caps = parent.capabilities;
    const node = named || !this.router ? spawn.node || this.nodeName : this.router.place(spawnConstraint(caps, spawn.node));
    checkSpawnNode(caps, node, () => this.router?.labelsOf(node));
    if (node !== this.nodeName && !this.router) fail("EHOSTUNREACH", `no node named ${node}`);
    if (spawn.path !== "") checkPath(parent.capabilities, this.resolvePath(parent, spawn.path), false, spawn.path);
    const module = spawn.path === "" ? parent.module : this.loadModule(parent.namespace, spawn.path);
    return after(module, (loaded) => this.spawnLoaded(parent, spawn, node, loaded));
  }

  private spawnLoaded(parent: Process, spawn: SpawnArgs, node: string, module: LoadedModule): number | Promise<number> {
    const request = {
      module,
      argv: [spawn.path === "" ? (parent.argv[0] ?? "") : spawn.path, ...spawn.args],
      env: spawn.env,
      ppid: parent.pid,
      namespace: parent.namespace,
      output: parent.output,
      memoryPages: parent.childMemoryCap,
      caps: parent.childLimits,
      owner: parent.owner,
      authority: parent.childCapabilities,
      ancestors: ancestorsOfChild(parent),
      monotonicFloorMs: parent.monotonicMs,
    };
    const recorded = { ...request, record: takeRecordTarget(parent) };
    const observe = spawn.observe;
    if (observe?.link) checkRoom(parent);
    if (node !== this.nodeName) return this.spawnRemote(parent, node, recorded, observe);
    let child: Process;
    try {
      child = this.start(recorded, parent);
    } catch (error) {
      if (error instanceof ModuleError) fail("ENOEXEC", error.message);
      throw error;
    }
    parent.children.add(child.pid);
    // The child runs when the parent next suspends: set now, nothing of its life is missed.
    if (observe?.link) this.links.linkChild(parent, child);
    if (observe?.monitorRef) {
      parent.monitoring.set(observe.monitorRef, child.pid);
      observeSpawned(child, parent.pid, false, observe.monitorRef);
    }
    return child.pid;
  }

  /**
   * The child's node sets spawn_opt's link and monitor before the child runs; here they are
   * pending until its pid comes back, since its end may overtake the reply.
   */
  private spawnRemote(parent: Process, node: string, request: StartRequest, observe: SpawnObserve | undefined): Promise<number> {
    const ref = observe?.monitorRef ?? 0;
    if (ref !== 0) parent.monitoring.set(ref, 0);
    if (observe?.link) this.links.spawning(parent);
    const settle = (pid: number | undefined): void => {
      // A down message that came first already took the pending monitor; a parent that
      // ended meanwhile takes it off the child.
      if (ref !== 0 && parent.monitoring.get(ref) === 0) {
        if (pid === undefined || parent.exit) parent.monitoring.delete(ref);
        else parent.monitoring.set(ref, pid);
        if (pid !== undefined && parent.exit) this.router?.demonitor(parent.pid, pid, ref);
      }
      if (observe?.link) this.links.spawned(parent, pid);
    };
    return this.remote(`node ${node}`)
      .spawn(node, request, observe)
      .then(
        (pid) => {
          if (!parent.zombies.has(pid)) parent.children.add(pid);
          settle(pid);
          return pid;
        },
        (error: unknown) => {
          settle(undefined);
          throw error;
        },
      );
  }

  /** A fresh monitor reference; it carries the node id, so a target's watchers from many nodes never collide. */
  newRef(): number {
    return (this.nodeId << PID_SERIAL_BITS) | (this.nextRef++ & PID_SERIAL_MAX);
  }

  /** A module by namespace path. A module that cannot run is ENOEXEC, with the reason. */
  loadModule(namespace: Namespace, path: string): LoadedModule | Promise<LoadedModule> {
    const where = resolvePath(namespace, this.nodeName, path);
    if (where.node !== this.nodeName) return this.readModule(where, path);
    const identity = this.exportDir.identity(where.rel);
    if (identity === undefined) return this.readModule(where, path);
    const known = this.modules.fromFile(where.rel, identity);
    if (known) return known;
    return this.readModule(where, path).then((module) => {
      this.modules.rememberFile(where.rel, identity, module);
      return module;
    });
  }

  private async readModule(where: ResolvedPath, path: string): Promise<LoadedModule> {
    const bytes = await this.fileService(where.node).readFile(where.rel);
    try {
      return await this.modules.load(bytes);
    } catch (error) {
      if (error instanceof ModuleError) fail("ENOEXEC", `${path}: ${error.message}`);
      throw error;
    }
  }

  /** Who `proc` is when it asks to kill, monitor or link another process (process-scope.ts). */
  askerOf(proc: Process): Asker {
    return { pid: proc.pid, owner: proc.owner, scope: proc.capabilities.scope };
  }

  kill(caller: Process, pid: number): number | Promise<number> {
    if (!this.isLocal(pid)) {
      return this.remote(`process ${pid}`)
        .kill(this.askerOf(caller), pid)
        .then(() => {
          // Its end is on its way: a wait for it is no deadlock, whatever the coordinator last heard.
          if (caller.children.has(pid)) caller.killedChildren.add(pid);
          return 0;
        });
    }
    const target = this.procs.get(pid);
    if (!target) fail("ESRCH", `no process ${pid}`);
    checkInScope(this.askerOf(caller), target, "kill");
    const info = exitInfo("KILLED", `killed by ${caller.pid}`);
    if (target === caller) throw new ProcessEnd(info);
    this.terminate(target, info);
    return 0;
  }

  /**
   * End a process that is not on the stack. A process resumed but not yet running is
   * caught on the next turn, when it has either blocked again or ended.
   */
  terminate(target: Process, info: ExitInfo): void {
    if (target.state === "exited") return;
    if (target.state === "ready") return this.finish(target, info);
    if (!target.interrupt(new ProcessEnd(info))) return void this.clock.setImmediate(() => this.terminate(target, info));
    // It runs no more guest code: its lock waits and child waits leave the wait-for graph
    // now, so the killer's wait for it right after is no deadlock (finish releases the rest).
    this.coordinator.releaseAll(target.pid);
  }

  /** Kill every process: the node is going away. */
  shutdown(): void {
    for (const proc of [...this.procs.values()]) this.terminate(proc, exitInfo("KILLED", "node shut down"));
  }

  /** Send `data` from `from`; `inJournal` when the send's journal record keeps its first bytes (Message.inJournal). */
  send(from: number, to: number, tag: number, data: Uint8Array, inJournal = false): void {
    if (!this.isLocal(to)) return this.remote(`process ${to}`).send(from, to, tag, data);
    const target = this.procs.get(to);
    if (!target) fail("ESRCH", `no process ${to}`);
    if (!target.mailbox.put({ sender: from, tag, data, lamport: this.lamport.now, inJournal })) {
      fail("EAGAIN", `mailbox of ${to} is full: ${target.mailbox.fullness(data.byteLength)}`);
    }
    if (tag === TAG_CAP) this.acceptGift(target, data);
  }

  /** capgive: hand process `pid` one capability `giver` holds, as a TAG_CAP message the kernel alone sends. */
  giveCapability(giver: Process, pid: number, kind: number, text: string): void {
    const data = encodeGift(giver.capabilities, kind, text, () => this.resolvePath(giver, text));
    this.send(giver.pid, pid, TAG_CAP, data);
  }

  /** A TAG_CAP message was queued for `target`: the capability is in its set from now on. */
  private acceptGift(target: Process, data: Uint8Array): void {
    target.capabilities = withGift(target.capabilities, data, (path) => resolvePath(target.namespace, this.nodeName, path));
  }

  /**
   * monitor: EPERM, and no monitor, for a live process outside the watcher's scope, which
   * only the target's node knows: a monitor across nodes waits for its answer. A down
   * message may come before it; a node out of reach fires it with NOCONNECTION.
   */
  monitor(watcher: Process, pid: number): number | Promise<number> {
    const ref = this.newRef();
    const asker = this.askerOf(watcher);
    watcher.monitoring.set(ref, pid);
    if (this.isLocal(pid)) {
      try {
        this.watch(asker, pid, ref);
      } catch (error) {
        watcher.monitoring.delete(ref);
        throw error;
      }
      return ref;
    }
    if (!this.router) {
      this.fireMonitor(ref, watcher.pid, pid, exitInfo("NOCONNECTION", `node of ${pid} is not reachable from a lone node`));
      return ref;
    }
    return this.router.monitor(asker, pid, ref).then(
      () => ref,
      (error: unknown) => {
        if (!(error instanceof SysError && error.errnoName === "EPERM")) {
          this.fireMonitor(ref, watcher.pid, pid, exitInfo("NOCONNECTION", `node of ${pid} is not reachable: ${(error as Error).message}`));
          return ref;
        }
        watcher.monitoring.delete(ref);
        throw error;
      },
    );
  }

  /**
   * Set monitor `ref` of `asker` (here or on another node) on local process `pid`; EPERM
   * if it runs outside the asker's scope. One that is gone fires at once.
   */
  watch(asker: Asker, pid: number, ref: number): void {
    const target = this.procs.get(pid);
    if (!target) return this.fireMonitor(ref, asker.pid, pid, this.recentExits.get(pid) ?? exitInfo("NOPROC", `no process ${pid}`));
    checkInScope(asker, target, "monitor");
    target.watchers.set(ref, asker.pid);
  }

  /**
   * Monitor `ref` fired: a spent monitor is forgotten (or a long-lived supervisor's table
   * only grows) and its watcher, here or on another node, gets the down message.
   */
  fireMonitor(ref: number, watcherPid: number, deadPid: number, info: ExitInfo): void {
    if (!this.isLocal(watcherPid)) return this.router?.down(watcherPid, ref, deadPid, info);
    const watcher = this.procs.get(watcherPid);
    if (!watcher?.monitoring.delete(ref)) return;
    this.deliverDown(watcherPid, deadPid, info);
  }

  demonitor(watcher: Process, ref: number): void {
    const target = watcher.monitoring.get(ref);
    if (target === undefined) fail("EINVAL", `no monitor ${ref}`);
    watcher.monitoring.delete(ref);
    if (this.isLocal(target)) this.unwatch(target, ref);
    else this.router?.demonitor(watcher.pid, target, ref);
  }

  private deliverDown(watcherPid: number, deadPid: number, info: ExitInfo): void {
    const watcher = this.procs.get(watcherPid);
    watcher?.mailbox.putSystem({ sender: deadPid, tag: TAG_DOWN, data: encodeDown(deadPid, info), inJournal: false });
  }

  // ---- Delivery from other nodes: host/cluster/ comes in here, never through procs ----

  /**
   * A message from a process on another node. It is queued even in a full mailbox: the
   * sending node spent credit for it, and this node holds that credit back until the
   * mailbox drains (host/cluster/flow-control.ts). To a process that is gone it is
   * dropped, as in Erlang.
   */
  deliverRemote(from: number, to: number, tag: number, data: Uint8Array, lamport: number): void {
    invariant(this.isLocal(to), () => `remote delivery to ${to}, which is not on node ${this.nodeId}`);
    const target = this.procs.get(to);
    if (!target) return;
    if (tag === TAG_CAP) {
      // Only a node's kernel sends one; a malformed one from a peer is dropped, not applied.
      try {
        this.acceptGift(target, data);
      } catch (error) {
        if (error instanceof SysError) return;
        throw error;
      }
    }
    target.mailbox.putSystem({ sender: from, tag, data, lamport, inJournal: false });
  }

  /** How full local `pid`'s mailbox is (flow control); undefined for a process that is gone. */
  mailboxLevel(pid: number): MailboxLevel | undefined {
    return this.procs.get(pid)?.mailbox;
  }

  /** Monitor `ref` on local `pid` is taken back (by its watcher, here or on another node). */
  unwatch(pid: number, ref: number): void {
    this.procs.get(pid)?.watchers.delete(ref);
  }

  /** End local process `pid` for `info`'s reason, if `asker` (absent: the node itself) may (process-scope.ts); false if there is none. */
  end(pid: number, info: ExitInfo, asker?: Asker): boolean {
    const target = this.procs.get(pid);
    if (!target) return false;
    if (asker) checkInScope(asker, target, "kill");
    this.terminate(target, info);
    return true;
  }

  /** Live processes here: the load a node reports for placement. */
  get load(): number {
    return this.procs.size;
  }

  resolvePath(proc: Process, path: string): ResolvedPath {
    return resolvePath(proc.namespace, this.nodeName, path);
  }

  fileService(node: string): FileService {
    if (node === this.nodeName) return this.exportDir;
    return this.remote(`node ${node}`).fileService(node);
  }
}
