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
  kill(caller: number, pid: number, owner?: string): Promise<void>;
  monitor(watcher: number, pid: number, ref: number): void;
  demonitor(watcher: number, pid: number, ref: number): void;
  /** A process here ended (or never was): fire monitor `ref` of a watcher on another node. */
  down(watcher: number, ref: number, pid: number, info: ExitInfo): void;
  /** A process here ended: tell its parent on another node, for wait. */
  childExited(parent: number, child: number, info: ExitInfo): void;
  /** Link `from` (here) and `pid` (there); ESRCH if `pid` is not running. */
  linkProcess(from: number, pid: number): Promise<void>;
  unlinkProcess(from: number, pid: number): void;
  /** Process `from` here ended: tell its linked partner `to` on another node. */
  exitSignal(from: number, to: number, info: ExitInfo): void;
  /** The export of another node. */
  fileService(node: string): FileService;
}
