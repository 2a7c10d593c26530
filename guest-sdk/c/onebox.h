// Generated from abi/abi.ts by abi/gen.ts. Do not edit.
//
// The onebox ABI for C guests. `onebox build FILE.c` compiles with clang --target=wasm32-wasi,
// puts this directory on the include path and stamps ABI_VERSION into the custom section "onebox_abi";
// a module built any other way must carry that section or the host refuses it.
//
// onebox_sys_NAME is the raw import; onebox_NAME is the call to use, the same but taking a C
// string for each text buffer. A onebox call returns a non-negative result or a negated errno (-ONEBOX_ESRCH).
#ifndef ONEBOX_H
#define ONEBOX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ONEBOX_ABI_VERSION 1

// onebox build says which ABI it stamps; a stale copy of this header must not pass for current.
#if defined(ONEBOX_BUILD_ABI_VERSION) && ONEBOX_BUILD_ABI_VERSION != ONEBOX_ABI_VERSION
#error "this onebox.h is for another ABI version than onebox build: include guest-sdk/c/onebox.h"
#endif

/** buffer too small for the result; nothing was consumed */
#define ONEBOX_E2BIG 1
/** path leaves its export, or outside the caller's capability set (a path, lock or name childcap did not grant) */
#define ONEBOX_EACCES 2
/** would block: a receiver's mailbox is full (in messages or bytes), a poll found nothing, or a node limit is reached */
#define ONEBOX_EAGAIN 6
/** not an open file descriptor */
#define ONEBOX_EBADF 8
/** lock held by another process */
#define ONEBOX_EBUSY 10
/** not a child of the caller, or no child left to wait for */
#define ONEBOX_ECHILD 12
/** waiting would deadlock (a wait-for cycle, or the caller holds it) */
#define ONEBOX_EDEADLK 16
/** already exists */
#define ONEBOX_EEXIST 20
/** pointer or length outside the guest's memory */
#define ONEBOX_EFAULT 21
/** the node that owns the resource is unknown or down */
#define ONEBOX_EHOSTUNREACH 23
/** invalid argument */
#define ONEBOX_EINVAL 28
/** I/O error on the host */
#define ONEBOX_EIO 29
/** is a directory */
#define ONEBOX_EISDIR 31
/** a symbolic link where the call does not follow one (O_NOFOLLOW, WASI lookupflags without symlink_follow) */
#define ONEBOX_ELOOP 32
/** too many open files in this process (LIMIT_OPEN_FILES) */
#define ONEBOX_EMFILE 33
/** message larger than MAX_MESSAGE_BYTES */
#define ONEBOX_EMSGSIZE 35
/** name or path too long */
#define ONEBOX_ENAMETOOLONG 37
/** the node holds its limit of open files (descriptors) for all its processes */
#define ONEBOX_ENFILE 41
/** no such file, directory, module or name */
#define ONEBOX_ENOENT 44
/** not a runnable module (malformed, unknown import, other ABI version) */
#define ONEBOX_ENOEXEC 45
/** the caller holds its limit of lock names (LIMIT_LOCKS) */
#define ONEBOX_ENOLCK 46
/** not a directory */
#define ONEBOX_ENOTDIR 54
/** no room: a file export remembers at most MAX_FENCED_LOCKS lock names */
#define ONEBOX_ENOSPC 51
/** directory not empty */
#define ONEBOX_ENOTEMPTY 55
/** not a socket (no process is given sockets yet) */
#define ONEBOX_ENOTSOCK 57
/** not supported */
#define ONEBOX_ENOTSUP 58
/** not permitted (unlocking a lock the caller does not hold; a spawn or kill its capability set does not allow) */
#define ONEBOX_EPERM 63
/** seek on a stream */
#define ONEBOX_ESPIPE 70
/** no such process */
#define ONEBOX_ESRCH 71
/** a fenced write or truncate carried a lock token older than the newest the file's export has seen for that lock */
#define ONEBOX_ESTALE 72
/** timed out */
#define ONEBOX_ETIMEDOUT 73
/** rename or link across two nodes' exports */
#define ONEBOX_EXDEV 75
/** the descriptor lacks the WASI right the call needs, or a rights change would widen them */
#define ONEBOX_ENOTCAPABLE 76

/** returned from _start or called exit */
#define ONEBOX_REASON_NORMAL 0
/** killed by another process or the operator */
#define ONEBOX_REASON_KILLED 1
/** trapped (unreachable, out-of-bounds access, stack overflow, ...) */
#define ONEBOX_REASON_TRAP 2
/** its node went down or could not be reached */
#define ONEBOX_REASON_NOCONNECTION 3
/** no such process when the monitor was set, nor one that ended lately (those report how they ended) */
#define ONEBOX_REASON_NOPROC 4
/** the host could not start it (bad module, ABI version, limits) */
#define ONEBOX_REASON_ERROR 5
/** a process linked to it ended abnormally and it did not trap exits (the text names that process and its reason) */
#define ONEBOX_REASON_LINKED 6
/** ran past its CPU-time budget (childlimit LIMIT_CPU_MS, `onebox run --cpu`) */
#define ONEBOX_REASON_LIMIT_CPU 7
/** grew its memory past what the node's memory budget had left */
#define ONEBOX_REASON_LIMIT_MEMORY 8

/** open for reading */
#define ONEBOX_O_READ 1
/** open for writing */
#define ONEBOX_O_WRITE 2
/** create the file if it does not exist */
#define ONEBOX_O_CREATE 4
/** truncate to length 0 */
#define ONEBOX_O_TRUNC 8
/** every write goes to the end */
#define ONEBOX_O_APPEND 16
/** with O_CREATE: fail with EEXIST if it exists */
#define ONEBOX_O_EXCL 32
/** each write waits until its data is on disk */
#define ONEBOX_O_DSYNC 64
/** each write waits until its data and metadata are on disk */
#define ONEBOX_O_SYNC 128
/** a symbolic link as the last component is ELOOP */
#define ONEBOX_O_NOFOLLOW 256
/** offset from the start */
#define ONEBOX_SEEK_SET 0
/** offset from the current position */
#define ONEBOX_SEEK_CUR 1
/** offset from the end */
#define ONEBOX_SEEK_END 2
/** regular file */
#define ONEBOX_KIND_FILE 1
/** directory */
#define ONEBOX_KIND_DIR 2
/** anything else */
#define ONEBOX_KIND_OTHER 3
/** symbolic link (only where links are not followed: WASI's lstat and directory entries) */
#define ONEBOX_KIND_SYMLINK 4
/** timeout_ms that never expires */
#define ONEBOX_TIMEOUT_INFINITE (-1)
/** wait's pid: any child */
#define ONEBOX_WAIT_ANY (-1)
/** tag of a monitor's down message (user tags are >= 0) */
#define ONEBOX_TAG_DOWN (-1)
/** tag of the message capgive sends: the data is the capability's kind (i32) and its text (UTF-8), a path as /n/<node>/<path>; it is in the receiver's set from when it is queued */
#define ONEBOX_TAG_CAP (-3)
/** tag of the exit message a process that traps exits gets when a linked process ends (down_message layout) */
#define ONEBOX_TAG_EXIT (-2)
/** spawn_opt: link the caller and the child before the child runs */
#define ONEBOX_SPAWN_LINK 1
/** spawn_opt: monitor the child before it runs; the monitor's reference is written at monitor_ref_ptr */
#define ONEBOX_SPAWN_MONITOR 2
/** linear memory cap in 64 KiB pages, summed over a module's memories (as memlimit) */
#define ONEBOX_LIMIT_MEMORY_PAGES 1
/** CPU time in ms; past it the process ends with reason LIMIT_CPU */
#define ONEBOX_LIMIT_CPU_MS 2
/** open files and directories (EMFILE beyond) */
#define ONEBOX_LIMIT_OPEN_FILES 3
/** live descendants on the process's node (spawn's EAGAIN beyond) */
#define ONEBOX_LIMIT_DESCENDANTS 4
/** messages queued in its mailbox (senders' EAGAIN beyond) */
#define ONEBOX_LIMIT_MAILBOX_MESSAGES 5
/** bytes of message data queued in its mailbox (senders' EAGAIN beyond) */
#define ONEBOX_LIMIT_MAILBOX_BYTES 6
/** lock names held at once (ENOLCK beyond) */
#define ONEBOX_LIMIT_LOCKS 7
/** childcap: the children get the caller's own capability set again (the text is ignored) */
#define ONEBOX_CAP_RESET 0
/** childcap: the children may read the namespace subtree at the text (a path); the first CAP_PATH_* grant replaces the inherited namespace, later ones add to it */
#define ONEBOX_CAP_PATH_RO 1
/** childcap: as CAP_PATH_RO, and they may change it */
#define ONEBOX_CAP_PATH_RW 2
/** childcap: the children may take locks whose names start with the text; the first grant replaces the inherited prefixes */
#define ONEBOX_CAP_LOCK_PREFIX 3
/** childcap: the children may register names that start with the text; the first grant replaces the inherited prefixes */
#define ONEBOX_CAP_NAME_PREFIX 4
/** childcap: the children may not spawn (EPERM) */
#define ONEBOX_CAP_NO_SPAWN 5
/** childcap: the children may kill, monitor and link only their own children (EPERM for any other pid) */
#define ONEBOX_CAP_KILL_CHILDREN 6
/** childcap: the children may spawn only on nodes carrying the labels in the text (k=v[,k=v]); a spawn elsewhere is EPERM, one that names no node is placed among those nodes */
#define ONEBOX_CAP_SPAWN_LABELS 7
/** childcap: the children may kill, monitor and link only their own descendants, on any node (EPERM for any other pid): what every process gets unless its root was started with `onebox run --scope owner` */
#define ONEBOX_CAP_SCOPE_DESCENDANTS 8
/** largest message `send` takes, to any process on any node: it must fit one wire frame (64 MiB) with room to spare */
#define ONEBOX_MAX_MESSAGE_BYTES 16777216
/** links one process may have; proc_link and spawn_opt's SPAWN_LINK past it are refused with EAGAIN */
#define ONEBOX_MAX_LINKS 1000
/** nearest ancestors a process's kernel remembers (they travel with a remote spawn): a process is a descendant, for kill, monitor and link, of these only */
#define ONEBOX_MAX_ANCESTORS 64
/** lock names one node's file export remembers the newest fencing token of; a fenced write naming one more is refused with ENOSPC (forgetting one would let its stale holders through) */
#define ONEBOX_MAX_FENCED_LOCKS 10000

/** written by wait */
typedef struct onebox_wait_status_t {
  int32_t status;
  int32_t reason;
} onebox_wait_status_t;
#define ONEBOX_WAIT_STATUS_SIZE 8
_Static_assert(sizeof(onebox_wait_status_t) == ONEBOX_WAIT_STATUS_SIZE, "wait_status layout");
#define ONEBOX_WAIT_STATUS_STATUS_OFFSET 0
_Static_assert(offsetof(onebox_wait_status_t, status) == ONEBOX_WAIT_STATUS_STATUS_OFFSET, "wait_status.status offset");
#define ONEBOX_WAIT_STATUS_REASON_OFFSET 4
_Static_assert(offsetof(onebox_wait_status_t, reason) == ONEBOX_WAIT_STATUS_REASON_OFFSET, "wait_status.reason offset");

/** written by recv; on E2BIG only len is written, and the message stays queued */
typedef struct onebox_recv_info_t {
  int32_t sender;
  int32_t tag;
  int32_t len;
} onebox_recv_info_t;
#define ONEBOX_RECV_INFO_SIZE 12
_Static_assert(sizeof(onebox_recv_info_t) == ONEBOX_RECV_INFO_SIZE, "recv_info layout");
#define ONEBOX_RECV_INFO_SENDER_OFFSET 0
_Static_assert(offsetof(onebox_recv_info_t, sender) == ONEBOX_RECV_INFO_SENDER_OFFSET, "recv_info.sender offset");
#define ONEBOX_RECV_INFO_TAG_OFFSET 4
_Static_assert(offsetof(onebox_recv_info_t, tag) == ONEBOX_RECV_INFO_TAG_OFFSET, "recv_info.tag offset");
#define ONEBOX_RECV_INFO_LEN_OFFSET 8
_Static_assert(offsetof(onebox_recv_info_t, len) == ONEBOX_RECV_INFO_LEN_OFFSET, "recv_info.len offset");

/** written by stat */
typedef struct onebox_stat_t {
  uint64_t size;
  uint64_t mtime_ns;
  uint32_t kind;
  uint8_t _pad20[4];
} onebox_stat_t;
#define ONEBOX_STAT_SIZE 24
_Static_assert(sizeof(onebox_stat_t) == ONEBOX_STAT_SIZE, "stat layout");
#define ONEBOX_STAT_SIZE_OFFSET 0
_Static_assert(offsetof(onebox_stat_t, size) == ONEBOX_STAT_SIZE_OFFSET, "stat.size offset");
#define ONEBOX_STAT_MTIME_NS_OFFSET 8
_Static_assert(offsetof(onebox_stat_t, mtime_ns) == ONEBOX_STAT_MTIME_NS_OFFSET, "stat.mtime_ns offset");
#define ONEBOX_STAT_KIND_OFFSET 16
_Static_assert(offsetof(onebox_stat_t, kind) == ONEBOX_STAT_KIND_OFFSET, "stat.kind offset");

/** payload of a TAG_DOWN message; the reason text (UTF-8) follows the 12 bytes */
typedef struct onebox_down_message_t {
  int32_t pid;
  int32_t reason;
  int32_t status;
} onebox_down_message_t;
#define ONEBOX_DOWN_MESSAGE_SIZE 12
_Static_assert(sizeof(onebox_down_message_t) == ONEBOX_DOWN_MESSAGE_SIZE, "down_message layout");
#define ONEBOX_DOWN_MESSAGE_PID_OFFSET 0
_Static_assert(offsetof(onebox_down_message_t, pid) == ONEBOX_DOWN_MESSAGE_PID_OFFSET, "down_message.pid offset");
#define ONEBOX_DOWN_MESSAGE_REASON_OFFSET 4
_Static_assert(offsetof(onebox_down_message_t, reason) == ONEBOX_DOWN_MESSAGE_REASON_OFFSET, "down_message.reason offset");
#define ONEBOX_DOWN_MESSAGE_STATUS_OFFSET 8
_Static_assert(offsetof(onebox_down_message_t, status) == ONEBOX_DOWN_MESSAGE_STATUS_OFFSET, "down_message.status offset");

/** Start the module at `path` (a namespace path) as a child. `args` and `env` are NUL-terminated strings back to back (env entries are KEY=VALUE); the child's argv[0] is the path. `node` names the node to run on; empty lets the host choose. The child inherits the caller's namespace, output and memory cap (see memlimit; over the target node's maximum, EINVAL). EAGAIN: the node's memory budget is spent, the node runs its most live processes, or the caller or an ancestor on its node has its most live descendants. EPERM: the caller's capability set forbids spawning (CAP_NO_SPAWN), or on that node (CAP_SPAWN_LABELS); EACCES: `path` is outside its readable namespace. */
__attribute__((import_module("onebox"), import_name("spawn")))
int32_t onebox_sys_spawn(const char *path_ptr, size_t path_len, const char *args_ptr, size_t args_len, const char *env_ptr, size_t env_len, const char *node_ptr, size_t node_len);
static inline int32_t onebox_spawn(const char *path, const char *args_ptr, size_t args_len, const char *env_ptr, size_t env_len, const char *node) {
  return onebox_sys_spawn(path, strlen(path), args_ptr, args_len, env_ptr, env_len, node, strlen(node));
}

/** Set the memory cap (64 KiB pages, summed over a module's memories) of the children the caller spawns from now on, on any node; 0 restores the caller's own cap, which is the most it may be. */
__attribute__((import_module("onebox"), import_name("memlimit")))
int32_t onebox_sys_memlimit(int32_t pages);
#define onebox_memlimit onebox_sys_memlimit

/** Narrow limit `kind` (a LIMIT_* value) of the children the caller spawns from now on, on any node; their children inherit it. `value` may not pass the caller's own limit of that kind (EINVAL: a child can only get less); 0 restores the caller's own. A child on another node gets the smaller of this and that node's default. */
__attribute__((import_module("onebox"), import_name("childlimit")))
int32_t onebox_sys_childlimit(int32_t kind, int32_t value);
#define onebox_childlimit onebox_sys_childlimit

/** Narrow the capability set (docs/SECURITY.md) of the children the caller spawns from now on, on any node; their children inherit it. `kind` is a CAP_* value; `text` is its path or prefix (UTF-8), empty for the kinds without one. A grant the caller does not hold itself is EINVAL: a child can only get less. A child denied a path gets EACCES, a lock or name outside its prefixes EACCES, a spawn or kill outside its set EPERM. */
__attribute__((import_module("onebox"), import_name("childcap")))
int32_t onebox_sys_childcap(int32_t kind, const void *text_ptr, size_t text_len);
#define onebox_childcap onebox_sys_childcap

/** Hand process `pid`, on any node, one capability the caller holds itself: CAP_PATH_RO or CAP_PATH_RW with a path, CAP_LOCK_PREFIX or CAP_NAME_PREFIX with a prefix (as childcap's). The kernel adds it to pid's capability set and tells pid with a TAG_CAP message; no guest holds anything that names it, so none can forge one. A capability the caller does not hold is EINVAL; a full mailbox or send credit, EAGAIN, and nothing is given. A process whose set already holds MAX_GRANTS of that kind keeps its set (the TAG_CAP message still comes). */
__attribute__((import_module("onebox"), import_name("capgive")))
int32_t onebox_sys_capgive(int32_t pid, int32_t kind, const void *text_ptr, size_t text_len);
#define onebox_capgive onebox_sys_capgive

/** End the caller with `status`. Its locks, names and files are released; monitors fire with reason NORMAL. */
__attribute__((import_module("onebox"), import_name("exit"), noreturn))
void onebox_sys_exit(int32_t status);
#define onebox_exit onebox_sys_exit

/** Wait until child `pid` (or any child, with WAIT_ANY) ends, reap it, and write its wait_status. EDEADLK: the wait would close a wait-for cycle of waits and lock waits (the child, or what it waits for, waits for a lock the caller holds), on any node. WAIT_ANY counts as waiting for the child only while the caller has exactly one. */
__attribute__((import_module("onebox"), import_name("wait")))
int32_t onebox_sys_wait(int32_t pid, onebox_wait_status_t *status_ptr);
#define onebox_wait onebox_sys_wait

/** End process `pid` with reason KILLED, on whatever node it runs. A process in an endless loop is stopped at its next preemption point. A process may end only itself and its descendants (its process scope, see docs/SECURITY.md; CAP_KILL_CHILDREN narrows it to its children), or, under a root started with `onebox run --scope owner`, any process of its owner; EPERM otherwise. A process that runs for a user (its owner) never ends another user's processes. */
__attribute__((import_module("onebox"), import_name("kill")))
int32_t onebox_sys_kill(int32_t pid);
#define onebox_kill onebox_sys_kill

/** The caller's pid, valid cluster-wide. */
__attribute__((import_module("onebox"), import_name("getpid")))
int32_t onebox_sys_getpid(void);
#define onebox_getpid onebox_sys_getpid

/** The pid of the process that spawned the caller; 0 for a process started by the operator. */
__attribute__((import_module("onebox"), import_name("getppid")))
int32_t onebox_sys_getppid(void);
#define onebox_getppid onebox_sys_getppid

/** Write the caller's Lamport time (u64): larger than that of every call it made before and of every call that happened before them anywhere in the cluster (a send before the recv that took its message, a spawn before the child's first call). Reading it is itself a call, so two reads differ. */
__attribute__((import_module("onebox"), import_name("lamport")))
int32_t onebox_sys_lamport(const void *time_ptr);
#define onebox_lamport onebox_sys_lamport

/** Suspend the caller for `ms` milliseconds. */
__attribute__((import_module("onebox"), import_name("sleep")))
int32_t onebox_sys_sleep(int32_t ms);
#define onebox_sleep onebox_sys_sleep

/** Let every other runnable process and the node's own work run once. */
__attribute__((import_module("onebox"), import_name("yield")))
int32_t onebox_sys_yield(void);
#define onebox_yield onebox_sys_yield

/** When `pid` ends, send the caller a TAG_DOWN message (down_message layout). A pid that already ended yields one at once with the reason it ended with (its node remembers its last 10,000 ends), one unknown with reason NOPROC; a node that goes down, with NOCONNECTION. To miss nothing of a child, spawn_opt with SPAWN_MONITOR. EPERM: `pid` runs but is outside the caller's process scope (as kill's), asked where it runs. */
__attribute__((import_module("onebox"), import_name("monitor")))
int32_t onebox_sys_monitor(int32_t pid);
#define onebox_monitor onebox_sys_monitor

/** Cancel a monitor; its down message will not be sent. */
__attribute__((import_module("onebox"), import_name("demonitor")))
int32_t onebox_sys_demonitor(int32_t ref);
#define onebox_demonitor onebox_sys_demonitor

/** Record the next child the caller spawns, on any node: every call it makes, with what each gave it (results, messages, clock and random values, memory written), so `onebox replay` can run it again alone. The child's node records it (up to 64 MiB, then the record is cut) and at the child's end writes the record to `path`, a path in the caller's namespace on any node's export (created or replaced; the caller must be able to write there), before the caller's `wait` for the child returns. An empty path cancels. A spawn fails with EAGAIN while the child's node already holds 1 GiB of records' limits. */
__attribute__((import_module("onebox"), import_name("record")))
int32_t onebox_sys_record(const char *path_ptr, size_t path_len);
static inline int32_t onebox_record(const char *path) {
  return onebox_sys_record(path, strlen(path));
}

/** spawn, with SPAWN_* `flags`: SPAWN_LINK links the caller and the child, SPAWN_MONITOR monitors the child and writes the monitor's reference (i32) at `monitor_ref_ptr`; both are set before the child runs, on any node, so its end is never missed (a monitor set after spawn returns can find a fast child gone). EAGAIN also: the caller has MAX_LINKS links. */
__attribute__((import_module("onebox"), import_name("spawn_opt")))
int32_t onebox_sys_spawn_opt(const char *path_ptr, size_t path_len, const char *args_ptr, size_t args_len, const char *env_ptr, size_t env_len, const char *node_ptr, size_t node_len, int32_t flags, int32_t *monitor_ref_ptr);
static inline int32_t onebox_spawn_opt(const char *path, const char *args_ptr, size_t args_len, const char *env_ptr, size_t env_len, const char *node, int32_t flags, int32_t *monitor_ref_ptr) {
  return onebox_sys_spawn_opt(path, strlen(path), args_ptr, args_len, env_ptr, env_len, node, strlen(node), flags, monitor_ref_ptr);
}

/** Link the caller and `pid`, on any node, as Erlang's link: when either ends abnormally (any reason but NORMAL) the other ends with reason LINKED, or, if it traps exits (trap_exit), gets a TAG_EXIT message. Both ways; linking again, or to itself, is a no-op. A node that goes down ends its partners' links with reason NOCONNECTION. ESRCH: `pid` is not running. EAGAIN: the caller or `pid` has MAX_LINKS links. EPERM: `pid` is outside the caller's process scope (as kill's): a link can end its partner. */
__attribute__((import_module("onebox"), import_name("proc_link")))
int32_t onebox_sys_proc_link(int32_t pid);
#define onebox_proc_link onebox_sys_proc_link

/** Remove the link between the caller and `pid`, both ways; no link is not an error. A TAG_EXIT message already queued stays. */
__attribute__((import_module("onebox"), import_name("proc_unlink")))
int32_t onebox_sys_proc_unlink(int32_t pid);
#define onebox_proc_unlink onebox_sys_proc_unlink

/** With `on` 1, a linked process's end no longer ends the caller: it gets a TAG_EXIT message (down_message layout) instead, for a NORMAL end too. 0 turns it off. Processes start with it off. */
__attribute__((import_module("onebox"), import_name("trap_exit")))
int32_t onebox_sys_trap_exit(int32_t on);
#define onebox_trap_exit onebox_sys_trap_exit

/** Queue `data` for `pid` under `tag` (>= 0). Messages from one sender to one receiver arrive in the order sent. Data over MAX_MESSAGE_BYTES is refused with EMSGSIZE, never queued. */
__attribute__((import_module("onebox"), import_name("send")))
int32_t onebox_sys_send(int32_t pid, int32_t tag, const void *data_ptr, size_t data_len);
#define onebox_send onebox_sys_send

/** Take the oldest message whose tag is one of the `tags_count` i32 tags at `tags_ptr` (any tag when 0), waiting up to `timeout_ms` (0 polls, TIMEOUT_INFINITE waits forever). Writes recv_info. A message longer than `buf_len` stays queued: E2BIG, with its length in recv_info.len. */
__attribute__((import_module("onebox"), import_name("recv")))
int32_t onebox_sys_recv(const int32_t *tags_ptr, int32_t tags_count, int32_t timeout_ms, void *buf_ptr, size_t buf_len, onebox_recv_info_t *info_ptr);
#define onebox_recv onebox_sys_recv

/** Open a file by namespace path with O_* flags. */
__attribute__((import_module("onebox"), import_name("open")))
int32_t onebox_sys_open(const char *path_ptr, size_t path_len, int32_t flags);
static inline int32_t onebox_open(const char *path, int32_t flags) {
  return onebox_sys_open(path, strlen(path), flags);
}

/** Read up to `buf_len` bytes at the file position and advance it. */
__attribute__((import_module("onebox"), import_name("read")))
int32_t onebox_sys_read(int32_t fd, void *buf_ptr, size_t buf_len);
#define onebox_read onebox_sys_read

/** Write at the file position (at the end with O_APPEND) and advance it. ESTALE, ENOSPC: refused by its fence (see fence). */
__attribute__((import_module("onebox"), import_name("write")))
int32_t onebox_sys_write(int32_t fd, const void *data_ptr, size_t data_len);
#define onebox_write onebox_sys_write

/** Move the file position; writes the new position (u64) at `pos_ptr`. */
__attribute__((import_module("onebox"), import_name("seek")))
int32_t onebox_sys_seek(int32_t fd, int64_t offset, int32_t whence, uint64_t *pos_ptr);
#define onebox_seek onebox_sys_seek

/** Close a file descriptor. */
__attribute__((import_module("onebox"), import_name("close")))
int32_t onebox_sys_close(int32_t fd);
#define onebox_close onebox_sys_close

/** Write the stat layout for a path. */
__attribute__((import_module("onebox"), import_name("stat")))
int32_t onebox_sys_stat(const char *path_ptr, size_t path_len, onebox_stat_t *stat_ptr);
static inline int32_t onebox_stat(const char *path, onebox_stat_t *stat_ptr) {
  return onebox_sys_stat(path, strlen(path), stat_ptr);
}

/** List a directory as NUL-terminated names, sorted. If the listing is longer than `buf_len` nothing is written; the return value says how much room it needs. */
__attribute__((import_module("onebox"), import_name("readdir")))
int32_t onebox_sys_readdir(const char *path_ptr, size_t path_len, void *buf_ptr, size_t buf_len);
static inline int32_t onebox_readdir(const char *path, void *buf_ptr, size_t buf_len) {
  return onebox_sys_readdir(path, strlen(path), buf_ptr, buf_len);
}

/** Create a directory. */
__attribute__((import_module("onebox"), import_name("mkdir")))
int32_t onebox_sys_mkdir(const char *path_ptr, size_t path_len);
static inline int32_t onebox_mkdir(const char *path) {
  return onebox_sys_mkdir(path, strlen(path));
}

/** Remove a file or an empty directory. */
__attribute__((import_module("onebox"), import_name("unlink")))
int32_t onebox_sys_unlink(const char *path_ptr, size_t path_len);
static inline int32_t onebox_unlink(const char *path) {
  return onebox_sys_unlink(path, strlen(path));
}

/** Rename within one node's export (EXDEV across two). */
__attribute__((import_module("onebox"), import_name("rename")))
int32_t onebox_sys_rename(const char *from_ptr, size_t from_len, const char *to_ptr, size_t to_len);
static inline int32_t onebox_rename(const char *from, const char *to) {
  return onebox_sys_rename(from, strlen(from), to, strlen(to));
}

/** Bind lock `name`'s fencing token (as lock returned it) to an open file: every later write or truncate through `fd` (WASI's too) carries it, and the node holding the file refuses one whose token is older than the newest it has seen for that lock (ESTALE), so a holder that lost the lock cannot overwrite its successor's work. Equal or newer tokens pass and become the newest. A second fence on `fd` replaces the first. Not fenced: open's O_TRUNC (open without it and truncate through the fenced fd) and unfenced descriptors. */
__attribute__((import_module("onebox"), import_name("fence")))
int32_t onebox_sys_fence(int32_t fd, const char *name_ptr, size_t name_len, int64_t token);
static inline int32_t onebox_fence(int32_t fd, const char *name, int64_t token) {
  return onebox_sys_fence(fd, name, strlen(name), token);
}

/** Acquire the cluster lock `name`, waiting up to `timeout_ms` (TIMEOUT_INFINITE: forever; 0: same as trylock). Writes its fencing token (u64, larger for every new holder of that name). Released by unlock or when the holder ends. ENOLCK: the caller holds its limit of lock names (LIMIT_LOCKS). */
__attribute__((import_module("onebox"), import_name("lock")))
int32_t onebox_sys_lock(const char *name_ptr, size_t name_len, int32_t timeout_ms, uint64_t *token_ptr);
static inline int32_t onebox_lock(const char *name, int32_t timeout_ms, uint64_t *token_ptr) {
  return onebox_sys_lock(name, strlen(name), timeout_ms, token_ptr);
}

/** Acquire `name` only if it is free; writes the fencing token. */
__attribute__((import_module("onebox"), import_name("trylock")))
int32_t onebox_sys_trylock(const char *name_ptr, size_t name_len, uint64_t *token_ptr);
static inline int32_t onebox_trylock(const char *name, uint64_t *token_ptr) {
  return onebox_sys_trylock(name, strlen(name), token_ptr);
}

/** Release a lock the caller holds. */
__attribute__((import_module("onebox"), import_name("unlock")))
int32_t onebox_sys_unlock(const char *name_ptr, size_t name_len);
static inline int32_t onebox_unlock(const char *name) {
  return onebox_sys_unlock(name, strlen(name));
}

/** Register the caller under a cluster-wide `name`, removed when it ends. EACCES: the name is outside the caller's name prefixes (childcap CAP_NAME_PREFIX). */
__attribute__((import_module("onebox"), import_name("register")))
int32_t onebox_sys_register(const char *name_ptr, size_t name_len);
static inline int32_t onebox_register(const char *name) {
  return onebox_sys_register(name, strlen(name));
}

/** Remove a name the caller registered. */
__attribute__((import_module("onebox"), import_name("unregister")))
int32_t onebox_sys_unregister(const char *name_ptr, size_t name_len);
static inline int32_t onebox_unregister(const char *name) {
  return onebox_sys_unregister(name, strlen(name));
}

/** Look up a registered name. */
__attribute__((import_module("onebox"), import_name("whereis")))
int32_t onebox_sys_whereis(const char *name_ptr, size_t name_len);
static inline int32_t onebox_whereis(const char *name) {
  return onebox_sys_whereis(name, strlen(name));
}

/** Number of arguments and bytes they need. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("args_sizes_get")))
int32_t onebox_sys_args_sizes_get(void *argc_ptr, void *buf_size_ptr);

/** Write argument pointers and NUL-terminated arguments. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("args_get")))
int32_t onebox_sys_args_get(void *argv_ptr, void *buf_ptr);

/** Number of environment entries and bytes they need. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("environ_sizes_get")))
int32_t onebox_sys_environ_sizes_get(void *count_ptr, void *buf_size_ptr);

/** Write KEY=VALUE entry pointers and strings. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("environ_get")))
int32_t onebox_sys_environ_get(void *environ_ptr, void *buf_ptr);

/** Write the time in ns (u64): clock 0 is wall time, 1 is the process's monotonic clock, which never goes backwards and starts at or above its parent's reading at the spawn, on any node. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("clock_time_get")))
int32_t onebox_sys_clock_time_get(int32_t clock_id, int64_t precision, void *time_ptr);

/** Write a clock's resolution in ns (u64). */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("clock_res_get")))
int32_t onebox_sys_clock_res_get(int32_t clock_id, void *res_ptr);

/** Fill a buffer with cryptographically secure random bytes. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("random_get")))
int32_t onebox_sys_random_get(void *buf_ptr, size_t buf_len);

/** Write the `iovs_len` iovecs (8 bytes each: pointer, length) to stdout (1) or stderr (2), where the process's owner reads them, or to a file as write does (at most 1 MiB per call when there are several iovecs; a short count says how much). */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_write")))
int32_t onebox_sys_fd_write(int32_t fd, void *iovs_ptr, size_t iovs_len, void *nwritten_ptr);

/** Read into the iovecs as read does; fd 0 reads what the process's owner forwards (`onebox run`'s standard input), 0 bytes at its end. Directories are EBADF. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_read")))
int32_t onebox_sys_fd_read(int32_t fd, void *iovs_ptr, size_t iovs_len, void *nread_ptr);

/** Read at `offset` without moving the file position. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_pread")))
int32_t onebox_sys_fd_pread(int32_t fd, void *iovs_ptr, size_t iovs_len, int64_t offset, void *nread_ptr);

/** Write at `offset` without moving the file position. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_pwrite")))
int32_t onebox_sys_fd_pwrite(int32_t fd, void *iovs_ptr, size_t iovs_len, int64_t offset, void *nwritten_ptr);

/** Same as seek (WASI's whence values are onebox's); ESPIPE on stdin, stdout and stderr. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_seek")))
int32_t onebox_sys_fd_seek(int32_t fd, int64_t offset, int32_t whence, void *pos_ptr);

/** Write the file position (u64). */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_tell")))
int32_t onebox_sys_fd_tell(int32_t fd, void *pos_ptr);

/** Same as close, for files and directories; closing stdin, stdout or stderr does nothing, as their owner holds them. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_close")))
int32_t onebox_sys_fd_close(int32_t fd);

/** Move descriptor `fd` to number `to`, closing what `to` was. Both must be open; stdio cannot be renumbered (ENOTSUP). */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_renumber")))
int32_t onebox_sys_fd_renumber(int32_t fd, int32_t to);

/** Write the fdstat (filetype, fdflags, rights). Stdin, stdout and stderr are character devices that cannot seek, so C's stdio line-buffers them. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_fdstat_get")))
int32_t onebox_sys_fd_fdstat_get(int32_t fd, void *stat_ptr);

/** Set fdflags: NONBLOCK is accepted (files never block); APPEND, DSYNC, RSYNC and SYNC are fixed at open (ENOTSUP to change them). */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_fdstat_set_flags")))
int32_t onebox_sys_fd_fdstat_set_flags(int32_t fd, int32_t flags);

/** Narrow a descriptor's rights; asking for a right it lacks is ENOTCAPABLE. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_fdstat_set_rights")))
int32_t onebox_sys_fd_fdstat_set_rights(int32_t fd, int64_t rights_base, int64_t rights_inheriting);

/** Write the filestat (64 bytes) of an open file or directory. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_filestat_get")))
int32_t onebox_sys_fd_filestat_get(int32_t fd, void *buf_ptr);

/** Truncate or extend a file. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_filestat_set_size")))
int32_t onebox_sys_fd_filestat_set_size(int32_t fd, int64_t size);

/** Set access and modification times (fstflags ATIM, ATIM_NOW, MTIM, MTIM_NOW; a time and its _NOW together are EINVAL). */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_filestat_set_times")))
int32_t onebox_sys_fd_filestat_set_times(int32_t fd, int64_t atim, int64_t mtim, int32_t fst_flags);

/** Extend the file to at least `offset + len` bytes. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_allocate")))
int32_t onebox_sys_fd_allocate(int32_t fd, int64_t offset, int64_t len);

/** Accept an access-pattern hint (advice 0..5) and do nothing with it. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_advise")))
int32_t onebox_sys_fd_advise(int32_t fd, int64_t offset, int64_t len, int32_t advice);

/** Wait until the file's data and metadata are on disk (fsync); a directory is 0. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_sync")))
int32_t onebox_sys_fd_sync(int32_t fd);

/** Wait until the file's data is on disk (fdatasync); a directory is 0. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_datasync")))
int32_t onebox_sys_fd_datasync(int32_t fd);

/** Write directory entries (24-byte dirent then the name) from `cookie` on, sorted by name, without `.` and `..`; the last one is cut at the buffer's end (bufused == buf_len: call again with a larger buffer). An entry's d_next is the cookie that resumes after it; cookie 0 lists afresh, later cookies continue that listing. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_readdir")))
int32_t onebox_sys_fd_readdir(int32_t fd, void *buf_ptr, size_t buf_len, int64_t cookie, void *bufused_ptr);

/** Describe a preopened directory. fd 3 is the only preopen: the process's namespace root `/` (its home node's export, with /n/<node>/ and /local/); EBADF for every other fd. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_prestat_get")))
int32_t onebox_sys_fd_prestat_get(int32_t fd, void *buf_ptr);

/** Write a preopen's name (`/`, not NUL-terminated); ENAMETOOLONG if `path_len` is too small. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_prestat_dir_name")))
int32_t onebox_sys_fd_prestat_dir_name(int32_t fd, void *path_ptr, size_t path_len);

/** Open `path` relative to directory `fd` as open does, writing the new descriptor. oflags CREAT, DIRECTORY, EXCL, TRUNC; fdflags APPEND, DSYNC, NONBLOCK, RSYNC, SYNC; the rights (narrowed to the directory's inheriting rights) choose reading and writing as wasmtime does; dirflags SYMLINK_FOLLOW follows a final symbolic link (without it, ELOOP). A directory opens as a directory descriptor whenever nothing asks to write it. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open")))
int32_t onebox_sys_path_open(int32_t fd, int32_t dirflags, void *path_ptr, size_t path_len, int32_t oflags, int64_t rights_base, int64_t rights_inheriting, int32_t fdflags, void *fd_ptr);

/** Same as mkdir, relative to directory `fd`. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_create_directory")))
int32_t onebox_sys_path_create_directory(int32_t fd, void *path_ptr, size_t path_len);

/** Remove an empty directory (ENOTDIR for anything else). */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_remove_directory")))
int32_t onebox_sys_path_remove_directory(int32_t fd, void *path_ptr, size_t path_len);

/** Remove a file or symbolic link (EISDIR for a directory). */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_unlink_file")))
int32_t onebox_sys_path_unlink_file(int32_t fd, void *path_ptr, size_t path_len);

/** Same as rename, each path relative to its directory descriptor. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_rename")))
int32_t onebox_sys_path_rename(int32_t fd, void *old_path_ptr, size_t old_path_len, int32_t new_fd, void *new_path_ptr, size_t new_path_len);

/** Create a symbolic link holding `old_path`, which must be relative (an absolute one is ENOTCAPABLE); following it out of the export is EACCES. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_symlink")))
int32_t onebox_sys_path_symlink(void *old_path_ptr, size_t old_path_len, int32_t fd, void *new_path_ptr, size_t new_path_len);

/** Write a symbolic link's contents, cut at `buf_len`, and how many bytes were written. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_readlink")))
int32_t onebox_sys_path_readlink(int32_t fd, void *path_ptr, size_t path_len, void *buf_ptr, size_t buf_len, void *bufused_ptr);

/** Make a hard link `new_path` to `old_path` (SYMLINK_FOLLOW in old_flags links the target of a symbolic link), on one node's export. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_link")))
int32_t onebox_sys_path_link(int32_t old_fd, int32_t old_flags, void *old_path_ptr, size_t old_path_len, int32_t new_fd, void *new_path_ptr, size_t new_path_len);

/** Write the filestat of `path` (flags SYMLINK_FOLLOW: stat, else lstat). */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_filestat_get")))
int32_t onebox_sys_path_filestat_get(int32_t fd, int32_t flags, void *path_ptr, size_t path_len, void *buf_ptr);

/** Set times of `path` as fd_filestat_set_times does. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_filestat_set_times")))
int32_t onebox_sys_path_filestat_set_times(int32_t fd, int32_t flags, void *path_ptr, size_t path_len, int64_t atim, int64_t mtim, int32_t fst_flags);

/** Same as exit. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_exit"), noreturn))
void onebox_sys_proc_exit(int32_t status);

/** Same as yield. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("sched_yield")))
int32_t onebox_sys_sched_yield(void);

/** Signal 0, the signals whose default action is to be ignored (CHLD, CONT, URG, WINCH) and job control's (STOP, TSTP, TTIN, TTOU: onebox has none) do nothing; every other signal (1..30) ends the caller at once, reason KILLED, status 128 + sig. Above 30: EINVAL. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
int32_t onebox_sys_proc_raise(int32_t sig);

/** Wait until one of `nsubscriptions` subscriptions (48 bytes each) is ready and write an event (32 bytes) for each ready one. Clock subscriptions (realtime or monotonic, relative or ABSTIME) fire when due, on the kernel's timers; fd_read and fd_write subscriptions on files and stdout/stderr are always ready, fd 0 when input is waiting or at its end; a bad fd is an event with its error. Only the caller waits. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("poll_oneoff")))
int32_t onebox_sys_poll_oneoff(void *in_ptr, void *out_ptr, size_t nsubscriptions, void *nevents_ptr);

/** ENOTSOCK on any open descriptor, EBADF on any other. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("sock_accept")))
int32_t onebox_sys_sock_accept(int32_t fd, int32_t flags, void *fd_ptr);

/** ENOTSOCK on any open descriptor, EBADF on any other. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("sock_recv")))
int32_t onebox_sys_sock_recv(int32_t fd, void *ri_data_ptr, size_t ri_data_len, int32_t ri_flags, void *ro_datalen_ptr, void *ro_flags_ptr);

/** ENOTSOCK on any open descriptor, EBADF on any other. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("sock_send")))
int32_t onebox_sys_sock_send(int32_t fd, void *si_data_ptr, size_t si_data_len, int32_t si_flags, void *so_datalen_ptr);

/** ENOTSOCK on any open descriptor, EBADF on any other. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("sock_shutdown")))
int32_t onebox_sys_sock_shutdown(int32_t fd, int32_t how);

/** Name of an errno value, either sign: onebox_errno_name(-ONEBOX_ESRCH) is "ESRCH". */
static inline const char *onebox_errno_name(int32_t err) {
  switch (err < 0 ? -err : err) {
  case 1: return "E2BIG";
  case 2: return "EACCES";
  case 6: return "EAGAIN";
  case 8: return "EBADF";
  case 10: return "EBUSY";
  case 12: return "ECHILD";
  case 16: return "EDEADLK";
  case 20: return "EEXIST";
  case 21: return "EFAULT";
  case 23: return "EHOSTUNREACH";
  case 28: return "EINVAL";
  case 29: return "EIO";
  case 31: return "EISDIR";
  case 32: return "ELOOP";
  case 33: return "EMFILE";
  case 35: return "EMSGSIZE";
  case 37: return "ENAMETOOLONG";
  case 41: return "ENFILE";
  case 44: return "ENOENT";
  case 45: return "ENOEXEC";
  case 46: return "ENOLCK";
  case 54: return "ENOTDIR";
  case 51: return "ENOSPC";
  case 55: return "ENOTEMPTY";
  case 57: return "ENOTSOCK";
  case 58: return "ENOTSUP";
  case 63: return "EPERM";
  case 70: return "ESPIPE";
  case 71: return "ESRCH";
  case 72: return "ESTALE";
  case 73: return "ETIMEDOUT";
  case 75: return "EXDEV";
  case 76: return "ENOTCAPABLE";
  default: return "unknown errno";
  }
}

/** Name of an exit reason, as wait and down messages report it. */
static inline const char *onebox_reason_name(int32_t reason) {
  switch (reason) {
  case 0: return "normal";
  case 1: return "killed";
  case 2: return "trap";
  case 3: return "noconnection";
  case 4: return "noproc";
  case 5: return "error";
  case 6: return "linked";
  case 7: return "limit_cpu";
  case 8: return "limit_memory";
  default: return "unknown reason";
  }
}

#endif
