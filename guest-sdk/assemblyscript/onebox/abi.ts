// Generated from abi/abi.ts by abi/gen.ts. Do not edit.

export const ABI_VERSION: i32 = 1;

/** buffer too small for the result; nothing was consumed */
export const E2BIG: i32 = 1;
/** path leaves its export, or outside the caller's capability set (a path, lock or name childcap did not grant) */
export const EACCES: i32 = 2;
/** would block: a receiver's mailbox is full (in messages or bytes), a poll found nothing, or a node limit is reached */
export const EAGAIN: i32 = 6;
/** not an open file descriptor */
export const EBADF: i32 = 8;
/** lock held by another process */
export const EBUSY: i32 = 10;
/** not a child of the caller, or no child left to wait for */
export const ECHILD: i32 = 12;
/** waiting would deadlock (a wait-for cycle, or the caller holds it) */
export const EDEADLK: i32 = 16;
/** already exists */
export const EEXIST: i32 = 20;
/** pointer or length outside the guest's memory */
export const EFAULT: i32 = 21;
/** the node that owns the resource is unknown or down */
export const EHOSTUNREACH: i32 = 23;
/** invalid argument */
export const EINVAL: i32 = 28;
/** I/O error on the host */
export const EIO: i32 = 29;
/** is a directory */
export const EISDIR: i32 = 31;
/** a symbolic link where the call does not follow one (O_NOFOLLOW, WASI lookupflags without symlink_follow) */
export const ELOOP: i32 = 32;
/** too many open files in this process (LIMIT_OPEN_FILES) */
export const EMFILE: i32 = 33;
/** message larger than MAX_MESSAGE_BYTES */
export const EMSGSIZE: i32 = 35;
/** name or path too long */
export const ENAMETOOLONG: i32 = 37;
/** the node holds its limit of open files (descriptors) for all its processes */
export const ENFILE: i32 = 41;
/** no such file, directory, module or name */
export const ENOENT: i32 = 44;
/** not a runnable module (malformed, unknown import, other ABI version) */
export const ENOEXEC: i32 = 45;
/** the caller holds its limit of lock names (LIMIT_LOCKS) */
export const ENOLCK: i32 = 46;
/** not a directory */
export const ENOTDIR: i32 = 54;
/** no room: a file export remembers at most MAX_FENCED_LOCKS lock names */
export const ENOSPC: i32 = 51;
/** directory not empty */
export const ENOTEMPTY: i32 = 55;
/** not a socket (no process is given sockets yet) */
export const ENOTSOCK: i32 = 57;
/** not supported */
export const ENOTSUP: i32 = 58;
/** not permitted (unlocking a lock the caller does not hold; a spawn or kill its capability set does not allow) */
export const EPERM: i32 = 63;
/** seek on a stream */
export const ESPIPE: i32 = 70;
/** no such process */
export const ESRCH: i32 = 71;
/** a fenced write or truncate carried a lock token older than the newest the file's export has seen for that lock */
export const ESTALE: i32 = 72;
/** timed out */
export const ETIMEDOUT: i32 = 73;
/** rename or link across two nodes' exports */
export const EXDEV: i32 = 75;
/** the descriptor lacks the WASI right the call needs, or a rights change would widen them */
export const ENOTCAPABLE: i32 = 76;

/** returned from _start or called exit */
export const REASON_NORMAL: i32 = 0;
/** killed by another process or the operator */
export const REASON_KILLED: i32 = 1;
/** trapped (unreachable, out-of-bounds access, stack overflow, ...) */
export const REASON_TRAP: i32 = 2;
/** its node went down or could not be reached */
export const REASON_NOCONNECTION: i32 = 3;
/** no such process when the monitor was set, nor one that ended lately (those report how they ended) */
export const REASON_NOPROC: i32 = 4;
/** the host could not start it (bad module, ABI version, limits) */
export const REASON_ERROR: i32 = 5;
/** a process linked to it ended abnormally and it did not trap exits (the text names that process and its reason) */
export const REASON_LINKED: i32 = 6;
/** ran past its CPU-time budget (childlimit LIMIT_CPU_MS, `onebox run --cpu`) */
export const REASON_LIMIT_CPU: i32 = 7;
/** grew its memory past what the node's memory budget had left */
export const REASON_LIMIT_MEMORY: i32 = 8;

/** open for reading */
export const O_READ: i32 = 1;
/** open for writing */
export const O_WRITE: i32 = 2;
/** create the file if it does not exist */
export const O_CREATE: i32 = 4;
/** truncate to length 0 */
export const O_TRUNC: i32 = 8;
/** every write goes to the end */
export const O_APPEND: i32 = 16;
/** with O_CREATE: fail with EEXIST if it exists */
export const O_EXCL: i32 = 32;
/** each write waits until its data is on disk */
export const O_DSYNC: i32 = 64;
/** each write waits until its data and metadata are on disk */
export const O_SYNC: i32 = 128;
/** a symbolic link as the last component is ELOOP */
export const O_NOFOLLOW: i32 = 256;
/** offset from the start */
export const SEEK_SET: i32 = 0;
/** offset from the current position */
export const SEEK_CUR: i32 = 1;
/** offset from the end */
export const SEEK_END: i32 = 2;
/** regular file */
export const KIND_FILE: i32 = 1;
/** directory */
export const KIND_DIR: i32 = 2;
/** anything else */
export const KIND_OTHER: i32 = 3;
/** symbolic link (only where links are not followed: WASI's lstat and directory entries) */
export const KIND_SYMLINK: i32 = 4;
/** timeout_ms that never expires */
export const TIMEOUT_INFINITE: i32 = -1;
/** wait's pid: any child */
export const WAIT_ANY: i32 = -1;
/** tag of a monitor's down message (user tags are >= 0) */
export const TAG_DOWN: i32 = -1;
/** tag of the message capgive sends: the data is the capability's kind (i32) and its text (UTF-8), a path as /n/<node>/<path>; it is in the receiver's set from when it is queued */
export const TAG_CAP: i32 = -3;
/** tag of the exit message a process that traps exits gets when a linked process ends (down_message layout) */
export const TAG_EXIT: i32 = -2;
/** spawn_opt: link the caller and the child before the child runs */
export const SPAWN_LINK: i32 = 1;
/** spawn_opt: monitor the child before it runs; the monitor's reference is written at monitor_ref_ptr */
export const SPAWN_MONITOR: i32 = 2;
/** linear memory cap in 64 KiB pages, summed over a module's memories (as memlimit) */
export const LIMIT_MEMORY_PAGES: i32 = 1;
/** CPU time in ms; past it the process ends with reason LIMIT_CPU */
export const LIMIT_CPU_MS: i32 = 2;
/** open files and directories (EMFILE beyond) */
export const LIMIT_OPEN_FILES: i32 = 3;
/** live descendants on the process's node (spawn's EAGAIN beyond) */
export const LIMIT_DESCENDANTS: i32 = 4;
/** messages queued in its mailbox (senders' EAGAIN beyond) */
export const LIMIT_MAILBOX_MESSAGES: i32 = 5;
/** bytes of message data queued in its mailbox (senders' EAGAIN beyond) */
export const LIMIT_MAILBOX_BYTES: i32 = 6;
/** lock names held at once (ENOLCK beyond) */
export const LIMIT_LOCKS: i32 = 7;
/** childcap: the children get the caller's own capability set again (the text is ignored) */
export const CAP_RESET: i32 = 0;
/** childcap: the children may read the namespace subtree at the text (a path); the first CAP_PATH_* grant replaces the inherited namespace, later ones add to it */
export const CAP_PATH_RO: i32 = 1;
/** childcap: as CAP_PATH_RO, and they may change it */
export const CAP_PATH_RW: i32 = 2;
/** childcap: the children may take locks whose names start with the text; the first grant replaces the inherited prefixes */
export const CAP_LOCK_PREFIX: i32 = 3;
/** childcap: the children may register names that start with the text; the first grant replaces the inherited prefixes */
export const CAP_NAME_PREFIX: i32 = 4;
/** childcap: the children may not spawn (EPERM) */
export const CAP_NO_SPAWN: i32 = 5;
/** childcap: the children may kill, monitor and link only their own children (EPERM for any other pid) */
export const CAP_KILL_CHILDREN: i32 = 6;
/** childcap: the children may spawn only on nodes carrying the labels in the text (k=v[,k=v]); a spawn elsewhere is EPERM, one that names no node is placed among those nodes */
export const CAP_SPAWN_LABELS: i32 = 7;
/** childcap: the children may kill, monitor and link only their own descendants, on any node (EPERM for any other pid): what every process gets unless its root was started with `onebox run --scope owner` */
export const CAP_SCOPE_DESCENDANTS: i32 = 8;
/** largest message `send` takes, to any process on any node: it must fit one wire frame (64 MiB) with room to spare */
export const MAX_MESSAGE_BYTES: i32 = 16777216;
/** links one process may have; proc_link and spawn_opt's SPAWN_LINK past it are refused with EAGAIN */
export const MAX_LINKS: i32 = 1000;
/** nearest ancestors a process's kernel remembers (they travel with a remote spawn): a process is a descendant, for kill, monitor and link, of these only */
export const MAX_ANCESTORS: i32 = 64;
/** lock names one node's file export remembers the newest fencing token of; a fenced write naming one more is refused with ENOSPC (forgetting one would let its stale holders through) */
export const MAX_FENCED_LOCKS: i32 = 10000;

export const WAIT_STATUS_SIZE: i32 = 8;
export const WAIT_STATUS_STATUS_OFFSET: i32 = 0;
export const WAIT_STATUS_REASON_OFFSET: i32 = 4;
export const RECV_INFO_SIZE: i32 = 12;
export const RECV_INFO_SENDER_OFFSET: i32 = 0;
export const RECV_INFO_TAG_OFFSET: i32 = 4;
export const RECV_INFO_LEN_OFFSET: i32 = 8;
export const STAT_SIZE: i32 = 24;
export const STAT_SIZE_OFFSET: i32 = 0;
export const STAT_MTIME_NS_OFFSET: i32 = 8;
export const STAT_KIND_OFFSET: i32 = 16;
export const DOWN_MESSAGE_SIZE: i32 = 12;
export const DOWN_MESSAGE_PID_OFFSET: i32 = 0;
export const DOWN_MESSAGE_REASON_OFFSET: i32 = 4;
export const DOWN_MESSAGE_STATUS_OFFSET: i32 = 8;

/** Start the module at `path` (a namespace path) as a child. `args` and `env` are NUL-terminated strings back to back (env entries are KEY=VALUE); the child's argv[0] is the path. `node` names the node to run on; empty lets the host choose. The child inherits the caller's namespace, output and memory cap (see memlimit; over the target node's maximum, EINVAL). EAGAIN: the node's memory budget is spent, the node runs its most live processes, or the caller or an ancestor on its node has its most live descendants. EPERM: the caller's capability set forbids spawning (CAP_NO_SPAWN), or on that node (CAP_SPAWN_LABELS); EACCES: `path` is outside its readable namespace. */
@external("onebox", "spawn")
export declare function sys_spawn(path_ptr: usize, path_len: usize, args_ptr: usize, args_len: usize, env_ptr: usize, env_len: usize, node_ptr: usize, node_len: usize): i32;

/** Set the memory cap (64 KiB pages, summed over a module's memories) of the children the caller spawns from now on, on any node; 0 restores the caller's own cap, which is the most it may be. */
@external("onebox", "memlimit")
export declare function sys_memlimit(pages: i32): i32;

/** Narrow limit `kind` (a LIMIT_* value) of the children the caller spawns from now on, on any node; their children inherit it. `value` may not pass the caller's own limit of that kind (EINVAL: a child can only get less); 0 restores the caller's own. A child on another node gets the smaller of this and that node's default. */
@external("onebox", "childlimit")
export declare function sys_childlimit(kind: i32, value: i32): i32;

/** Narrow the capability set (docs/SECURITY.md) of the children the caller spawns from now on, on any node; their children inherit it. `kind` is a CAP_* value; `text` is its path or prefix (UTF-8), empty for the kinds without one. A grant the caller does not hold itself is EINVAL: a child can only get less. A child denied a path gets EACCES, a lock or name outside its prefixes EACCES, a spawn or kill outside its set EPERM. */
@external("onebox", "childcap")
export declare function sys_childcap(kind: i32, text_ptr: usize, text_len: usize): i32;

/** Hand process `pid`, on any node, one capability the caller holds itself: CAP_PATH_RO or CAP_PATH_RW with a path, CAP_LOCK_PREFIX or CAP_NAME_PREFIX with a prefix (as childcap's). The kernel adds it to pid's capability set and tells pid with a TAG_CAP message; no guest holds anything that names it, so none can forge one. A capability the caller does not hold is EINVAL; a full mailbox or send credit, EAGAIN, and nothing is given. A process whose set already holds MAX_GRANTS of that kind keeps its set (the TAG_CAP message still comes). */
@external("onebox", "capgive")
export declare function sys_capgive(pid: i32, kind: i32, text_ptr: usize, text_len: usize): i32;

/** End the caller with `status`. Its locks, names and files are released; monitors fire with reason NORMAL. */
@external("onebox", "exit")
export declare function sys_exit(status: i32): void;

/** Wait until child `pid` (or any child, with WAIT_ANY) ends, reap it, and write its wait_status. EDEADLK: the wait would close a wait-for cycle of waits and lock waits (the child, or what it waits for, waits for a lock the caller holds), on any node. WAIT_ANY counts as waiting for the child only while the caller has exactly one. */
@external("onebox", "wait")
export declare function sys_wait(pid: i32, status_ptr: usize): i32;

/** End process `pid` with reason KILLED, on whatever node it runs. A process in an endless loop is stopped at its next preemption point. A process may end only itself and its descendants (its process scope, see docs/SECURITY.md; CAP_KILL_CHILDREN narrows it to its children), or, under a root started with `onebox run --scope owner`, any process of its owner; EPERM otherwise. A process that runs for a user (its owner) never ends another user's processes. */
@external("onebox", "kill")
export declare function sys_kill(pid: i32): i32;

/** The caller's pid, valid cluster-wide. */
@external("onebox", "getpid")
export declare function sys_getpid(): i32;

/** The pid of the process that spawned the caller; 0 for a process started by the operator. */
@external("onebox", "getppid")
export declare function sys_getppid(): i32;

/** Write the caller's Lamport time (u64): larger than that of every call it made before and of every call that happened before them anywhere in the cluster (a send before the recv that took its message, a spawn before the child's first call). Reading it is itself a call, so two reads differ. */
@external("onebox", "lamport")
export declare function sys_lamport(time_ptr: usize): i32;

/** Suspend the caller for `ms` milliseconds. */
@external("onebox", "sleep")
export declare function sys_sleep(ms: i32): i32;

/** Let every other runnable process and the node's own work run once. */
@external("onebox", "yield")
export declare function sys_yield(): i32;

/** When `pid` ends, send the caller a TAG_DOWN message (down_message layout). A pid that already ended yields one at once with the reason it ended with (its node remembers its last 10,000 ends), one unknown with reason NOPROC; a node that goes down, with NOCONNECTION. To miss nothing of a child, spawn_opt with SPAWN_MONITOR. EPERM: `pid` runs but is outside the caller's process scope (as kill's), asked where it runs. */
@external("onebox", "monitor")
export declare function sys_monitor(pid: i32): i32;

/** Cancel a monitor; its down message will not be sent. */
@external("onebox", "demonitor")
export declare function sys_demonitor(ref: i32): i32;

/** Record the next child the caller spawns, on any node: every call it makes, with what each gave it (results, messages, clock and random values, memory written), so `onebox replay` can run it again alone. The child's node records it (up to 64 MiB, then the record is cut) and at the child's end writes the record to `path`, a path in the caller's namespace on any node's export (created or replaced; the caller must be able to write there), before the caller's `wait` for the child returns. An empty path cancels. A spawn fails with EAGAIN while the child's node already holds 1 GiB of records' limits. */
@external("onebox", "record")
export declare function sys_record(path_ptr: usize, path_len: usize): i32;

/** spawn, with SPAWN_* `flags`: SPAWN_LINK links the caller and the child, SPAWN_MONITOR monitors the child and writes the monitor's reference (i32) at `monitor_ref_ptr`; both are set before the child runs, on any node, so its end is never missed (a monitor set after spawn returns can find a fast child gone). EAGAIN also: the caller has MAX_LINKS links. */
@external("onebox", "spawn_opt")
export declare function sys_spawn_opt(path_ptr: usize, path_len: usize, args_ptr: usize, args_len: usize, env_ptr: usize, env_len: usize, node_ptr: usize, node_len: usize, flags: i32, monitor_ref_ptr: usize): i32;

/** Link the caller and `pid`, on any node, as Erlang's link: when either ends abnormally (any reason but NORMAL) the other ends with reason LINKED, or, if it traps exits (trap_exit), gets a TAG_EXIT message. Both ways; linking again, or to itself, is a no-op. A node that goes down ends its partners' links with reason NOCONNECTION. ESRCH: `pid` is not running. EAGAIN: the caller or `pid` has MAX_LINKS links. EPERM: `pid` is outside the caller's process scope (as kill's): a link can end its partner. */
@external("onebox", "proc_link")
export declare function sys_proc_link(pid: i32): i32;

/** Remove the link between the caller and `pid`, both ways; no link is not an error. A TAG_EXIT message already queued stays. */
@external("onebox", "proc_unlink")
export declare function sys_proc_unlink(pid: i32): i32;

/** With `on` 1, a linked process's end no longer ends the caller: it gets a TAG_EXIT message (down_message layout) instead, for a NORMAL end too. 0 turns it off. Processes start with it off. */
@external("onebox", "trap_exit")
export declare function sys_trap_exit(on: i32): i32;

/** Queue `data` for `pid` under `tag` (>= 0). Messages from one sender to one receiver arrive in the order sent. Data over MAX_MESSAGE_BYTES is refused with EMSGSIZE, never queued. */
@external("onebox", "send")
export declare function sys_send(pid: i32, tag: i32, data_ptr: usize, data_len: usize): i32;

/** Take the oldest message whose tag is one of the `tags_count` i32 tags at `tags_ptr` (any tag when 0), waiting up to `timeout_ms` (0 polls, TIMEOUT_INFINITE waits forever). Writes recv_info. A message longer than `buf_len` stays queued: E2BIG, with its length in recv_info.len. */
@external("onebox", "recv")
export declare function sys_recv(tags_ptr: usize, tags_count: i32, timeout_ms: i32, buf_ptr: usize, buf_len: usize, info_ptr: usize): i32;

/** Open a file by namespace path with O_* flags. */
@external("onebox", "open")
export declare function sys_open(path_ptr: usize, path_len: usize, flags: i32): i32;

/** Read up to `buf_len` bytes at the file position and advance it. */
@external("onebox", "read")
export declare function sys_read(fd: i32, buf_ptr: usize, buf_len: usize): i32;

/** Write at the file position (at the end with O_APPEND) and advance it. ESTALE, ENOSPC: refused by its fence (see fence). */
@external("onebox", "write")
export declare function sys_write(fd: i32, data_ptr: usize, data_len: usize): i32;

/** Move the file position; writes the new position (u64) at `pos_ptr`. */
@external("onebox", "seek")
export declare function sys_seek(fd: i32, offset: i64, whence: i32, pos_ptr: usize): i32;

/** Close a file descriptor. */
@external("onebox", "close")
export declare function sys_close(fd: i32): i32;

/** Write the stat layout for a path. */
@external("onebox", "stat")
export declare function sys_stat(path_ptr: usize, path_len: usize, stat_ptr: usize): i32;

/** List a directory as NUL-terminated names, sorted. If the listing is longer than `buf_len` nothing is written; the return value says how much room it needs. */
@external("onebox", "readdir")
export declare function sys_readdir(path_ptr: usize, path_len: usize, buf_ptr: usize, buf_len: usize): i32;

/** Create a directory. */
@external("onebox", "mkdir")
export declare function sys_mkdir(path_ptr: usize, path_len: usize): i32;

/** Remove a file or an empty directory. */
@external("onebox", "unlink")
export declare function sys_unlink(path_ptr: usize, path_len: usize): i32;

/** Rename within one node's export (EXDEV across two). */
@external("onebox", "rename")
export declare function sys_rename(from_ptr: usize, from_len: usize, to_ptr: usize, to_len: usize): i32;

/** Bind lock `name`'s fencing token (as lock returned it) to an open file: every later write or truncate through `fd` (WASI's too) carries it, and the node holding the file refuses one whose token is older than the newest it has seen for that lock (ESTALE), so a holder that lost the lock cannot overwrite its successor's work. Equal or newer tokens pass and become the newest. A second fence on `fd` replaces the first. Not fenced: open's O_TRUNC (open without it and truncate through the fenced fd) and unfenced descriptors. */
@external("onebox", "fence")
export declare function sys_fence(fd: i32, name_ptr: usize, name_len: usize, token: i64): i32;

/** Acquire the cluster lock `name`, waiting up to `timeout_ms` (TIMEOUT_INFINITE: forever; 0: same as trylock). Writes its fencing token (u64, larger for every new holder of that name). Released by unlock or when the holder ends. ENOLCK: the caller holds its limit of lock names (LIMIT_LOCKS). */
@external("onebox", "lock")
export declare function sys_lock(name_ptr: usize, name_len: usize, timeout_ms: i32, token_ptr: usize): i32;

/** Acquire `name` only if it is free; writes the fencing token. */
@external("onebox", "trylock")
export declare function sys_trylock(name_ptr: usize, name_len: usize, token_ptr: usize): i32;

/** Release a lock the caller holds. */
@external("onebox", "unlock")
export declare function sys_unlock(name_ptr: usize, name_len: usize): i32;

/** Register the caller under a cluster-wide `name`, removed when it ends. EACCES: the name is outside the caller's name prefixes (childcap CAP_NAME_PREFIX). */
@external("onebox", "register")
export declare function sys_register(name_ptr: usize, name_len: usize): i32;

/** Remove a name the caller registered. */
@external("onebox", "unregister")
export declare function sys_unregister(name_ptr: usize, name_len: usize): i32;

/** Look up a registered name. */
@external("onebox", "whereis")
export declare function sys_whereis(name_ptr: usize, name_len: usize): i32;

/** Number of arguments and bytes they need. */
@external("wasi_snapshot_preview1", "args_sizes_get")
export declare function sys_args_sizes_get(argc_ptr: usize, buf_size_ptr: usize): i32;

/** Write argument pointers and NUL-terminated arguments. */
@external("wasi_snapshot_preview1", "args_get")
export declare function sys_args_get(argv_ptr: usize, buf_ptr: usize): i32;

/** Number of environment entries and bytes they need. */
@external("wasi_snapshot_preview1", "environ_sizes_get")
export declare function sys_environ_sizes_get(count_ptr: usize, buf_size_ptr: usize): i32;

/** Write KEY=VALUE entry pointers and strings. */
@external("wasi_snapshot_preview1", "environ_get")
export declare function sys_environ_get(environ_ptr: usize, buf_ptr: usize): i32;

/** Write the time in ns (u64): clock 0 is wall time, 1 is the process's monotonic clock, which never goes backwards and starts at or above its parent's reading at the spawn, on any node. */
@external("wasi_snapshot_preview1", "clock_time_get")
export declare function sys_clock_time_get(clock_id: i32, precision: i64, time_ptr: usize): i32;

/** Write a clock's resolution in ns (u64). */
@external("wasi_snapshot_preview1", "clock_res_get")
export declare function sys_clock_res_get(clock_id: i32, res_ptr: usize): i32;

/** Fill a buffer with cryptographically secure random bytes. */
@external("wasi_snapshot_preview1", "random_get")
export declare function sys_random_get(buf_ptr: usize, buf_len: usize): i32;

/** Write the `iovs_len` iovecs (8 bytes each: pointer, length) to stdout (1) or stderr (2), where the process's owner reads them, or to a file as write does (at most 1 MiB per call when there are several iovecs; a short count says how much). */
@external("wasi_snapshot_preview1", "fd_write")
export declare function sys_fd_write(fd: i32, iovs_ptr: usize, iovs_len: usize, nwritten_ptr: usize): i32;

/** Read into the iovecs as read does; fd 0 reads what the process's owner forwards (`onebox run`'s standard input), 0 bytes at its end. Directories are EBADF. */
@external("wasi_snapshot_preview1", "fd_read")
export declare function sys_fd_read(fd: i32, iovs_ptr: usize, iovs_len: usize, nread_ptr: usize): i32;

/** Read at `offset` without moving the file position. */
@external("wasi_snapshot_preview1", "fd_pread")
export declare function sys_fd_pread(fd: i32, iovs_ptr: usize, iovs_len: usize, offset: i64, nread_ptr: usize): i32;

/** Write at `offset` without moving the file position. */
@external("wasi_snapshot_preview1", "fd_pwrite")
export declare function sys_fd_pwrite(fd: i32, iovs_ptr: usize, iovs_len: usize, offset: i64, nwritten_ptr: usize): i32;

/** Same as seek (WASI's whence values are onebox's); ESPIPE on stdin, stdout and stderr. */
@external("wasi_snapshot_preview1", "fd_seek")
export declare function sys_fd_seek(fd: i32, offset: i64, whence: i32, pos_ptr: usize): i32;

/** Write the file position (u64). */
@external("wasi_snapshot_preview1", "fd_tell")
export declare function sys_fd_tell(fd: i32, pos_ptr: usize): i32;

/** Same as close, for files and directories; closing stdin, stdout or stderr does nothing, as their owner holds them. */
@external("wasi_snapshot_preview1", "fd_close")
export declare function sys_fd_close(fd: i32): i32;

/** Move descriptor `fd` to number `to`, closing what `to` was. Both must be open; stdio cannot be renumbered (ENOTSUP). */
@external("wasi_snapshot_preview1", "fd_renumber")
export declare function sys_fd_renumber(fd: i32, to: i32): i32;

/** Write the fdstat (filetype, fdflags, rights). Stdin, stdout and stderr are character devices that cannot seek, so C's stdio line-buffers them. */
@external("wasi_snapshot_preview1", "fd_fdstat_get")
export declare function sys_fd_fdstat_get(fd: i32, stat_ptr: usize): i32;

/** Set fdflags: NONBLOCK is accepted (files never block); APPEND, DSYNC, RSYNC and SYNC are fixed at open (ENOTSUP to change them). */
@external("wasi_snapshot_preview1", "fd_fdstat_set_flags")
export declare function sys_fd_fdstat_set_flags(fd: i32, flags: i32): i32;

/** Narrow a descriptor's rights; asking for a right it lacks is ENOTCAPABLE. */
@external("wasi_snapshot_preview1", "fd_fdstat_set_rights")
export declare function sys_fd_fdstat_set_rights(fd: i32, rights_base: i64, rights_inheriting: i64): i32;

/** Write the filestat (64 bytes) of an open file or directory. */
@external("wasi_snapshot_preview1", "fd_filestat_get")
export declare function sys_fd_filestat_get(fd: i32, buf_ptr: usize): i32;

/** Truncate or extend a file. */
@external("wasi_snapshot_preview1", "fd_filestat_set_size")
export declare function sys_fd_filestat_set_size(fd: i32, size: i64): i32;

/** Set access and modification times (fstflags ATIM, ATIM_NOW, MTIM, MTIM_NOW; a time and its _NOW together are EINVAL). */
@external("wasi_snapshot_preview1", "fd_filestat_set_times")
export declare function sys_fd_filestat_set_times(fd: i32, atim: i64, mtim: i64, fst_flags: i32): i32;

/** Extend the file to at least `offset + len` bytes. */
@external("wasi_snapshot_preview1", "fd_allocate")
export declare function sys_fd_allocate(fd: i32, offset: i64, len: i64): i32;

/** Accept an access-pattern hint (advice 0..5) and do nothing with it. */
@external("wasi_snapshot_preview1", "fd_advise")
export declare function sys_fd_advise(fd: i32, offset: i64, len: i64, advice: i32): i32;

/** Wait until the file's data and metadata are on disk (fsync); a directory is 0. */
@external("wasi_snapshot_preview1", "fd_sync")
export declare function sys_fd_sync(fd: i32): i32;

/** Wait until the file's data is on disk (fdatasync); a directory is 0. */
@external("wasi_snapshot_preview1", "fd_datasync")
export declare function sys_fd_datasync(fd: i32): i32;

/** Write directory entries (24-byte dirent then the name) from `cookie` on, sorted by name, without `.` and `..`; the last one is cut at the buffer's end (bufused == buf_len: call again with a larger buffer). An entry's d_next is the cookie that resumes after it; cookie 0 lists afresh, later cookies continue that listing. */
@external("wasi_snapshot_preview1", "fd_readdir")
export declare function sys_fd_readdir(fd: i32, buf_ptr: usize, buf_len: usize, cookie: i64, bufused_ptr: usize): i32;

/** Describe a preopened directory. fd 3 is the only preopen: the process's namespace root `/` (its home node's export, with /n/<node>/ and /local/); EBADF for every other fd. */
@external("wasi_snapshot_preview1", "fd_prestat_get")
export declare function sys_fd_prestat_get(fd: i32, buf_ptr: usize): i32;

/** Write a preopen's name (`/`, not NUL-terminated); ENAMETOOLONG if `path_len` is too small. */
@external("wasi_snapshot_preview1", "fd_prestat_dir_name")
export declare function sys_fd_prestat_dir_name(fd: i32, path_ptr: usize, path_len: usize): i32;

/** Open `path` relative to directory `fd` as open does, writing the new descriptor. oflags CREAT, DIRECTORY, EXCL, TRUNC; fdflags APPEND, DSYNC, NONBLOCK, RSYNC, SYNC; the rights (narrowed to the directory's inheriting rights) choose reading and writing as wasmtime does; dirflags SYMLINK_FOLLOW follows a final symbolic link (without it, ELOOP). A directory opens as a directory descriptor whenever nothing asks to write it. */
@external("wasi_snapshot_preview1", "path_open")
export declare function sys_path_open(fd: i32, dirflags: i32, path_ptr: usize, path_len: usize, oflags: i32, rights_base: i64, rights_inheriting: i64, fdflags: i32, fd_ptr: usize): i32;

/** Same as mkdir, relative to directory `fd`. */
@external("wasi_snapshot_preview1", "path_create_directory")
export declare function sys_path_create_directory(fd: i32, path_ptr: usize, path_len: usize): i32;

/** Remove an empty directory (ENOTDIR for anything else). */
@external("wasi_snapshot_preview1", "path_remove_directory")
export declare function sys_path_remove_directory(fd: i32, path_ptr: usize, path_len: usize): i32;

/** Remove a file or symbolic link (EISDIR for a directory). */
@external("wasi_snapshot_preview1", "path_unlink_file")
export declare function sys_path_unlink_file(fd: i32, path_ptr: usize, path_len: usize): i32;

/** Same as rename, each path relative to its directory descriptor. */
@external("wasi_snapshot_preview1", "path_rename")
export declare function sys_path_rename(fd: i32, old_path_ptr: usize, old_path_len: usize, new_fd: i32, new_path_ptr: usize, new_path_len: usize): i32;

/** Create a symbolic link holding `old_path`, which must be relative (an absolute one is ENOTCAPABLE); following it out of the export is EACCES. */
@external("wasi_snapshot_preview1", "path_symlink")
export declare function sys_path_symlink(old_path_ptr: usize, old_path_len: usize, fd: i32, new_path_ptr: usize, new_path_len: usize): i32;

/** Write a symbolic link's contents, cut at `buf_len`, and how many bytes were written. */
@external("wasi_snapshot_preview1", "path_readlink")
export declare function sys_path_readlink(fd: i32, path_ptr: usize, path_len: usize, buf_ptr: usize, buf_len: usize, bufused_ptr: usize): i32;

/** Make a hard link `new_path` to `old_path` (SYMLINK_FOLLOW in old_flags links the target of a symbolic link), on one node's export. */
@external("wasi_snapshot_preview1", "path_link")
export declare function sys_path_link(old_fd: i32, old_flags: i32, old_path_ptr: usize, old_path_len: usize, new_fd: i32, new_path_ptr: usize, new_path_len: usize): i32;

/** Write the filestat of `path` (flags SYMLINK_FOLLOW: stat, else lstat). */
@external("wasi_snapshot_preview1", "path_filestat_get")
export declare function sys_path_filestat_get(fd: i32, flags: i32, path_ptr: usize, path_len: usize, buf_ptr: usize): i32;

/** Set times of `path` as fd_filestat_set_times does. */
@external("wasi_snapshot_preview1", "path_filestat_set_times")
export declare function sys_path_filestat_set_times(fd: i32, flags: i32, path_ptr: usize, path_len: usize, atim: i64, mtim: i64, fst_flags: i32): i32;

/** Same as exit. */
@external("wasi_snapshot_preview1", "proc_exit")
export declare function sys_proc_exit(status: i32): void;

/** Same as yield. */
@external("wasi_snapshot_preview1", "sched_yield")
export declare function sys_sched_yield(): i32;

/** Signal 0, the signals whose default action is to be ignored (CHLD, CONT, URG, WINCH) and job control's (STOP, TSTP, TTIN, TTOU: onebox has none) do nothing; every other signal (1..30) ends the caller at once, reason KILLED, status 128 + sig. Above 30: EINVAL. */
@external("wasi_snapshot_preview1", "proc_raise")
export declare function sys_proc_raise(sig: i32): i32;

/** Wait until one of `nsubscriptions` subscriptions (48 bytes each) is ready and write an event (32 bytes) for each ready one. Clock subscriptions (realtime or monotonic, relative or ABSTIME) fire when due, on the kernel's timers; fd_read and fd_write subscriptions on files and stdout/stderr are always ready, fd 0 when input is waiting or at its end; a bad fd is an event with its error. Only the caller waits. */
@external("wasi_snapshot_preview1", "poll_oneoff")
export declare function sys_poll_oneoff(in_ptr: usize, out_ptr: usize, nsubscriptions: usize, nevents_ptr: usize): i32;

/** ENOTSOCK on any open descriptor, EBADF on any other. */
@external("wasi_snapshot_preview1", "sock_accept")
export declare function sys_sock_accept(fd: i32, flags: i32, fd_ptr: usize): i32;

/** ENOTSOCK on any open descriptor, EBADF on any other. */
@external("wasi_snapshot_preview1", "sock_recv")
export declare function sys_sock_recv(fd: i32, ri_data_ptr: usize, ri_data_len: usize, ri_flags: i32, ro_datalen_ptr: usize, ro_flags_ptr: usize): i32;

/** ENOTSOCK on any open descriptor, EBADF on any other. */
@external("wasi_snapshot_preview1", "sock_send")
export declare function sys_sock_send(fd: i32, si_data_ptr: usize, si_data_len: usize, si_flags: i32, so_datalen_ptr: usize): i32;

/** ENOTSOCK on any open descriptor, EBADF on any other. */
@external("wasi_snapshot_preview1", "sock_shutdown")
export declare function sys_sock_shutdown(fd: i32, how: i32): i32;
