import { fail, type ExitInfo } from "../kernel/errors.ts";
import type { FileService } from "../kernel/file-service.ts";
import { nodeIdOfPid, type Kernel } from "../kernel/kernel.ts";
import { ModuleCache, type LoadedModule } from "../kernel/module-cache.ts";
import type { Process, StartRequest } from "../kernel/process.ts";
import { capsOnWire } from "../kernel/process-limits.ts";
import { ROOT_CAPABILITIES } from "../kernel/capabilities.ts";
import type { Asker } from "../kernel/process-scope.ts";
import { askerFromWire, askerOnWire, capabilitiesOnWire } from "./capabilities-wire.ts";
import { observeSpawned } from "../kernel/links.ts";
import type { Router, SpawnObserve } from "../kernel/router.ts";
import { toBytes, toNumber, type Bodies, type Body, type Member, type ProcInfo } from "../transport/wire.ts";
import { serveJournal } from "./journal-server.ts";
import { invariant } from "../kernel/invariant.ts";
import type { RecordTarget } from "../kernel/replay/child-recording.ts";
import type { RecordTo } from "../transport/wire-types.ts";
import type { FrameContext } from "./frame-table.ts";
import type { Membership } from "./membership.ts";
import type { LogFields } from "./node.ts";
import { OutputSinks } from "./output-sinks.ts";
import type { Peers } from "./peers.ts";
import { feedInput, fromExitNote, killHere, procInfo, recordTargetFromWire, remoteOutput, runForClient, startHere, toExitNote } from "./process-server.ts";
import { RemoteFiles } from "./remote-files.ts";
import type { Scheduler } from "./scheduler.ts";

/** Where a remote child's record goes, for its node: only a file can be named across nodes (the record call's). */
function recordTargetOnWire(target: RecordTarget | undefined): RecordTo | undefined {
  if (target === undefined) return undefined;
  invariant("node" in target, "a remote spawn's record goes to a file: a deliver function stays on its node");
  return { node: target.node, rel: target.rel, limit: target.limit };
}

/** Ended processes kept for `ps --all`. */
const ENDED_KEPT = 1000;

/** What process routing needs of its node (node.ts). */
export interface RoutingContext {
  readonly name: string;
  readonly members: Membership;
  readonly peers: Peers;
  readonly kernel: Kernel;
  readonly scheduler: Scheduler;
  readonly log: (line: string, fields?: LogFields) => void;
}

/**
 * Processes across nodes. As the kernel's Router it sends what the kernel finds on another
 * node there (spawn, send, kill, monitors, exit notices, files); as a server it does the
 * same work here for other nodes and for the CLI. Serves the frames spawn, fetchModule,
 * send, kill, monitor, demonitor, down, childExit, procLink, procUnlink, exitSignal,
 * output, ps, run and input.
 */
export class ProcessRouting implements Router {
  readonly stats = { moduleFetches: 0 };
  private readonly node: RoutingContext;
  private readonly sinks = new OutputSinks();
  private readonly fetches = new Map<string, Promise<LoadedModule>>();
  /** The last ENDED_KEPT processes that ended here, for `ps --all`. */
  private readonly ended: ProcInfo[] = [];

  constructor(node: RoutingContext) {
    this.node = node;
  }

  /** Kernel.onExit: remember it for `ps --all`. */
  exited(proc: Process): void {
    if (this.ended.push(procInfo(this.node.name, proc)) > ENDED_KEPT) this.ended.shift();
  }

  // ---- frames: another node's (or the CLI's) process work, done here ------------------

  async serveSpawn(spawn: Bodies["spawn"]): Promise<Body> {
    const record = recordTargetFromWire(spawn.record);
    const module = await this.moduleByHash(spawn.moduleHash, spawn.moduleNode);
    const origin = this.node.peers.linkByName(spawn.moduleNode);
    const output = remoteOutput((body) => origin.cast(body), spawn.outputSink);
    const child = startHere(this.node.kernel, module, spawn, output, undefined, record);
    // spawn_opt: set before the child runs (it runs on a later turn).
    observeSpawned(child, spawn.ppid, spawn.link ?? false, spawn.monitorRef ?? 0);
    return { pid: { pid: child.pid } };
  }

  serveFetchModule({ hash }: Bodies["fetchModule"]): Promise<Body> {
    const loaded = this.node.kernel.modules.get(hash);
    if (!loaded) fail("ENOENT", `no module ${hash}`);
    return loaded.then((mod) => ({ moduleBytes: { data: mod.bytes } }));
  }

  /**
   * The sender was told 0: a full mailbox takes it anyway, within the sender node's
   * window, and holds back its credit (flow-control.ts). As in Erlang, a message to a
   * process that is gone is dropped.
   */
  serveSend(s: Bodies["send"], { channel }: FrameContext): void {
    this.node.kernel.deliverRemote(s.from, s.to, s.tag, toBytes(s.data), toNumber(s.lamport ?? 0));
    this.node.peers.delivered(channel, s.to);
  }

  /** A kill for a process here, or (from the CLI) passed on to the node of `pid`. */
  serveKill(kill: Bodies["kill"]): Promise<void> | void {
    const { caller, pid } = kill;
    if (nodeIdOfPid(pid) === this.node.kernel.nodeId) {
      killHere(this.node.kernel, askerFromWire(caller, kill.owner, kill.scope), pid);
      // An operator's kill (onebox kill, the dashboard) is worth a line; a guest's kill of another is its own business.
      if (caller === 0) this.node.log(`process ${pid} killed by the operator`, { pid });
      return;
    }
    return this.node.peers.linkForPid(pid).call({ kill }, "empty").then(() => undefined);
  }

  serveMonitor(m: Bodies["monitor"]): void {
    this.node.kernel.watch(askerFromWire(m.watcher, m.owner, m.scope), m.pid, m.ref);
  }

  serveDemonitor(m: Bodies["demonitor"]): void {
    this.node.kernel.unwatch(m.pid, m.ref);
  }

  serveDown(note: Bodies["down"]): void {
    this.node.kernel.fireMonitor(note.ref ?? 0, note.to, note.pid, fromExitNote(note));
  }

  serveChildExit(note: Bodies["childExit"]): void {
    this.node.kernel.childExited(note.to, note.pid, fromExitNote(note));
  }

  serveProcLink(link: Bodies["procLink"]): void {
    this.node.kernel.links.linkHere(askerFromWire(link.from, link.owner, link.scope), link.pid);
  }

  serveProcUnlink({ from, pid }: Bodies["procUnlink"]): void {
    this.node.kernel.links.unlinkHere(from, pid);
  }

  serveExitSignal(note: Bodies["exitSignal"]): void {
    this.node.kernel.links.exitSignal(note.pid, note.to, fromExitNote(note));
  }

  serveOutput(o: Bodies["output"]): void {
    this.sinks.get(o.sink)?.write(o.fd === 2 ? 2 : 1, toBytes(o.data));
  }

  servePs(ps: Bodies["ps"]): Promise<Body> {
    return this.ps(ps.cluster, ps.ended ?? false).then((procs) => ({ procs: { procs } }));
  }

  /** The journals (onebox trace): this node's page and, for a cluster query, every other alive node's. */
  serveJournal(query: Bodies["journal"]): Promise<Body> {
    return this.journalPages(query).then((journalPages) => ({ journalPages }));
  }

  journalPages(query: Bodies["journal"]): Promise<Bodies["journalPages"]> {
    const { peers } = this.node;
    const ask = this.aliveOthers().map((m) => (q: Bodies["journal"]) => peers.link(m.id).call({ journal: q }, "journalPages"));
    return serveJournal(this.node.kernel, query, ask);
  }

  serveRun(run: Bodies["run"], { channel }: FrameContext): Promise<Body> {
    return runForClient(this.node.kernel, run, channel).then((pid) => ({ pid: { pid } }));
  }

  serveInput(input: Bodies["input"], { channel }: FrameContext): void {
    feedInput(channel, input);
  }

  /** A module this node has, or fetches once from `from` however many spawns ask at once. */
  private moduleByHash(hash: string, from: string): Promise<LoadedModule> {
    const { kernel, peers } = this.node;
    const cached = kernel.modules.get(hash) ?? this.fetches.get(hash);
    if (cached) return cached;
    this.stats.moduleFetches++;
    const fetched = peers
      .linkByName(from)
      .call({ fetchModule: { hash } }, "moduleBytes")
      .then(({ data }) => {
        data = toBytes(data);
        if (ModuleCache.hash(data) !== hash) fail("EIO", `module from ${from} does not match its hash`);
        return kernel.modules.load(data);
      })
      .finally(() => this.fetches.delete(hash));
    this.fetches.set(hash, fetched);
    return fetched;
  }

  /** The other members not declared down: who a cluster-wide query asks. */
  private aliveOthers(): Member[] {
    const { kernel, members } = this.node;
    return members.list().filter((m) => m.id !== kernel.nodeId && m.state !== "down");
  }

  async ps(cluster: boolean, ended: boolean): Promise<ProcInfo[]> {
    const { kernel, peers, name } = this.node;
    const here = [...(ended ? this.ended : []), ...[...kernel.procs.values()].map((p) => procInfo(name, p))];
    if (!cluster) return here;
    const others = this.aliveOthers();
    const lists = await Promise.all(others.map((m) => peers.link(m.id).call({ ps: { cluster: false, ended } }, "procs").then((r) => r.procs, () => [])));
    return [...here, ...lists.flat()];
  }

  // ---- Router: what the kernel asks of other nodes ------------------------------------

  place(constraint: string): string {
    const { kernel, members, scheduler } = this.node;
    const list = members.list().map((m) => (m.id === kernel.nodeId ? { ...m, load: kernel.load } : m));
    return scheduler.place(list, constraint);
  }

  labelsOf(node: string): Readonly<Record<string, string>> | undefined {
    return this.node.members.list().find((m) => m.name === node)?.labels;
  }

  async spawn(node: string, request: StartRequest, observe?: SpawnObserve): Promise<number> {
    const reply = await this.node.peers.linkByName(node).call(
      {
        spawn: {
          moduleHash: request.module.hash,
          moduleNode: this.node.name,
          argv: [...request.argv],
          env: [...request.env],
          ppid: request.ppid,
          home: request.namespace.home,
          outputSink: this.sinks.idFor(request.output),
          memoryPages: request.memoryPages ?? 0,
          monotonicFloorMs: request.monotonicFloorMs ?? 0,
          caps: capsOnWire(request.caps),
          link: observe?.link ?? false,
          monitorRef: observe?.monitorRef ?? 0,
          owner: request.owner ?? "",
          authority: capabilitiesOnWire(request.authority ?? ROOT_CAPABILITIES),
          record: recordTargetOnWire(request.record),
          ancestors: [...(request.ancestors ?? [])],
        },
      },
      "pid",
    );
    return reply.pid;
  }

  send(from: number, to: number, tag: number, data: Uint8Array): void {
    const link = this.node.peers.linkForPid(to);
    link.credits.take(to);
    link.cast({ send: { from, to, tag, data, lamport: this.node.kernel.lamport.now } });
  }

  async kill(asker: Asker, pid: number): Promise<void> {
    await this.node.peers.linkForPid(pid).call({ kill: { caller: asker.pid, pid, ...askerOnWire(asker) } }, "empty");
  }

  /** A call, not a cast: the target's node alone knows whether it is in the watcher's scope. */
  async monitor(asker: Asker, pid: number, ref: number): Promise<void> {
    await this.node.peers.linkForPid(pid).call({ monitor: { watcher: asker.pid, pid, ref, ...askerOnWire(asker) } }, "empty");
  }

  demonitor(watcher: number, pid: number, ref: number): void {
    this.node.peers.castToNodeOf(pid, { demonitor: { watcher, pid, ref } });
  }

  down(watcher: number, ref: number, pid: number, info: ExitInfo): void {
    this.node.peers.castToNodeOf(watcher, { down: toExitNote(watcher, pid, info, ref) });
  }

  childExited(parent: number, child: number, info: ExitInfo): void {
    this.node.peers.castToNodeOf(parent, { childExit: toExitNote(parent, child, info) });
  }

  async linkProcess(asker: Asker, pid: number): Promise<void> {
    await this.node.peers.linkForPid(pid).call({ procLink: { from: asker.pid, pid, ...askerOnWire(asker) } }, "empty");
  }

  unlinkProcess(from: number, pid: number): void {
    this.node.peers.castToNodeOf(pid, { procUnlink: { from, pid } });
  }

  exitSignal(from: number, to: number, info: ExitInfo): void {
    this.node.peers.castToNodeOf(to, { exitSignal: toExitNote(to, from, info) });
  }

  fileService(node: string): FileService {
    return new RemoteFiles(this.node.peers.linkByName(node));
  }
}
