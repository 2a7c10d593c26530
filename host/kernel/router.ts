import type { Asker } from "./process-scope.ts";
import type { ExitInfo } from "./errors.ts";
import type { FileService } from "./file-service.ts";
import type { StartRequest } from "./process.ts";

/** What spawn_opt sets on a child before it runs: a link to its parent, and the parent's monitor `monitorRef` (0: none). */
export interface SpawnObserve {
  readonly link: boolean;
  readonly monitorRef: number;
}

/**
 * What the kernel asks about anything on another node. The cluster implements it; a lone
 * node has none, and every such request is EHOSTUNREACH. Pids name their node
 * (nodeIdOfPid); a router throws SysError("EHOSTUNREACH") for a node it cannot reach.
 */
export interface Router {
  /** The node a spawn with no node named should run on; `constraint` is "" or k=v[,k=v]. */
  place(constraint: string): string;
  /** The labels of member `node`; undefined for a node it does not know. */
  labelsOf(node: string): Readonly<Record<string, string>> | undefined;
  /**
   * Start a child on `node` (which fetches the module by hash if it lacks it); its pid.
   * `observe`: link it to its parent and set the parent's monitor there before it runs (spawn_opt).
   */
  spawn(node: string, request: StartRequest, observe?: SpawnObserve): Promise<number>;
  /**
   * Queue a message for a process on another node. Order per sender->receiver is kept.
   * EAGAIN once this node's send credit toward `to` is spent (its mailbox is full).
   */
  send(from: number, to: number, tag: number, data: Uint8Array): void;
  /** Kill `pid` for `asker`, checked where `pid` runs (process-scope.ts). */
  kill(asker: Asker, pid: number): Promise<void>;
  /** Set monitor `ref` of `asker` on `pid`: EPERM from its node if out of the asker's scope; other failures, its node is out of reach. */
  monitor(asker: Asker, pid: number, ref: number): Promise<void>;
  demonitor(watcher: number, pid: number, ref: number): void;
  /** A process here ended (or never was): fire monitor `ref` of a watcher on another node. */
  down(watcher: number, ref: number, pid: number, info: ExitInfo): void;
  /** A process here ended: tell its parent on another node, for wait. */
  childExited(parent: number, child: number, info: ExitInfo): void;
  /** Link `asker` (here) and `pid` (there); ESRCH if `pid` is not running, EPERM if out of the asker's scope. */
  linkProcess(asker: Asker, pid: number): Promise<void>;
  unlinkProcess(from: number, pid: number): void;
  /** Process `from` here ended: tell its linked partner `to` on another node. */
  exitSignal(from: number, to: number, info: ExitInfo): void;
  /** The export of another node. */
  fileService(node: string): FileService;
}
