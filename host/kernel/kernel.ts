import { FLAGS, LAYOUTS } from "../../abi/abi.ts";
import type { Coordinator } from "./coordinator.ts";
import { exitInfo, fail, ProcessEnd, reasonCode, SysError, type ExitInfo } from "./errors.ts";
import { ExportDir } from "./export-dir.ts";
import { realClock, type Clock } from "../transport/clock.ts";
import type { FileService } from "./file-service.ts";
import { GuestMemory, encodeUtf8 } from "./guest-memory.ts";
import { instantiateComponent } from "./component-instance.ts";
import { LocalCoordinator } from "./local-coordinator.ts";
import { Lineage } from "./lineage.ts";
import { ModuleCache, ModuleError, type LoadedModule } from "./module-cache.ts";
import { resolvePath, type Namespace, type ResolvedPath } from "./namespace.ts";
import { Process, type StartRequest } from "./process.ts";
import type { Router } from "./router.ts";
import { importsFor, type Tracer } from "./syscalls/dispatch.ts";
import { childRecorder } from "./replay/child-recording.ts";
import { FuelTrampolines } from "./fuel.ts";
import { createMemories, initialPages, MemoryCapError } from "./process-memory.ts";
import { after } from "./file-service.ts";
import { FUEL_GLOBAL_EXPORT, FUEL_TABLE_EXPORT } from "./wasm/instrument.ts";

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
  readonly limits?: Partial<Limits>;
  readonly coordinator?: Coordinator;
  /** Reaches other nodes; absent on a lone node. */
  readonly router?: Router;
  /** Timers, time reads and scheduling turns (default: real time; a simulation's own). */
  readonly clock?: Clock;
  /** Export every module global (`onebox replay`'s dump reads them); off, a node leaves them private. */
  readonly exportGlobals?: boolean;
}

export interface SpawnArgs {
  readonly path: string;
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly node: string;
}

const PID_SERIAL_BITS = 20;
const PID_SERIAL_MAX = (1 << PID_SERIAL_BITS) - 1;
export const MAX_NODE_ID = 2047;
export const nodeIdOfPid = (pid: number): number => pid >>> PID_SERIAL_BITS;

const TAG_DOWN = FLAGS.special.TAG_DOWN.value;
const DOWN = LAYOUTS.down_message;

/** Why a guest's run ended, from what unwound it. */
function endOf(error: unknown): ExitInfo {
  if (error instanceof ProcessEnd) return error.info;
  if (error instanceof WebAssembly.RuntimeError) return exitInfo("TRAP", error.message);
  if (error instanceof RangeError) return exitInfo("TRAP", error.message);
  return exitInfo("ERROR", error instanceof Error ? error.message : String(error));
}

function encodeDown(pid: number, info: ExitInfo): Uint8Array {
  const text = encodeUtf8(info.text);
  const data = new Uint8Array(DOWN.size + text.byteLength);
  const view = new DataView(data.buffer);
  view.setInt32(DOWN.fields.pid.offset, pid, true);
  view.setInt32(DOWN.fields.reason.offset, reasonCode(info.reason), true);
  view.setInt32(DOWN.fields.status.offset, info.status, true);
  data.set(text, DOWN.size);
  return data;
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
  /** Pages the live processes' memories held at their last start or suspension (Process.countMemory). */
  memoryPagesInUse = 0;
  tracer: Tracer | undefined;
  /** Told of every process that ends, after its watchers (the cluster keeps a history for ps). */
  onExit: ((proc: Process) => void) | undefined;

  private readonly trampolines = new FuelTrampolines();
  private readonly lineage = new Lineage();
  private readonly exitListeners = new Map<number, ((info: ExitInfo) => void)[]>();
  private nextSerial = 1;
  private nextRef = 1;

  constructor(options: KernelOptions) {
    if (!Number.isInteger(options.nodeId) || options.nodeId < 1 || options.nodeId > MAX_NODE_ID) {
      throw new RangeError(`node id must be 1..${MAX_NODE_ID}, got ${options.nodeId}`);
    }
    this.nodeId = options.nodeId;
    this.nodeName = options.nodeName;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    checkLimits(this.limits);
    this.modules = new ModuleCache({ ...this.limits, exportGlobals: options.exportGlobals });
    this.exportDir = new ExportDir(options.root);
    this.clock = options.clock ?? realClock;
    this.coordinator = options.coordinator ?? new LocalCoordinator(this.clock);
    this.router = options.router;
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
    if (parent) this.lineage.checkSpawn(parent.pid, this.limits.descendants);
    const needed = initialPages(request.module.memories);
    if (this.memoryPagesInUse + needed > this.limits.memoryBudgetPages) {
      fail("EAGAIN", `the node's memory budget is spent: ${this.memoryPagesInUse} of ${this.limits.memoryBudgetPages} pages in use, the process needs ${needed}`);
    }
    const proc = new Process({ ...request, kernel: this, pid: this.allocPid(), mailboxCapacity: this.limits.mailbox, mailboxBytes: this.limits.mailboxBytes, memoryCap });
    let entry: () => Promise<unknown>;
    try {
      const { component } = request.module;
      entry = component ? instantiateComponent(proc, component, this.trampolines, () => this.tracer) : this.instantiateCore(proc);
    } catch (error) {
      this.trampolines.release(proc);
      proc.releaseMemory();
      if (error instanceof MemoryCapError) throw new ModuleError(error.message);
      throw new ModuleError(`cannot instantiate: ${(error as Error).message}`);
    }
    this.procs.set(proc.pid, proc);
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
    const exports = new WebAssembly.Instance(proc.module.module, { ...importsFor(proc, () => this.tracer), ...memories }).exports;
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
    proc.state = "exited";
    proc.exit = info;
    proc.startSpawned();
    this.procs.delete(proc.pid);
    this.lineage.removed(proc.pid);
    this.trampolines.release(proc);
    proc.releaseMemory();
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
      else this.router?.demonitor(proc.pid, target, ref);
    }
    if (this.isLocal(proc.ppid)) this.childExited(proc.ppid, proc.pid, info);
    else if (proc.ppid !== 0) this.router?.childExited(proc.ppid, proc.pid, info);
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
    // A node name, or "" / k=v labels for the router's scheduler to choose from.
    const named = spawn.node !== "" && !spawn.node.includes("=");
    const node = named || !this.router ? spawn.node || this.nodeName : this.router.place(spawn.node);
    if (node !== this.nodeName && !this.router) fail("EHOSTUNREACH", `no node named ${node}`);
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
    };
    const recorded = { ...request, calls: childRecorder(parent, module, request.argv, node === this.nodeName) };
    if (node !== this.nodeName) {
      return this.remote(`node ${node}`)
        .spawn(node, recorded)
        .then((pid) => {
          if (!parent.zombies.has(pid)) parent.children.add(pid);
          return pid;
        });
    }
    let child: Process;
    try {
      child = this.start(recorded, parent);
    } catch (error) {
      if (error instanceof ModuleError) fail("ENOEXEC", error.message);
      throw error;
    }
    parent.children.add(child.pid);
    return child.pid;
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

  kill(caller: Process, pid: number): number | Promise<number> {
    if (!this.isLocal(pid)) return this.remote(`process ${pid}`).kill(caller.pid, pid).then(() => 0);
    const target = this.procs.get(pid);
    if (!target) fail("ESRCH", `no process ${pid}`);
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
    if (!target.interrupt(new ProcessEnd(info))) this.clock.setImmediate(() => this.terminate(target, info));
  }

  /** Kill every process: the node is going away. */
  shutdown(): void {
    for (const proc of [...this.procs.values()]) this.terminate(proc, exitInfo("KILLED", "node shut down"));
  }

  send(from: number, to: number, tag: number, data: Uint8Array): void {
    if (!this.isLocal(to)) return this.remote(`process ${to}`).send(from, to, tag, data);
    const target = this.procs.get(to);
    if (!target) fail("ESRCH", `no process ${to}`);
    if (!target.mailbox.put({ sender: from, tag, data })) {
      fail("EAGAIN", `mailbox of ${to} is full: ${target.mailbox.length} messages of ${this.limits.mailbox}, ${target.mailbox.bytes} bytes of ${this.limits.mailboxBytes}`);
    }
  }

  monitor(watcher: Process, pid: number): number {
    // Refs carry the node id, so a target's watchers from many nodes never collide.
    const ref = (this.nodeId << PID_SERIAL_BITS) | (this.nextRef++ & PID_SERIAL_MAX);
    watcher.monitoring.set(ref, pid);
    if (this.isLocal(pid)) this.watch(watcher.pid, pid, ref);
    else if (this.router) this.router.monitor(watcher.pid, pid, ref);
    else this.fireMonitor(ref, watcher.pid, pid, exitInfo("NOCONNECTION", `node of ${pid} is not reachable from a lone node`));
    return ref;
  }

  /** Set monitor `ref` of `watcherPid` (here or on another node) on local process `pid`. */
  watch(watcherPid: number, pid: number, ref: number): void {
    const target = this.procs.get(pid);
    if (target) target.watchers.set(ref, watcherPid);
    else this.fireMonitor(ref, watcherPid, pid, exitInfo("NOPROC", `no process ${pid}`));
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
    if (this.isLocal(target)) this.procs.get(target)?.watchers.delete(ref);
    else this.router?.demonitor(watcher.pid, target, ref);
  }

  private deliverDown(watcherPid: number, deadPid: number, info: ExitInfo): void {
    const watcher = this.procs.get(watcherPid);
    watcher?.mailbox.putSystem({ sender: deadPid, tag: TAG_DOWN, data: encodeDown(deadPid, info) });
  }

  resolvePath(proc: Process, path: string): ResolvedPath {
    return resolvePath(proc.namespace, this.nodeName, path);
  }

  fileService(node: string): FileService {
    if (node === this.nodeName) return this.exportDir;
    return this.remote(`node ${node}`).fileService(node);
  }
}
