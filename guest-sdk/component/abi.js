// Generated from abi/abi.ts by abi/gen.ts. Do not edit.
// Errors are thrown: a failed call throws with .payload, the errno's name in lower case.

export const ABI_VERSION = 1;
export const WIT_IMPORT = "onebox:guest/sys@1.0.0";

/** returned from _start or called exit */
export const REASON_NORMAL = 0;
/** killed by another process or the operator */
export const REASON_KILLED = 1;
/** trapped (unreachable, out-of-bounds access, stack overflow, ...) */
export const REASON_TRAP = 2;
/** its node went down or could not be reached */
export const REASON_NOCONNECTION = 3;
/** no such process when the monitor was set, nor one that ended lately (those report how they ended) */
export const REASON_NOPROC = 4;
/** the host could not start it (bad module, ABI version, limits) */
export const REASON_ERROR = 5;
/** a process linked to it ended abnormally and it did not trap exits (the text names that process and its reason) */
export const REASON_LINKED = 6;
/** ran past its CPU-time budget (childlimit LIMIT_CPU_MS, `onebox run --cpu`) */
export const REASON_LIMIT_CPU = 7;
/** grew its memory past what the node's memory budget had left */
export const REASON_LIMIT_MEMORY = 8;

/** open for reading */
export const O_READ = 1;
/** open for writing */
export const O_WRITE = 2;
/** create the file if it does not exist */
export const O_CREATE = 4;
/** truncate to length 0 */
export const O_TRUNC = 8;
/** every write goes to the end */
export const O_APPEND = 16;
/** with O_CREATE: fail with EEXIST if it exists */
export const O_EXCL = 32;
/** each write waits until its data is on disk */
export const O_DSYNC = 64;
/** each write waits until its data and metadata are on disk */
export const O_SYNC = 128;
/** a symbolic link as the last component is ELOOP */
export const O_NOFOLLOW = 256;
/** offset from the start */
export const SEEK_SET = 0;
/** offset from the current position */
export const SEEK_CUR = 1;
/** offset from the end */
export const SEEK_END = 2;
/** regular file */
export const KIND_FILE = 1;
/** directory */
export const KIND_DIR = 2;
/** anything else */
export const KIND_OTHER = 3;
/** symbolic link (only where links are not followed: WASI's lstat and directory entries) */
export const KIND_SYMLINK = 4;
/** timeout_ms that never expires */
export const TIMEOUT_INFINITE = -1;
/** wait's pid: any child */
export const WAIT_ANY = -1;
/** tag of a monitor's down message (user tags are >= 0) */
export const TAG_DOWN = -1;
/** tag of the message capgive sends: the data is the capability's kind (i32) and its text (UTF-8), a path as /n/<node>/<path>; it is in the receiver's set from when it is queued */
export const TAG_CAP = -3;
/** tag of the exit message a process that traps exits gets when a linked process ends (down_message layout) */
export const TAG_EXIT = -2;
/** spawn_opt: link the caller and the child before the child runs */
export const SPAWN_LINK = 1;
/** spawn_opt: monitor the child before it runs; the monitor's reference is written at monitor_ref_ptr */
export const SPAWN_MONITOR = 2;
/** linear memory cap in 64 KiB pages, summed over a module's memories (as memlimit) */
export const LIMIT_MEMORY_PAGES = 1;
/** CPU time in ms; past it the process ends with reason LIMIT_CPU */
export const LIMIT_CPU_MS = 2;
/** open files and directories (EMFILE beyond) */
export const LIMIT_OPEN_FILES = 3;
/** live descendants on the process's node (spawn's EAGAIN beyond) */
export const LIMIT_DESCENDANTS = 4;
/** messages queued in its mailbox (senders' EAGAIN beyond) */
export const LIMIT_MAILBOX_MESSAGES = 5;
/** bytes of message data queued in its mailbox (senders' EAGAIN beyond) */
export const LIMIT_MAILBOX_BYTES = 6;
/** lock names held at once (ENOLCK beyond) */
export const LIMIT_LOCKS = 7;
/** childcap: the children get the caller's own capability set again (the text is ignored) */
export const CAP_RESET = 0;
/** childcap: the children may read the namespace subtree at the text (a path); the first CAP_PATH_* grant replaces the inherited namespace, later ones add to it */
export const CAP_PATH_RO = 1;
/** childcap: as CAP_PATH_RO, and they may change it */
export const CAP_PATH_RW = 2;
/** childcap: the children may take locks whose names start with the text; the first grant replaces the inherited prefixes */
export const CAP_LOCK_PREFIX = 3;
/** childcap: the children may register names that start with the text; the first grant replaces the inherited prefixes */
export const CAP_NAME_PREFIX = 4;
/** childcap: the children may not spawn (EPERM) */
export const CAP_NO_SPAWN = 5;
/** childcap: the children may kill, monitor and link only their own children (EPERM for any other pid) */
export const CAP_KILL_CHILDREN = 6;
/** childcap: the children may spawn only on nodes carrying the labels in the text (k=v[,k=v]); a spawn elsewhere is EPERM, one that names no node is placed among those nodes */
export const CAP_SPAWN_LABELS = 7;
/** childcap: the children may kill, monitor and link only their own descendants, on any node (EPERM for any other pid): what every process gets unless its root was started with `onebox run --scope owner` */
export const CAP_SCOPE_DESCENDANTS = 8;
/** largest message `send` takes, to any process on any node: it must fit one wire frame (64 MiB) with room to spare */
export const MAX_MESSAGE_BYTES = 16777216;
/** links one process may have; proc_link and spawn_opt's SPAWN_LINK past it are refused with EAGAIN */
export const MAX_LINKS = 1000;
/** nearest ancestors a process's kernel remembers (they travel with a remote spawn): a process is a descendant, for kill, monitor and link, of these only */
export const MAX_ANCESTORS = 64;
/** lock names one node's file export remembers the newest fencing token of; a fenced write naming one more is refused with ENOSPC (forgetting one would let its stale holders through) */
export const MAX_FENCED_LOCKS = 10000;

export const DOWN_MESSAGE_SIZE = 12;
export const DOWN_MESSAGE_PID_OFFSET = 0;
export const DOWN_MESSAGE_REASON_OFFSET = 4;
export const DOWN_MESSAGE_STATUS_OFFSET = 8;
