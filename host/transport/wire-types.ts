// Generated from abi/wire.proto by abi/gen.ts. Do not edit.

/** 64-bit fields arrive as Long (or number) and leave as number, string or bigint text. */
export type U64 = number | string | { toString(): string };

export type MemberState = "alive" | "suspect" | "down";

export const Times_Change = { KEEP: 0, SET: 1, NOW: 2 } as const;

/** Sent first by both sides. The server's hello also proves it knows the secret. */
export interface Hello {
  cluster: string;
  abiVersion: number;
  nonce: Uint8Array;
  name: string;
  /** HMAC-SHA256(secret, "server" || client nonce); absent in the client's hello. */
  proof?: Uint8Array | null;
  /** The sender's node id, its incarnation: 0 for a client that is not a member (the CLI, a node still joining). A node refuses calls from an incarnation it declared down. */
  nodeId?: number | null;
}

/** The client's answer: HMAC-SHA256(secret, "client" || server nonce). */
export interface Proof {
  proof: Uint8Array;
}

export interface Refuse {
  reason: string;
}

/** The server accepted the client's proof. */
export type Welcome = Record<string, never>;

/** Messages coalesced into one frame. seq numbers batches per connection so a duplicate is dropped and a gap (a lost frame) closes the connection, as TCP would have. */
export interface Batch {
  seq: U64;
  msgs: Msg[];
  /** The sender's Lamport clock when the batch left: the receiver's clock moves past it (host/kernel/journal/lamport.ts). 0 from a sender that keeps none. */
  lamport?: U64 | null;
}

export type Empty = Record<string, never>;

export interface Join {
  name: string;
  url: string;
  labels: Record<string, string>;
}

export interface Joined {
  nodeId: number;
  members?: Members | null;
}

export interface Member {
  id: number;
  name: string;
  url: string;
  /** "alive", "suspect" or "down" */
  state: MemberState;
  labels: Record<string, string>;
  load: number;
  /** the node's event-loop delay over its last heartbeat window, in microseconds (absent before its first heartbeat, and for a simulated node) */
  loopP99Us?: number | null;
  loopMaxUs?: number | null;
}

export interface Members {
  version: U64;
  members: Member[];
}

export interface Heartbeat {
  nodeId: number;
  load: number;
  /** the event loop's delay, as in Member (absent for a simulated node) */
  loopP99Us?: number | null;
  loopMaxUs?: number | null;
}

export interface LockReq {
  name: string;
  pid: number;
  timeoutMs: number;
}

export interface Token {
  token: U64;
}

export interface NamePid {
  name: string;
  pid: number;
}

export interface Name {
  name: string;
}

export interface Pid {
  pid: number;
}

export interface Spawn {
  moduleHash: string;
  /** The node that has the module's bytes, asked once if the receiver lacks them. */
  moduleNode: string;
  argv: string[];
  env: string[];
  ppid: number;
  /** The namespace the child inherits: its `/` is this node's export. */
  home: string;
  /** Where the child's stdout and stderr go: a sink on the spawning node. */
  outputSink: number;
  /** The child's memory cap in 64 KiB pages (its parent's, or what memlimit set); 0: the node's default. */
  memoryPages: number;
  /** The child's other limits: its parent's, or narrower ones childlimit set. */
  caps?: Caps | null;
  /** spawn_opt: link the child to ppid, and set monitor monitor_ref of ppid on it, before it runs. */
  link?: boolean | null;
  monitorRef?: number | null;
  /** The user the child runs for: its parent's owner. */
  owner?: string | null;
  /** The parent's monotonic clock at the spawn (ms): the child's never reads below it. */
  monotonicFloorMs?: number | null;
  /** The child's capability set (host/kernel/capabilities.ts): its parent's, or narrower ones childcap set. */
  authority?: Authority | null;
  /** The parent's pid and its nearest ancestors, nearest first, at most MAX_ANCESTORS (abi/abi.ts): whom the child is a descendant of, for kill, monitor and link. */
  ancestors: number[];
  /** The record call: the receiver records the child (its calls happen there) and writes the record at its end into a file of some node's export (the path the parent named). */
  record?: RecordTo | null;
}

export interface RecordTo {
  /** The node whose export gets the record, and the path in that export. */
  node: string;
  rel: string;
  /** The record's byte limit (a cut entry past it), 1 to 1 GiB. */
  limit: U64;
}

/** A process's capability set. The receiving node gives the child exactly this set: it holds nothing of the remote parent's to widen it with. Absent: the full set (an older sender). */
export interface Authority {
  restrictPaths: boolean;
  paths: PathGrant[];
  noSpawn: boolean;
  restrictLocks: boolean;
  lockPrefixes: string[];
  restrictNames: boolean;
  namePrefixes: string[];
  /** Labels a node must carry for the process to spawn there. */
  spawnLabels: Record<string, string>;
  /** Which processes it may kill, monitor and link: "owner", "descendants" or "children". */
  scope: string;
}

/** A namespace subtree: `rel` in node `node`'s export ("" its root). */
export interface PathGrant {
  node: string;
  rel: string;
  write: boolean;
}

/** A process's limits beside memory (host/kernel/process-limits.ts). The receiving node lowers each to its own default; 0 (or absent) is that default, and cpu_ms 0 asks for no budget. */
export interface Caps {
  cpuMs: number;
  openFiles: number;
  descendants: number;
  mailboxMessages: number;
  mailboxBytes: number;
  locks: number;
}

export interface Hash {
  hash: string;
}

export interface Bytes {
  data: Uint8Array;
}

export interface Deliver {
  from: number;
  to: number;
  tag: number;
  data: Uint8Array;
  /** The sender's Lamport time at the send: with `from`, the message's id in the journals. */
  lamport?: U64 | null;
}

/** n more messages may be sent to pid (host/cluster/flow-control.ts). */
export interface Credit {
  pid: number;
  n: number;
}

export interface Kill {
  caller: number;
  pid: number;
  /** The user the caller runs for: it may end only that user's processes ("": not limited). */
  owner?: string | null;
  /** The caller's process scope (Authority.scope), checked against pid's ancestors where pid runs; absent: "descendants". Not checked for caller 0 (the operator). */
  scope?: string | null;
}

/** Link (or unlink) process `from` and process `pid`, which is on the receiver. */
export interface LinkReq {
  from: number;
  pid: number;
  /** From's owner and process scope, as Kill's (a link can end its partner). */
  owner?: string | null;
  scope?: string | null;
}

export interface WaitFor {
  pid: number;
  child: number;
}

export interface MonitorReq {
  watcher: number;
  pid: number;
  ref: number;
  /** The watcher's owner and process scope, as Kill's. */
  owner?: string | null;
  scope?: string | null;
}

/** A process ended: to a watcher on another node (down), to its parent (child_exit), to a linked partner (exit_signal), or to the CLI that ran it (exited). `to` is the watcher, parent or partner; `pid` the process that ended. */
export interface ExitNote {
  to: number;
  pid: number;
  reason: string;
  status: number;
  text: string;
  /** The monitor that fired (down only). */
  ref?: number | null;
}

export interface Output {
  sink: number;
  fd: number;
  data: Uint8Array;
}

/** cluster: gather every alive node's processes; otherwise only the receiver's. */
export interface Ps {
  cluster: boolean;
  /** Include recently ended processes. */
  ended: boolean;
}

export interface ProcInfo {
  pid: number;
  node: string;
  ppid: number;
  state: string;
  module: string;
  uptimeMs: number;
  memoryBytes: U64;
  /** time its guest code ran, in nanoseconds */
  cpuTimeNs: U64;
  /** guest calls it made */
  syscalls: U64;
  /** messages waiting in its mailbox */
  mailboxDepth: number;
  /** The user who started it (or its first ancestor); "" when nobody is known (--insecure, embedded run). */
  owner?: string | null;
}

export interface ProcList {
  procs: ProcInfo[];
}

/** From the CLI: run a module on the receiving node (or `node`), streaming its output back. */
export interface Run {
  module: Uint8Array;
  argv: string[];
  env: string[];
  node: string;
  /** The process outlives the CLI's connection: its output is only kept in its log, and its fd 0 is fed by whoever attaches. */
  detached?: boolean | null;
  /** Set by the node from the client's certificate, whatever the client sent. */
  owner?: string | null;
  /** run --record: record the process with this byte limit (1 to 1 GiB; absent or 0: not recorded) and send the record back as record_data casts before exited. */
  recordLimit?: U64 | null;
  /** The owner's role (host/auth/roles.ts), set with it: it chooses the process's default namespace. */
  role?: string | null;
  /** onebox run --scope, --ro, --rw: the process's capability set, asked of the node. */
  rootSet?: RootSet | null;
}

/** What a root process asks beyond its default set (host/kernel/root-capabilities.ts). */
export interface RootSet {
  /** "owner" widens the process scope from its descendants to its owner's processes. */
  scope: string;
  /** Namespace paths it is narrowed to, read-only and read-write. */
  ro: string[];
  rw: string[];
}

export interface Logs {
  pid: number;
  follow: boolean;
}

/** What the logs call found: bytes of the process's output its bounded buffer dropped, and its end if it has ended (then nothing more will come). */
export interface LogInfo {
  dropped: U64;
  exit?: ExitNote | null;
}

export interface FileOpen {
  rel: string;
  flags: number;
}

/** A lock's fencing token a write or truncate carries (the ABI's fence); no lock: unfenced. */
export interface Fence {
  lock: string;
  token: U64;
}

/** Read up to len bytes at pos. */
export interface ReadAt {
  handle: number;
  pos: U64;
  len: number;
}

/** Write data at pos; pos < 0 writes at the end (O_APPEND). Numbered as ReadAt where they share a field, so the two were once one message and still read each other's bytes. */
export interface WriteAt {
  handle: number;
  pos: U64;
  data: Uint8Array;
  fence?: Fence | null;
}

export interface Handle {
  handle: number;
}

export interface Path {
  rel: string;
}

export interface Rename {
  from: string;
  to: string;
}

export interface Count {
  n: U64;
}

export interface StatReply {
  size: U64;
  mtimeNs: U64;
  kind: number;
  dev: U64;
  ino: U64;
  nlink: U64;
  atimeNs: U64;
  ctimeNs: U64;
}

/** follow: a symbolic link as the last component is followed (stat), else reported (lstat). */
export interface PathFollow {
  rel: string;
  follow: boolean;
}

/** only: "any", "file" (a directory is EISDIR) or "dir" (anything else is ENOTDIR). */
export interface Unlink {
  rel: string;
  only: string;
}

export interface Truncate {
  handle: number;
  size: U64;
  fence?: Fence | null;
}

export interface Sync {
  handle: number;
  dataOnly: boolean;
}

/** A time is kept (KEEP), set to *_ns (SET), or set to the serving node's clock (NOW). */
export interface Times {
  handle: number;
  rel: string;
  follow: boolean;
  atime: number;
  atimeNs: U64;
  mtime: number;
  mtimeNs: U64;
}

export interface Link {
  from: string;
  to: string;
  follow: boolean;
}

export interface Entry {
  name: string;
  ino: U64;
  kind: number;
}

/** end: the input is over (data may come with it). */
export interface Input {
  data: Uint8Array;
  end: boolean;
}

export interface Entries {
  entries: Entry[];
}

/** Every credential of `name` (a node's certificate when `node`, else a user's certificate and tokens) issued at or before `before` (Unix seconds) is refused. */
export interface Revocation {
  name: string;
  node: boolean;
  before: number;
}

export interface Revocations {
  revoked: Revocation[];
}

export interface Names {
  names: string[];
}

/** Records of every node's journal (cluster) or the receiver's, from a sequence number per node name on (absent: from the oldest kept). */
export interface JournalQuery {
  cluster: boolean;
  since: Record<string, U64>;
  /** The journal (JournalPage.journal) each cursor in since was read from: a node whose journal is another one (it restarted under its name) answers from its start. */
  journals: Record<string, string>;
}

/** One syscall, decoded (host/kernel/journal/journal-reader.ts). */
export interface JournalRecord {
  node: string;
  seq: U64;
  pid: number;
  call: string;
  args: string;
  result: number;
  errno: string;
  startMs: number;
  durationUs: number;
  lamport: U64;
  msg: string;
}

export interface JournalPage {
  node: string;
  records: JournalRecord[];
  next: U64;
  lost: U64;
  horizon: U64;
  /** This journal's identity: random, made when its node starts, so a restart under the same name (whose journal starts again from 0) is seen by a follower. */
  journal: string;
}

export interface JournalPages {
  pages: JournalPage[];
}

/** The bodies a Msg can carry, by field name (exactly one is set). */
export interface Bodies {
  empty: Empty;
  join: Join;
  joined: Joined;
  members: Members;
  heartbeat: Heartbeat;
  lock: LockReq;
  token: Token;
  unlock: NamePid;
  register: NamePid;
  unregister: NamePid;
  whereis: Name;
  pid: Pid;
  releaseAll: Pid;
  spawn: Spawn;
  fetchModule: Hash;
  moduleBytes: Bytes;
  send: Deliver;
  kill: Kill;
  monitor: MonitorReq;
  demonitor: MonitorReq;
  down: ExitNote;
  childExit: ExitNote;
  output: Output;
  ps: Ps;
  procs: ProcList;
  run: Run;
  exited: ExitNote;
  nodes: Empty;
  credit: Credit;
  fOpen: FileOpen;
  fRead: ReadAt;
  fWrite: WriteAt;
  fSize: Handle;
  fClose: Handle;
  fStat: PathFollow;
  fReaddir: Path;
  fMkdir: Path;
  fUnlink: Unlink;
  fRename: Rename;
  fReadFile: Path;
  count: Count;
  bytes: Bytes;
  stat: StatReply;
  names: Names;
  fFstat: Handle;
  fTruncate: Truncate;
  fSync: Sync;
  fFutimes: Times;
  fUtimes: Times;
  fSymlink: Rename;
  fReadlink: Path;
  fLink: Link;
  entries: Entries;
  input: Input;
  inputTaken: Count;
  logs: Logs;
  logInfo: LogInfo;
  attach: Pid;
  procLink: LinkReq;
  procUnlink: LinkReq;
  exitSignal: ExitNote;
  waitFor: WaitFor;
  waitDone: Pid;
  journal: JournalQuery;
  journalPages: JournalPages;
  revoke: Revocations;
  revoked: Revocations;
  recordData: Bytes;
}

export type BodyName = keyof Bodies;

/** One body: exactly one key of Bodies set. */
export type Body = { [K in BodyName]: { [P in K]: Bodies[K] } }[BodyName];

/** A call (id > 0), its reply (replyTo > 0) or a cast, with its one body. */
export type Msg = Body & { id?: number; replyTo?: number; errno?: string; detail?: string };

/** One WebSocket message: exactly one of these. */
export type Frame =
  | { hello: Hello }
  | { proof: Proof }
  | { refuse: Refuse }
  | { batch: Batch }
  | { welcome: Welcome };
