// The one definition of the onebox ABI. The host's dispatch table is typed from
// SYSCALLS, and abi/gen.ts writes the AssemblyScript declarations and docs/ABI.md
// from it; test/abi.test.ts fails when any of them drifts.

/** Bumped on any incompatible change. A guest states it in the custom section ABI_SECTION. */
export const ABI_VERSION = 1;
/** Custom section holding the ABI version a guest was built for, as one unsigned LEB128. */
export const ABI_SECTION = "onebox_abi";

export const MODULE_ONEBOX = "onebox";
export const MODULE_WASI = "wasi_snapshot_preview1";

/**
 * Error numbers, with WASI preview1's values so a C guest's errno.h agrees with ours.
 * A call returns the negated number: -ESRCH is "no such process".
 */
export const ERRNO = {
  E2BIG: { code: 1, doc: "buffer too small for the result; nothing was consumed" },
  EACCES: { code: 2, doc: "path leaves its export, or outside the caller's capability set (a path, lock or name childcap did not grant)" },
  EAGAIN: { code: 6, doc: "would block: a receiver's mailbox is full (in messages or bytes), a poll found nothing, or a node limit is reached" },
  EBADF: { code: 8, doc: "not an open file descriptor" },
  EBUSY: { code: 10, doc: "lock held by another process" },
  ECHILD: { code: 12, doc: "not a child of the caller, or no child left to wait for" },
  EDEADLK: { code: 16, doc: "waiting would deadlock (a wait-for cycle, or the caller holds it)" },
  EEXIST: { code: 20, doc: "already exists" },
  EFAULT: { code: 21, doc: "pointer or length outside the guest's memory" },
  EHOSTUNREACH: { code: 23, doc: "the node that owns the resource is unknown or down" },
  EINVAL: { code: 28, doc: "invalid argument" },
  EIO: { code: 29, doc: "I/O error on the host" },
  EISDIR: { code: 31, doc: "is a directory" },
  ELOOP: { code: 32, doc: "a symbolic link where the call does not follow one (O_NOFOLLOW, WASI lookupflags without symlink_follow)" },
  EMFILE: { code: 33, doc: "too many open files in this process (LIMIT_OPEN_FILES)" },
  EMSGSIZE: { code: 35, doc: "message larger than MAX_MESSAGE_BYTES" },
  ENAMETOOLONG: { code: 37, doc: "name or path too long" },
  ENFILE: { code: 41, doc: "the node holds its limit of open files (descriptors) for all its processes" },
  ENOENT: { code: 44, doc: "no such file, directory, module or name" },
  ENOEXEC: { code: 45, doc: "not a runnable module (malformed, unknown import, other ABI version)" },
  ENOLCK: { code: 46, doc: "the caller holds its limit of lock names (LIMIT_LOCKS)" },
  ENOTDIR: { code: 54, doc: "not a directory" },
  ENOSPC: { code: 51, doc: "no room: a file export remembers at most MAX_FENCED_LOCKS lock names" },
  ENOTEMPTY: { code: 55, doc: "directory not empty" },
  ENOTSOCK: { code: 57, doc: "not a socket (no process is given sockets yet)" },
  ENOTSUP: { code: 58, doc: "not supported" },
  EPERM: { code: 63, doc: "not permitted (unlocking a lock the caller does not hold; a spawn or kill its capability set does not allow)" },
  ESPIPE: { code: 70, doc: "seek on a stream" },
  ESRCH: { code: 71, doc: "no such process" },
  ESTALE: { code: 72, doc: "a fenced write or truncate carried a lock token older than the newest the file's export has seen for that lock" },
  ETIMEDOUT: { code: 73, doc: "timed out" },
  EXDEV: { code: 75, doc: "rename or link across two nodes' exports" },
  ENOTCAPABLE: { code: 76, doc: "the descriptor lacks the WASI right the call needs, or a rights change would widen them" },
} as const;
export type ErrnoName = keyof typeof ERRNO;

/** Why a process ended: `wait` reports it, and so does a monitor's down message. */
export const EXIT_REASONS = {
  NORMAL: { code: 0, doc: "returned from _start or called exit" },
  KILLED: { code: 1, doc: "killed by another process or the operator" },
  TRAP: { code: 2, doc: "trapped (unreachable, out-of-bounds access, stack overflow, ...)" },
  NOCONNECTION: { code: 3, doc: "its node went down or could not be reached" },
  NOPROC: { code: 4, doc: "no such process when the monitor was set, nor one that ended lately (those report how they ended)" },
  ERROR: { code: 5, doc: "the host could not start it (bad module, ABI version, limits)" },
  LINKED: { code: 6, doc: "a process linked to it ended abnormally and it did not trap exits (the text names that process and its reason)" },
  LIMIT_CPU: { code: 7, doc: "ran past its CPU-time budget (childlimit LIMIT_CPU_MS, `onebox run --cpu`)" },
  LIMIT_MEMORY: { code: 8, doc: "grew its memory past what the node's memory budget had left" },
} as const;
export type ExitReasonName = keyof typeof EXIT_REASONS;

export const FLAGS = {
  open: {
    O_READ: { value: 1, doc: "open for reading" },
    O_WRITE: { value: 2, doc: "open for writing" },
    O_CREATE: { value: 4, doc: "create the file if it does not exist" },
    O_TRUNC: { value: 8, doc: "truncate to length 0" },
    O_APPEND: { value: 16, doc: "every write goes to the end" },
    O_EXCL: { value: 32, doc: "with O_CREATE: fail with EEXIST if it exists" },
    O_DSYNC: { value: 64, doc: "each write waits until its data is on disk" },
    O_SYNC: { value: 128, doc: "each write waits until its data and metadata are on disk" },
    O_NOFOLLOW: { value: 256, doc: "a symbolic link as the last component is ELOOP" },
  },
  whence: {
    SEEK_SET: { value: 0, doc: "offset from the start" },
    SEEK_CUR: { value: 1, doc: "offset from the current position" },
    SEEK_END: { value: 2, doc: "offset from the end" },
  },
  fileKind: {
    KIND_FILE: { value: 1, doc: "regular file" },
    KIND_DIR: { value: 2, doc: "directory" },
    KIND_OTHER: { value: 3, doc: "anything else" },
    KIND_SYMLINK: { value: 4, doc: "symbolic link (only where links are not followed: WASI's lstat and directory entries)" },
  },
  special: {
    TIMEOUT_INFINITE: { value: -1, doc: "timeout_ms that never expires" },
    WAIT_ANY: { value: -1, doc: "wait's pid: any child" },
    TAG_DOWN: { value: -1, doc: "tag of a monitor's down message (user tags are >= 0)" },
    TAG_CAP: { value: -3, doc: "tag of the message capgive sends: the data is the capability's kind (i32) and its text (UTF-8), a path as /n/<node>/<path>; it is in the receiver's set from when it is queued" },
    TAG_EXIT: { value: -2, doc: "tag of the exit message a process that traps exits gets when a linked process ends (down_message layout)" },
  },
  spawn: {
    SPAWN_LINK: { value: 1, doc: "spawn_opt: link the caller and the child before the child runs" },
    SPAWN_MONITOR: { value: 2, doc: "spawn_opt: monitor the child before it runs; the monitor's reference is written at monitor_ref_ptr" },
  },
  limitKind: {
    LIMIT_MEMORY_PAGES: { value: 1, doc: "linear memory cap in 64 KiB pages, summed over a module's memories (as memlimit)" },
    LIMIT_CPU_MS: { value: 2, doc: "CPU time in ms; past it the process ends with reason LIMIT_CPU" },
    LIMIT_OPEN_FILES: { value: 3, doc: "open files and directories (EMFILE beyond)" },
    LIMIT_DESCENDANTS: { value: 4, doc: "live descendants on the process's node (spawn's EAGAIN beyond)" },
    LIMIT_MAILBOX_MESSAGES: { value: 5, doc: "messages queued in its mailbox (senders' EAGAIN beyond)" },
    LIMIT_MAILBOX_BYTES: { value: 6, doc: "bytes of message data queued in its mailbox (senders' EAGAIN beyond)" },
    LIMIT_LOCKS: { value: 7, doc: "lock names held at once (ENOLCK beyond)" },
  },
  capKind: {
    CAP_RESET: { value: 0, doc: "childcap: the children get the caller's own capability set again (the text is ignored)" },
    CAP_PATH_RO: { value: 1, doc: "childcap: the children may read the namespace subtree at the text (a path); the first CAP_PATH_* grant replaces the inherited namespace, later ones add to it" },
    CAP_PATH_RW: { value: 2, doc: "childcap: as CAP_PATH_RO, and they may change it" },
    CAP_LOCK_PREFIX: { value: 3, doc: "childcap: the children may take locks whose names start with the text; the first grant replaces the inherited prefixes" },
    CAP_NAME_PREFIX: { value: 4, doc: "childcap: the children may register names that start with the text; the first grant replaces the inherited prefixes" },
    CAP_NO_SPAWN: { value: 5, doc: "childcap: the children may not spawn (EPERM)" },
    CAP_KILL_CHILDREN: { value: 6, doc: "childcap: the children may kill, monitor and link only their own children (EPERM for any other pid)" },
    CAP_SPAWN_LABELS: { value: 7, doc: "childcap: the children may spawn only on nodes carrying the labels in the text (k=v[,k=v]); a spawn elsewhere is EPERM, one that names no node is placed among those nodes" },
    CAP_SCOPE_DESCENDANTS: { value: 8, doc: "childcap: the children may kill, monitor and link only their own descendants, on any node (EPERM for any other pid): what every process gets unless its root was started with `onebox run --scope owner`" },
  },
  limits: {
    MAX_MESSAGE_BYTES: { value: 16 * 1024 * 1024, doc: "largest message `send` takes, to any process on any node: it must fit one wire frame (64 MiB) with room to spare" },
    MAX_LINKS: { value: 1000, doc: "links one process may have; proc_link and spawn_opt's SPAWN_LINK past it are refused with EAGAIN" },
    MAX_ANCESTORS: { value: 64, doc: "nearest ancestors a process's kernel remembers (they travel with a remote spawn): a process is a descendant, for kill, monitor and link, of these only" },
    MAX_FENCED_LOCKS: { value: 10_000, doc: "lock names one node's file export remembers the newest fencing token of; a fenced write naming one more is refused with ENOSPC (forgetting one would let its stale holders through)" },
  },
} as const;

/** Byte layouts of structs a call reads or writes in guest memory. Little-endian. */
export const LAYOUTS = {
  wait_status: {
    size: 8,
    doc: "written by wait",
    fields: { status: { offset: 0, type: "i32" }, reason: { offset: 4, type: "i32" } },
  },
  recv_info: {
    size: 12,
    doc: "written by recv; on E2BIG only len is written, and the message stays queued",
    fields: { sender: { offset: 0, type: "i32" }, tag: { offset: 4, type: "i32" }, len: { offset: 8, type: "i32" } },
  },
  stat: {
    size: 24,
    doc: "written by stat",
    fields: { size: { offset: 0, type: "u64" }, mtime_ns: { offset: 8, type: "u64" }, kind: { offset: 16, type: "u32" } },
  },
  down_message: {
    size: 12,
    doc: "payload of a TAG_DOWN message; the reason text (UTF-8) follows the 12 bytes",
    fields: { pid: { offset: 0, type: "i32" }, reason: { offset: 4, type: "i32" }, status: { offset: 8, type: "i32" } },
  },
} as const;

/**
 * Parameter kinds. `ptr`/`len` are guest memory addresses and byte counts (i32); a pair
 * named x_ptr/x_len is one buffer. `i64` is the only 64-bit kind.
 */
export type ParamKind = "i32" | "i64" | "ptr" | "len";

export interface ParamDef {
  readonly name: string;
  readonly kind: ParamKind;
}

export interface SyscallDef {
  readonly name: string;
  readonly module: typeof MODULE_ONEBOX | typeof MODULE_WASI;
  readonly area: "process" | "message" | "file" | "lock" | "registry" | "env" | "socket";
  readonly params: readonly ParamDef[];
  /** What a non-negative return means; "never" for calls that do not return. */
  readonly returns: string;
  /** Suspends the caller (served asynchronously, maybe on another node). */
  readonly blocking: boolean;
  readonly doc: string;
  readonly errors: readonly ErrnoName[];
}

const p = <K extends ParamKind = "i32">(name: string, kind: K = "i32" as K) => ({ name, kind });
const buf = (name: string) => [p(`${name}_ptr`, "ptr"), p(`${name}_len`, "len")] as const;

export const SYSCALLS = [
  // process
  {
    name: "spawn", module: MODULE_ONEBOX, area: "process", blocking: true,
    params: [...buf("path"), ...buf("args"), ...buf("env"), ...buf("node")],
    returns: "pid of the new process",
    doc: "Start the module at `path` (a namespace path) as a child. `args` and `env` are NUL-terminated strings back to back (env entries are KEY=VALUE); the child's argv[0] is the path. `node` names the node to run on; empty lets the host choose. The child inherits the caller's namespace, output and memory cap (see memlimit; over the target node's maximum, EINVAL). EAGAIN: the node's memory budget is spent, the node runs its most live processes, or the caller or an ancestor on its node has its most live descendants. EPERM: the caller's capability set forbids spawning (CAP_NO_SPAWN), or on that node (CAP_SPAWN_LABELS); EACCES: `path` is outside its readable namespace.",
    errors: ["EFAULT", "ENOENT", "ENOEXEC", "EHOSTUNREACH", "EACCES", "EINVAL", "EAGAIN", "ENOTSUP", "EPERM"],
  },
  {
    name: "memlimit", module: MODULE_ONEBOX, area: "process", blocking: false,
    params: [p("pages")], returns: "0",
    doc: "Set the memory cap (64 KiB pages, summed over a module's memories) of the children the caller spawns from now on, on any node; 0 restores the caller's own cap, which is the most it may be.",
    errors: ["EINVAL"],
  },
  {
    name: "childlimit", module: MODULE_ONEBOX, area: "process", blocking: false,
    params: [p("kind"), p("value")], returns: "0",
    doc: "Narrow limit `kind` (a LIMIT_* value) of the children the caller spawns from now on, on any node; their children inherit it. `value` may not pass the caller's own limit of that kind (EINVAL: a child can only get less); 0 restores the caller's own. A child on another node gets the smaller of this and that node's default.",
    errors: ["EINVAL"],
  },
  {
    name: "childcap", module: MODULE_ONEBOX, area: "process", blocking: false,
    params: [p("kind"), ...buf("text")], returns: "0",
    doc: "Narrow the capability set (docs/SECURITY.md) of the children the caller spawns from now on, on any node; their children inherit it. `kind` is a CAP_* value; `text` is its path or prefix (UTF-8), empty for the kinds without one. A grant the caller does not hold itself is EINVAL: a child can only get less. A child denied a path gets EACCES, a lock or name outside its prefixes EACCES, a spawn or kill outside its set EPERM.",
    errors: ["EFAULT", "EINVAL", "ENAMETOOLONG"],
  },
  {
    name: "capgive", module: MODULE_ONEBOX, area: "process", blocking: false,
    params: [p("pid"), p("kind"), ...buf("text")], returns: "0",
    doc: "Hand process `pid`, on any node, one capability the caller holds itself: CAP_PATH_RO or CAP_PATH_RW with a path, CAP_LOCK_PREFIX or CAP_NAME_PREFIX with a prefix (as childcap's). The kernel adds it to pid's capability set and tells pid with a TAG_CAP message; no guest holds anything that names it, so none can forge one. A capability the caller does not hold is EINVAL; a full mailbox or send credit, EAGAIN, and nothing is given. A process whose set already holds MAX_GRANTS of that kind keeps its set (the TAG_CAP message still comes).",
    errors: ["EFAULT", "EINVAL", "ENAMETOOLONG", "ESRCH", "EAGAIN", "EHOSTUNREACH"],
  },
  {
    name: "exit", module: MODULE_ONEBOX, area: "process", blocking: false,
    params: [p("status")], returns: "never",
    doc: "End the caller with `status`. Its locks, names and files are released; monitors fire with reason NORMAL.",
    errors: [],
  },
  {
    name: "wait", module: MODULE_ONEBOX, area: "process", blocking: true,
    params: [p("pid"), p("status_ptr", "ptr")], returns: "pid of the child that ended",
    doc: "Wait until child `pid` (or any child, with WAIT_ANY) ends, reap it, and write its wait_status. EDEADLK: the wait would close a wait-for cycle of waits and lock waits (the child, or what it waits for, waits for a lock the caller holds), on any node. WAIT_ANY counts as waiting for the child only while the caller has exactly one.",
    errors: ["EFAULT", "ECHILD", "EDEADLK"],
  },
  {
    name: "kill", module: MODULE_ONEBOX, area: "process", blocking: true,
    params: [p("pid")], returns: "0",
    doc: "End process `pid` with reason KILLED, on whatever node it runs. A process in an endless loop is stopped at its next preemption point. A process may end only itself and its descendants (its process scope, see docs/SECURITY.md; CAP_KILL_CHILDREN narrows it to its children), or, under a root started with `onebox run --scope owner`, any process of its owner; EPERM otherwise. A process that runs for a user (its owner) never ends another user's processes.",
    errors: ["ESRCH", "EPERM", "EHOSTUNREACH"],
  },
  {
    name: "getpid", module: MODULE_ONEBOX, area: "process", blocking: false,
    params: [], returns: "the caller's pid", doc: "The caller's pid, valid cluster-wide.", errors: [],
  },
  {
    name: "getppid", module: MODULE_ONEBOX, area: "process", blocking: false,
    params: [], returns: "the parent's pid, or 0", doc: "The pid of the process that spawned the caller; 0 for a process started by the operator.", errors: [],
  },
  {
    name: "lamport", module: MODULE_ONEBOX, area: "process", blocking: false,
    params: [p("time_ptr", "ptr")], returns: "0",
    doc: "Write the caller's Lamport time (u64): larger than that of every call it made before and of every call that happened before them anywhere in the cluster (a send before the recv that took its message, a spawn before the child's first call). Reading it is itself a call, so two reads differ.",
    errors: ["EFAULT"],
  },
  {
    name: "sleep", module: MODULE_ONEBOX, area: "process", blocking: true,
    params: [p("ms")], returns: "0", doc: "Suspend the caller for `ms` milliseconds.", errors: ["EINVAL"],
  },
  {
    name: "yield", module: MODULE_ONEBOX, area: "process", blocking: true,
    params: [], returns: "0", doc: "Let every other runnable process and the node's own work run once.", errors: [],
  },
  {
    name: "monitor", module: MODULE_ONEBOX, area: "process", blocking: true,
    params: [p("pid")], returns: "a monitor reference (> 0)",
    doc: "When `pid` ends, send the caller a TAG_DOWN message (down_message layout). A pid that already ended yields one at once with the reason it ended with (its node remembers its last 10,000 ends), one unknown with reason NOPROC; a node that goes down, with NOCONNECTION. To miss nothing of a child, spawn_opt with SPAWN_MONITOR. EPERM: `pid` runs but is outside the caller's process scope (as kill's), asked where it runs.",
    errors: ["EPERM"],
  },
  {
    name: "demonitor", module: MODULE_ONEBOX, area: "process", blocking: false,
    params: [p("ref")], returns: "0", doc: "Cancel a monitor; its down message will not be sent.", errors: ["EINVAL"],
  },
  {
    name: "record", module: MODULE_ONEBOX, area: "process", blocking: false,
    params: [...buf("path")], returns: "0",
    doc: "Record the next child the caller spawns, on any node: every call it makes, with what each gave it (results, messages, clock and random values, memory written), so `onebox replay` can run it again alone. The child's node records it (up to 64 MiB, then the record is cut) and at the child's end writes the record to `path`, a path in the caller's namespace on any node's export (created or replaced; the caller must be able to write there), before the caller's `wait` for the child returns. An empty path cancels. A spawn fails with EAGAIN while the child's node already holds 1 GiB of records' limits.",
    errors: ["EFAULT", "ENAMETOOLONG", "EACCES"],
  },
  {
    name: "spawn_opt", module: MODULE_ONEBOX, area: "process", blocking: true,
    params: [...buf("path"), ...buf("args"), ...buf("env"), ...buf("node"), p("flags"), p("monitor_ref_ptr", "ptr")],
    returns: "pid of the new process",
    doc: "spawn, with SPAWN_* `flags`: SPAWN_LINK links the caller and the child, SPAWN_MONITOR monitors the child and writes the monitor's reference (i32) at `monitor_ref_ptr`; both are set before the child runs, on any node, so its end is never missed (a monitor set after spawn returns can find a fast child gone). EAGAIN also: the caller has MAX_LINKS links.",
    errors: ["EFAULT", "ENOENT", "ENOEXEC", "EHOSTUNREACH", "EACCES", "EINVAL", "EAGAIN", "ENOTSUP", "EPERM"],
  },
  {
    name: "proc_link", module: MODULE_ONEBOX, area: "process", blocking: true,
    params: [p("pid")], returns: "0",
    doc: "Link the caller and `pid`, on any node, as Erlang's link: when either ends abnormally (any reason but NORMAL) the other ends with reason LINKED, or, if it traps exits (trap_exit), gets a TAG_EXIT message. Both ways; linking again, or to itself, is a no-op. A node that goes down ends its partners' links with reason NOCONNECTION. ESRCH: `pid` is not running. EAGAIN: the caller or `pid` has MAX_LINKS links. EPERM: `pid` is outside the caller's process scope (as kill's): a link can end its partner.",
    errors: ["ESRCH", "EHOSTUNREACH", "EAGAIN", "EPERM"],
  },
  {
    name: "proc_unlink", module: MODULE_ONEBOX, area: "process", blocking: false,
    params: [p("pid")], returns: "0",
    doc: "Remove the link between the caller and `pid`, both ways; no link is not an error. A TAG_EXIT message already queued stays.",
    errors: [],
  },
  {
    name: "trap_exit", module: MODULE_ONEBOX, area: "process", blocking: false,
    params: [p("on")], returns: "the previous setting (0 or 1)",
    doc: "With `on` 1, a linked process's end no longer ends the caller: it gets a TAG_EXIT message (down_message layout) instead, for a NORMAL end too. 0 turns it off. Processes start with it off.",
    errors: ["EINVAL"],
  },
  // message
  {
    name: "send", module: MODULE_ONEBOX, area: "message", blocking: false,
    params: [p("pid"), p("tag"), ...buf("data")], returns: "0",
    doc: "Queue `data` for `pid` under `tag` (>= 0). Messages from one sender to one receiver arrive in the order sent. Data over MAX_MESSAGE_BYTES is refused with EMSGSIZE, never queued.",
    errors: ["EFAULT", "ESRCH", "EAGAIN", "EINVAL", "EHOSTUNREACH", "EMSGSIZE"],
  },
  {
    name: "recv", module: MODULE_ONEBOX, area: "message", blocking: true,
    params: [p("tags_ptr", "ptr"), p("tags_count"), p("timeout_ms"), ...buf("buf"), p("info_ptr", "ptr")],
    returns: "length of the message",
    doc: "Take the oldest message whose tag is one of the `tags_count` i32 tags at `tags_ptr` (any tag when 0), waiting up to `timeout_ms` (0 polls, TIMEOUT_INFINITE waits forever). Writes recv_info. A message longer than `buf_len` stays queued: E2BIG, with its length in recv_info.len.",
    errors: ["EFAULT", "E2BIG", "ETIMEDOUT", "EAGAIN", "EINVAL"],
  },
  // file
  {
    name: "open", module: MODULE_ONEBOX, area: "file", blocking: true,
    params: [...buf("path"), p("flags")], returns: "a file descriptor (>= 3)",
    doc: "Open a file by namespace path with O_* flags.",
    errors: ["EFAULT", "ENOENT", "EEXIST", "EACCES", "EISDIR", "EMFILE", "ENFILE", "EINVAL", "EHOSTUNREACH", "EIO"],
  },
  {
    name: "read", module: MODULE_ONEBOX, area: "file", blocking: true,
    params: [p("fd"), ...buf("buf")], returns: "bytes read (0 at end of file)",
    doc: "Read up to `buf_len` bytes at the file position and advance it.", errors: ["EFAULT", "EBADF", "EIO"],
  },
  {
    name: "write", module: MODULE_ONEBOX, area: "file", blocking: true,
    params: [p("fd"), ...buf("data")], returns: "bytes written",
    doc: "Write at the file position (at the end with O_APPEND) and advance it. ESTALE, ENOSPC: refused by its fence (see fence).", errors: ["EFAULT", "EBADF", "EIO", "ESTALE", "ENOSPC"],
  },
  {
    name: "seek", module: MODULE_ONEBOX, area: "file", blocking: true,
    params: [p("fd"), p("offset", "i64"), p("whence"), p("pos_ptr", "ptr")], returns: "0",
    doc: "Move the file position; writes the new position (u64) at `pos_ptr`.", errors: ["EFAULT", "EBADF", "EINVAL", "ESPIPE"],
  },
  {
    name: "close", module: MODULE_ONEBOX, area: "file", blocking: true,
    params: [p("fd")], returns: "0", doc: "Close a file descriptor.", errors: ["EBADF"],
  },
  {
    name: "stat", module: MODULE_ONEBOX, area: "file", blocking: true,
    params: [...buf("path"), p("stat_ptr", "ptr")], returns: "0",
    doc: "Write the stat layout for a path.", errors: ["EFAULT", "ENOENT", "EACCES", "EHOSTUNREACH"],
  },
  {
    name: "readdir", module: MODULE_ONEBOX, area: "file", blocking: true,
    params: [...buf("path"), ...buf("buf")], returns: "bytes needed for the listing",
    doc: "List a directory as NUL-terminated names, sorted. If the listing is longer than `buf_len` nothing is written; the return value says how much room it needs.",
    errors: ["EFAULT", "ENOENT", "ENOTDIR", "EACCES", "E2BIG", "EHOSTUNREACH"],
  },
  {
    name: "mkdir", module: MODULE_ONEBOX, area: "file", blocking: true,
    params: [...buf("path")], returns: "0", doc: "Create a directory.", errors: ["EFAULT", "EEXIST", "ENOENT", "EACCES", "EHOSTUNREACH"],
  },
  {
    name: "unlink", module: MODULE_ONEBOX, area: "file", blocking: true,
    params: [...buf("path")], returns: "0", doc: "Remove a file or an empty directory.",
    errors: ["EFAULT", "ENOENT", "ENOTEMPTY", "EACCES", "EHOSTUNREACH"],
  },
  {
    name: "rename", module: MODULE_ONEBOX, area: "file", blocking: true,
    params: [...buf("from"), ...buf("to")], returns: "0", doc: "Rename within one node's export (EXDEV across two).",
    errors: ["EFAULT", "ENOENT", "EACCES", "EXDEV", "EHOSTUNREACH"],
  },
  {
    name: "fence", module: MODULE_ONEBOX, area: "file", blocking: false,
    params: [p("fd"), ...buf("name"), p("token", "i64")], returns: "0",
    doc: "Bind lock `name`'s fencing token (as lock returned it) to an open file: every later write or truncate through `fd` (WASI's too) carries it, and the node holding the file refuses one whose token is older than the newest it has seen for that lock (ESTALE), so a holder that lost the lock cannot overwrite its successor's work. Equal or newer tokens pass and become the newest. A second fence on `fd` replaces the first. Not fenced: open's O_TRUNC (open without it and truncate through the fenced fd) and unfenced descriptors.",
    errors: ["EFAULT", "EBADF", "EINVAL"],
  },
  // lock
  {
    name: "lock", module: MODULE_ONEBOX, area: "lock", blocking: true,
    params: [...buf("name"), p("timeout_ms"), p("token_ptr", "ptr")], returns: "0",
    doc: "Acquire the cluster lock `name`, waiting up to `timeout_ms` (TIMEOUT_INFINITE: forever; 0: same as trylock). Writes its fencing token (u64, larger for every new holder of that name). Released by unlock or when the holder ends. ENOLCK: the caller holds its limit of lock names (LIMIT_LOCKS).",
    errors: ["EFAULT", "ETIMEDOUT", "EBUSY", "EDEADLK", "EINVAL", "EHOSTUNREACH", "ENOLCK", "EACCES"],
  },
  {
    name: "trylock", module: MODULE_ONEBOX, area: "lock", blocking: true,
    params: [...buf("name"), p("token_ptr", "ptr")], returns: "0",
    doc: "Acquire `name` only if it is free; writes the fencing token.", errors: ["EFAULT", "EBUSY", "EDEADLK", "EINVAL", "EHOSTUNREACH", "ENOLCK", "EACCES"],
  },
  {
    name: "unlock", module: MODULE_ONEBOX, area: "lock", blocking: true,
    params: [...buf("name")], returns: "0", doc: "Release a lock the caller holds.", errors: ["EFAULT", "EPERM", "EINVAL", "EHOSTUNREACH"],
  },
  // registry
  {
    name: "register", module: MODULE_ONEBOX, area: "registry", blocking: true,
    params: [...buf("name")], returns: "0", doc: "Register the caller under a cluster-wide `name`, removed when it ends. EACCES: the name is outside the caller's name prefixes (childcap CAP_NAME_PREFIX).",
    errors: ["EFAULT", "EEXIST", "EINVAL", "EHOSTUNREACH", "EACCES"],
  },
  {
    name: "unregister", module: MODULE_ONEBOX, area: "registry", blocking: true,
    params: [...buf("name")], returns: "0", doc: "Remove a name the caller registered.", errors: ["EFAULT", "ENOENT", "EPERM", "EHOSTUNREACH"],
  },
  {
    name: "whereis", module: MODULE_ONEBOX, area: "registry", blocking: true,
    params: [...buf("name")], returns: "the registered pid", doc: "Look up a registered name.", errors: ["EFAULT", "ENOENT", "EHOSTUNREACH"],
  },
  // WASI preview1, where it already names the thing
  {
    name: "args_sizes_get", module: MODULE_WASI, area: "env", blocking: false,
    params: [p("argc_ptr", "ptr"), p("buf_size_ptr", "ptr")], returns: "0 (WASI errno)", doc: "Number of arguments and bytes they need.", errors: ["EFAULT"],
  },
  {
    name: "args_get", module: MODULE_WASI, area: "env", blocking: false,
    params: [p("argv_ptr", "ptr"), p("buf_ptr", "ptr")], returns: "0 (WASI errno)", doc: "Write argument pointers and NUL-terminated arguments.", errors: ["EFAULT"],
  },
  {
    name: "environ_sizes_get", module: MODULE_WASI, area: "env", blocking: false,
    params: [p("count_ptr", "ptr"), p("buf_size_ptr", "ptr")], returns: "0 (WASI errno)", doc: "Number of environment entries and bytes they need.", errors: ["EFAULT"],
  },
  {
    name: "environ_get", module: MODULE_WASI, area: "env", blocking: false,
    params: [p("environ_ptr", "ptr"), p("buf_ptr", "ptr")], returns: "0 (WASI errno)", doc: "Write KEY=VALUE entry pointers and strings.", errors: ["EFAULT"],
  },
  {
    name: "clock_time_get", module: MODULE_WASI, area: "env", blocking: false,
    params: [p("clock_id"), p("precision", "i64"), p("time_ptr", "ptr")], returns: "0 (WASI errno)",
    doc: "Write the time in ns (u64): clock 0 is wall time, 1 is the process's monotonic clock, which never goes backwards and starts at or above its parent's reading at the spawn, on any node.", errors: ["EFAULT", "EINVAL"],
  },
  {
    name: "clock_res_get", module: MODULE_WASI, area: "env", blocking: false,
    params: [p("clock_id"), p("res_ptr", "ptr")], returns: "0 (WASI errno)", doc: "Write a clock's resolution in ns (u64).", errors: ["EFAULT", "EINVAL"],
  },
  {
    name: "random_get", module: MODULE_WASI, area: "env", blocking: false,
    params: [...buf("buf")], returns: "0 (WASI errno)", doc: "Fill a buffer with cryptographically secure random bytes.", errors: ["EFAULT"],
  },
  // WASI preview1 files: fd 3 is a preopen of the process's whole namespace "/"; every call is the onebox file call's logic (host/kernel/syscalls/sysfile.ts)
  {
    name: "fd_write", module: MODULE_WASI, area: "file", blocking: true,
    params: [p("fd"), p("iovs_ptr", "ptr"), p("iovs_len", "len"), p("nwritten_ptr", "ptr")], returns: "0 (WASI errno)",
    doc: "Write the `iovs_len` iovecs (8 bytes each: pointer, length) to stdout (1) or stderr (2), where the process's owner reads them, or to a file as write does (at most 1 MiB per call when there are several iovecs; a short count says how much).",
    errors: ["EFAULT", "EBADF", "ENOTCAPABLE", "EIO", "EHOSTUNREACH", "ESTALE", "ENOSPC"],
  },
  {
    name: "fd_read", module: MODULE_WASI, area: "file", blocking: true,
    params: [p("fd"), p("iovs_ptr", "ptr"), p("iovs_len", "len"), p("nread_ptr", "ptr")], returns: "0 (WASI errno)",
    doc: "Read into the iovecs as read does; fd 0 reads what the process's owner forwards (`onebox run`'s standard input), 0 bytes at its end. Directories are EBADF.",
    errors: ["EFAULT", "EBADF", "ENOTCAPABLE", "EIO", "EHOSTUNREACH"],
  },
  {
    name: "fd_pread", module: MODULE_WASI, area: "file", blocking: true,
    params: [p("fd"), p("iovs_ptr", "ptr"), p("iovs_len", "len"), p("offset", "i64"), p("nread_ptr", "ptr")], returns: "0 (WASI errno)",
    doc: "Read at `offset` without moving the file position.", errors: ["EFAULT", "EBADF", "ESPIPE", "EINVAL", "ENOTCAPABLE", "EIO", "EHOSTUNREACH"],
  },
  {
    name: "fd_pwrite", module: MODULE_WASI, area: "file", blocking: true,
    params: [p("fd"), p("iovs_ptr", "ptr"), p("iovs_len", "len"), p("offset", "i64"), p("nwritten_ptr", "ptr")], returns: "0 (WASI errno)",
    doc: "Write at `offset` without moving the file position.", errors: ["EFAULT", "EBADF", "ESPIPE", "EINVAL", "ENOTCAPABLE", "EIO", "EHOSTUNREACH", "ESTALE", "ENOSPC"],
  },
  {
    name: "fd_seek", module: MODULE_WASI, area: "file", blocking: true,
    params: [p("fd"), p("offset", "i64"), p("whence"), p("pos_ptr", "ptr")], returns: "0 (WASI errno)",
    doc: "Same as seek (WASI's whence values are onebox's); ESPIPE on stdin, stdout and stderr.",
    errors: ["EFAULT", "EBADF", "EINVAL", "ESPIPE", "ENOTCAPABLE"],
  },
  {
    name: "fd_tell", module: MODULE_WASI, area: "file", blocking: false,
    params: [p("fd"), p("pos_ptr", "ptr")], returns: "0 (WASI errno)",
    doc: "Write the file position (u64).", errors: ["EFAULT", "EBADF", "ESPIPE", "ENOTCAPABLE"],
  },
  {
    name: "fd_close", module: MODULE_WASI, area: "file", blocking: true,
    params: [p("fd")], returns: "0 (WASI errno)",
    doc: "Same as close, for files and directories; closing stdin, stdout or stderr does nothing, as their owner holds them.", errors: ["EBADF"],
  },
  {
    name: "fd_renumber", module: MODULE_WASI, area: "file", blocking: true,
    params: [p("fd"), p("to")], returns: "0 (WASI errno)",
    doc: "Move descriptor `fd` to number `to`, closing what `to` was. Both must be open; stdio cannot be renumbered (ENOTSUP).", errors: ["EBADF", "ENOTSUP"],
  },
  {
    name: "fd_fdstat_get", module: MODULE_WASI, area: "file", blocking: false,
    params: [p("fd"), p("stat_ptr", "ptr")], returns: "0 (WASI errno)",
    doc: "Write the fdstat (filetype, fdflags, rights). Stdin, stdout and stderr are character devices that cannot seek, so C's stdio line-buffers them.",
    errors: ["EFAULT", "EBADF"],
  },
  {
    name: "fd_fdstat_set_flags", module: MODULE_WASI, area: "file", blocking: false,
    params: [p("fd"), p("flags")], returns: "0 (WASI errno)",
    doc: "Set fdflags: NONBLOCK is accepted (files never block); APPEND, DSYNC, RSYNC and SYNC are fixed at open (ENOTSUP to change them).", errors: ["EBADF", "EINVAL", "ENOTSUP"],
  },
  {
    name: "fd_fdstat_set_rights", module: MODULE_WASI, area: "file", blocking: false,
    params: [p("fd"), p("rights_base", "i64"), p("rights_inheriting", "i64")], returns: "0 (WASI errno)",
    doc: "Narrow a descriptor's rights; asking for a right it lacks is ENOTCAPABLE.", errors: ["EBADF", "ENOTCAPABLE"],
  },
  {
    name: "fd_filestat_get", module: MODULE_WASI, area: "file", blocking: true,
    params: [p("fd"), p("buf_ptr", "ptr")], returns: "0 (WASI errno)",
    doc: "Write the filestat (64 bytes) of an open file or directory.", errors: ["EFAULT", "EBADF", "EIO", "EHOSTUNREACH"],
  },
  {
    name: "fd_filestat_set_size", module: MODULE_WASI, area: "file", blocking: true,
    params: [p("fd"), p("size", "i64")], returns: "0 (WASI errno)",
    doc: "Truncate or extend a file.", errors: ["EBADF", "EINVAL", "EISDIR", "ENOTCAPABLE", "EIO", "EHOSTUNREACH", "ESTALE", "ENOSPC"],
  },
  {
    name: "fd_filestat_set_times", module: MODULE_WASI, area: "file", blocking: true,
    params: [p("fd"), p("atim", "i64"), p("mtim", "i64"), p("fst_flags")], returns: "0 (WASI errno)",
    doc: "Set access and modification times (fstflags ATIM, ATIM_NOW, MTIM, MTIM_NOW; a time and its _NOW together are EINVAL).",
    errors: ["EBADF", "EINVAL", "EIO", "EHOSTUNREACH"],
  },
  {
    name: "fd_allocate", module: MODULE_WASI, area: "file", blocking: true,
    params: [p("fd"), p("offset", "i64"), p("len", "i64")], returns: "0 (WASI errno)",
    doc: "Extend the file to at least `offset + len` bytes.", errors: ["EBADF", "EINVAL", "EISDIR", "ENOTCAPABLE", "EIO", "EHOSTUNREACH", "ESTALE", "ENOSPC"],
  },
  {
    name: "fd_advise", module: MODULE_WASI, area: "file", blocking: false,
    params: [p("fd"), p("offset", "i64"), p("len", "i64"), p("advice")], returns: "0 (WASI errno)",
    doc: "Accept an access-pattern hint (advice 0..5) and do nothing with it.", errors: ["EBADF", "EINVAL"],
  },
  {
    name: "fd_sync", module: MODULE_WASI, area: "file", blocking: true,
    params: [p("fd")], returns: "0 (WASI errno)", doc: "Wait until the file's data and metadata are on disk (fsync); a directory is 0.", errors: ["EBADF", "EIO", "EHOSTUNREACH"],
  },
  {
    name: "fd_datasync", module: MODULE_WASI, area: "file", blocking: true,
    params: [p("fd")], returns: "0 (WASI errno)", doc: "Wait until the file's data is on disk (fdatasync); a directory is 0.", errors: ["EBADF", "EIO", "EHOSTUNREACH"],
  },
  {
    name: "fd_readdir", module: MODULE_WASI, area: "file", blocking: true,
    params: [p("fd"), ...buf("buf"), p("cookie", "i64"), p("bufused_ptr", "ptr")], returns: "0 (WASI errno)",
    doc: "Write directory entries (24-byte dirent then the name) from `cookie` on, sorted by name, without `.` and `..`; the last one is cut at the buffer's end (bufused == buf_len: call again with a larger buffer). An entry's d_next is the cookie that resumes after it; cookie 0 lists afresh, later cookies continue that listing.",
    errors: ["EFAULT", "EBADF", "ENOTDIR", "E2BIG", "EIO", "EHOSTUNREACH"],
  },
  {
    name: "fd_prestat_get", module: MODULE_WASI, area: "file", blocking: false,
    params: [p("fd"), p("buf_ptr", "ptr")], returns: "0 (WASI errno)",
    doc: "Describe a preopened directory. fd 3 is the only preopen: the process's namespace root `/` (its home node's export, with /n/<node>/ and /local/); EBADF for every other fd.",
    errors: ["EFAULT", "EBADF"],
  },
  {
    name: "fd_prestat_dir_name", module: MODULE_WASI, area: "file", blocking: false,
    params: [p("fd"), ...buf("path")], returns: "0 (WASI errno)",
    doc: "Write a preopen's name (`/`, not NUL-terminated); ENAMETOOLONG if `path_len` is too small.", errors: ["EFAULT", "EBADF", "ENAMETOOLONG"],
  },
  {
    name: "path_open", module: MODULE_WASI, area: "file", blocking: true,
    params: [p("fd"), p("dirflags"), ...buf("path"), p("oflags"), p("rights_base", "i64"), p("rights_inheriting", "i64"), p("fdflags"), p("fd_ptr", "ptr")],
    returns: "0 (WASI errno)",
    doc: "Open `path` relative to directory `fd` as open does, writing the new descriptor. oflags CREAT, DIRECTORY, EXCL, TRUNC; fdflags APPEND, DSYNC, NONBLOCK, RSYNC, SYNC; the rights (narrowed to the directory's inheriting rights) choose reading and writing as wasmtime does; dirflags SYMLINK_FOLLOW follows a final symbolic link (without it, ELOOP). A directory opens as a directory descriptor whenever nothing asks to write it.",
    errors: ["EFAULT", "EBADF", "ENOTDIR", "ENOENT", "EEXIST", "EISDIR", "ELOOP", "EACCES", "EINVAL", "EMFILE", "ENFILE", "ENOTCAPABLE", "EIO", "EHOSTUNREACH"],
  },
  {
    name: "path_create_directory", module: MODULE_WASI, area: "file", blocking: true,
    params: [p("fd"), ...buf("path")], returns: "0 (WASI errno)", doc: "Same as mkdir, relative to directory `fd`.",
    errors: ["EFAULT", "EBADF", "ENOTDIR", "EEXIST", "ENOENT", "EACCES", "EHOSTUNREACH"],
  },
  {
    name: "path_remove_directory", module: MODULE_WASI, area: "file", blocking: true,
    params: [p("fd"), ...buf("path")], returns: "0 (WASI errno)", doc: "Remove an empty directory (ENOTDIR for anything else).",
    errors: ["EFAULT", "EBADF", "ENOTDIR", "ENOENT", "ENOTEMPTY", "EACCES", "EHOSTUNREACH"],
  },
  {
    name: "path_unlink_file", module: MODULE_WASI, area: "file", blocking: true,
    params: [p("fd"), ...buf("path")], returns: "0 (WASI errno)", doc: "Remove a file or symbolic link (EISDIR for a directory).",
    errors: ["EFAULT", "EBADF", "ENOTDIR", "ENOENT", "EISDIR", "EACCES", "EHOSTUNREACH"],
  },
  {
    name: "path_rename", module: MODULE_WASI, area: "file", blocking: true,
    params: [p("fd"), ...buf("old_path"), p("new_fd"), ...buf("new_path")], returns: "0 (WASI errno)",
    doc: "Same as rename, each path relative to its directory descriptor.",
    errors: ["EFAULT", "EBADF", "ENOTDIR", "ENOENT", "EISDIR", "ENOTEMPTY", "EXDEV", "EACCES", "EHOSTUNREACH"],
  },
  {
    name: "path_symlink", module: MODULE_WASI, area: "file", blocking: true,
    params: [...buf("old_path"), p("fd"), ...buf("new_path")], returns: "0 (WASI errno)",
    doc: "Create a symbolic link holding `old_path`, which must be relative (an absolute one is ENOTCAPABLE); following it out of the export is EACCES.",
    errors: ["EFAULT", "EBADF", "ENOTDIR", "EEXIST", "ENOENT", "ENOTCAPABLE", "EACCES", "EHOSTUNREACH"],
  },
  {
    name: "path_readlink", module: MODULE_WASI, area: "file", blocking: true,
    params: [p("fd"), ...buf("path"), ...buf("buf"), p("bufused_ptr", "ptr")], returns: "0 (WASI errno)",
    doc: "Write a symbolic link's contents, cut at `buf_len`, and how many bytes were written.",
    errors: ["EFAULT", "EBADF", "ENOTDIR", "ENOENT", "EINVAL", "EACCES", "EHOSTUNREACH"],
  },
  {
    name: "path_link", module: MODULE_WASI, area: "file", blocking: true,
    params: [p("old_fd"), p("old_flags"), ...buf("old_path"), p("new_fd"), ...buf("new_path")], returns: "0 (WASI errno)",
    doc: "Make a hard link `new_path` to `old_path` (SYMLINK_FOLLOW in old_flags links the target of a symbolic link), on one node's export.",
    errors: ["EFAULT", "EBADF", "ENOTDIR", "ENOENT", "EEXIST", "EXDEV", "EACCES", "EHOSTUNREACH"],
  },
  {
    name: "path_filestat_get", module: MODULE_WASI, area: "file", blocking: true,
    params: [p("fd"), p("flags"), ...buf("path"), p("buf_ptr", "ptr")], returns: "0 (WASI errno)",
    doc: "Write the filestat of `path` (flags SYMLINK_FOLLOW: stat, else lstat).",
    errors: ["EFAULT", "EBADF", "ENOTDIR", "ENOENT", "EACCES", "EHOSTUNREACH"],
  },
  {
    name: "path_filestat_set_times", module: MODULE_WASI, area: "file", blocking: true,
    params: [p("fd"), p("flags"), ...buf("path"), p("atim", "i64"), p("mtim", "i64"), p("fst_flags")], returns: "0 (WASI errno)",
    doc: "Set times of `path` as fd_filestat_set_times does.",
    errors: ["EFAULT", "EBADF", "ENOTDIR", "ENOENT", "EINVAL", "EACCES", "EHOSTUNREACH"],
  },
  {
    name: "proc_exit", module: MODULE_WASI, area: "env", blocking: false,
    params: [p("status")], returns: "never", doc: "Same as exit.", errors: [],
  },
  {
    name: "sched_yield", module: MODULE_WASI, area: "env", blocking: true,
    params: [], returns: "0 (WASI errno)", doc: "Same as yield.", errors: [],
  },
  {
    name: "proc_raise", module: MODULE_WASI, area: "env", blocking: false,
    params: [p("sig")], returns: "0 (WASI errno), or never",
    doc: "Signal 0, the signals whose default action is to be ignored (CHLD, CONT, URG, WINCH) and job control's (STOP, TSTP, TTIN, TTOU: onebox has none) do nothing; every other signal (1..30) ends the caller at once, reason KILLED, status 128 + sig. Above 30: EINVAL.",
    errors: ["EINVAL"],
  },
  {
    name: "poll_oneoff", module: MODULE_WASI, area: "env", blocking: true,
    params: [p("in_ptr", "ptr"), p("out_ptr", "ptr"), p("nsubscriptions", "len"), p("nevents_ptr", "ptr")], returns: "0 (WASI errno)",
    doc: "Wait until one of `nsubscriptions` subscriptions (48 bytes each) is ready and write an event (32 bytes) for each ready one. Clock subscriptions (realtime or monotonic, relative or ABSTIME) fire when due, on the kernel's timers; fd_read and fd_write subscriptions on files and stdout/stderr are always ready, fd 0 when input is waiting or at its end; a bad fd is an event with its error. Only the caller waits.",
    errors: ["EFAULT", "EINVAL"],
  },
  // WASI sockets: no process is given one yet, so every open descriptor answers ENOTSOCK
  {
    name: "sock_accept", module: MODULE_WASI, area: "socket", blocking: false,
    params: [p("fd"), p("flags"), p("fd_ptr", "ptr")], returns: "0 (WASI errno)", doc: "ENOTSOCK on any open descriptor, EBADF on any other.", errors: ["EFAULT", "EBADF", "ENOTSOCK"],
  },
  {
    name: "sock_recv", module: MODULE_WASI, area: "socket", blocking: false,
    params: [p("fd"), p("ri_data_ptr", "ptr"), p("ri_data_len", "len"), p("ri_flags"), p("ro_datalen_ptr", "ptr"), p("ro_flags_ptr", "ptr")], returns: "0 (WASI errno)",
    doc: "ENOTSOCK on any open descriptor, EBADF on any other.", errors: ["EFAULT", "EBADF", "ENOTSOCK"],
  },
  {
    name: "sock_send", module: MODULE_WASI, area: "socket", blocking: false,
    params: [p("fd"), p("si_data_ptr", "ptr"), p("si_data_len", "len"), p("si_flags"), p("so_datalen_ptr", "ptr")], returns: "0 (WASI errno)",
    doc: "ENOTSOCK on any open descriptor, EBADF on any other.", errors: ["EFAULT", "EBADF", "ENOTSOCK"],
  },
  {
    name: "sock_shutdown", module: MODULE_WASI, area: "socket", blocking: false,
    params: [p("fd"), p("how")], returns: "0 (WASI errno)", doc: "ENOTSOCK on any open descriptor, EBADF on any other.", errors: ["EBADF", "ENOTSOCK"],
  },
] as const satisfies readonly SyscallDef[];

export type Syscall = (typeof SYSCALLS)[number];
export type SyscallName = Syscall["name"];

const BY_IMPORT = new Map<string, Syscall>(SYSCALLS.map((s) => [`${s.module}.${s.name}`, s]));

/** The call a guest imports as `module.name`, if the ABI has it. */
export const findSyscall = (module: string, name: string): Syscall | undefined => BY_IMPORT.get(`${module}.${name}`);

/** Value of an errno by name, for host code: `errno("ESRCH")`. */
export const errno = (name: ErrnoName): number => ERRNO[name].code;
