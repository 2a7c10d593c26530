// Generated from abi/abi.ts by abi/gen.ts. Do not edit.

export const ABI_VERSION: i32 = 1;

/** buffer too small for the result; nothing was consumed */
export const E2BIG: i32 = 1;
/** path leaves its export, or access denied */
export const EACCES: i32 = 2;
/** would block: a receiver's mailbox is full, or a poll found nothing */
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
/** too many open files in this process */
export const EMFILE: i32 = 33;
/** name or path too long */
export const ENAMETOOLONG: i32 = 37;
/** no such file, directory, module or name */
export const ENOENT: i32 = 44;
/** not a runnable module (malformed, unknown import, other ABI version) */
export const ENOEXEC: i32 = 45;
/** not a directory */
export const ENOTDIR: i32 = 54;
/** directory not empty */
export const ENOTEMPTY: i32 = 55;
/** not supported */
export const ENOTSUP: i32 = 58;
/** not permitted (e.g. unlocking a lock the caller does not hold) */
export const EPERM: i32 = 63;
/** seek on a stream */
export const ESPIPE: i32 = 70;
/** no such process */
export const ESRCH: i32 = 71;
/** timed out */
export const ETIMEDOUT: i32 = 73;

/** returned from _start or called exit */
export const REASON_NORMAL: i32 = 0;
/** killed by another process or the operator */
export const REASON_KILLED: i32 = 1;
/** trapped (unreachable, out-of-bounds access, stack overflow, ...) */
export const REASON_TRAP: i32 = 2;
/** its node went down or could not be reached */
export const REASON_NOCONNECTION: i32 = 3;
/** no such process when the monitor was set */
export const REASON_NOPROC: i32 = 4;
/** the host could not start it (bad module, ABI version, limits) */
export const REASON_ERROR: i32 = 5;

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
/** timeout_ms that never expires */
export const TIMEOUT_INFINITE: i32 = -1;
/** wait's pid: any child */
export const WAIT_ANY: i32 = -1;
/** tag of a monitor's down message (user tags are >= 0) */
export const TAG_DOWN: i32 = -1;

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

/** Start the module at `path` (a namespace path) as a child. `args` and `env` are NUL-terminated strings back to back (env entries are KEY=VALUE); the child's argv[0] is the path. `node` names the node to run on; empty lets the host choose. The child inherits the caller's namespace, output and memory cap (see memlimit; over the target node's maximum, EINVAL). EAGAIN: the node's memory budget is spent. */
@external("onebox", "spawn")
export declare function sys_spawn(path_ptr: usize, path_len: usize, args_ptr: usize, args_len: usize, env_ptr: usize, env_len: usize, node_ptr: usize, node_len: usize): i32;

/** Set the memory cap (64 KiB pages, summed over a module's memories) of the children the caller spawns from now on, on any node; 0 restores the caller's own cap, which is the most it may be. */
@external("onebox", "memlimit")
export declare function sys_memlimit(pages: i32): i32;

/** End the caller with `status`. Its locks, names and files are released; monitors fire with reason NORMAL. */
@external("onebox", "exit")
export declare function sys_exit(status: i32): void;

/** Wait until child `pid` (or any child, with WAIT_ANY) ends, reap it, and write its wait_status. */
@external("onebox", "wait")
export declare function sys_wait(pid: i32, status_ptr: usize): i32;

/** End process `pid` with reason KILLED, on whatever node it runs. A process in an endless loop is stopped at its next preemption point. */
@external("onebox", "kill")
export declare function sys_kill(pid: i32): i32;

/** The caller's pid, valid cluster-wide. */
@external("onebox", "getpid")
export declare function sys_getpid(): i32;

/** The pid of the process that spawned the caller; 0 for a process started by the operator. */
@external("onebox", "getppid")
export declare function sys_getppid(): i32;

/** Suspend the caller for `ms` milliseconds. */
@external("onebox", "sleep")
export declare function sys_sleep(ms: i32): i32;

/** Let every other runnable process and the node's own work run once. */
@external("onebox", "yield")
export declare function sys_yield(): i32;

/** When `pid` ends, send the caller a TAG_DOWN message (down_message layout). A pid that does not exist yields one at once with reason NOPROC; a node that goes down, with NOCONNECTION. */
@external("onebox", "monitor")
export declare function sys_monitor(pid: i32): i32;

/** Cancel a monitor; its down message will not be sent. */
@external("onebox", "demonitor")
export declare function sys_demonitor(ref: i32): i32;

/** Queue `data` for `pid` under `tag` (>= 0). Messages from one sender to one receiver arrive in the order sent. */
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

/** Write at the file position (at the end with O_APPEND) and advance it. */
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

/** Rename within one node's export. */
@external("onebox", "rename")
export declare function sys_rename(from_ptr: usize, from_len: usize, to_ptr: usize, to_len: usize): i32;

/** Acquire the cluster lock `name`, waiting up to `timeout_ms` (TIMEOUT_INFINITE: forever; 0: same as trylock). Writes its fencing token (u64, larger for every new holder of that name). Released by unlock or when the holder ends. */
@external("onebox", "lock")
export declare function sys_lock(name_ptr: usize, name_len: usize, timeout_ms: i32, token_ptr: usize): i32;

/** Acquire `name` only if it is free; writes the fencing token. */
@external("onebox", "trylock")
export declare function sys_trylock(name_ptr: usize, name_len: usize, token_ptr: usize): i32;

/** Release a lock the caller holds. */
@external("onebox", "unlock")
export declare function sys_unlock(name_ptr: usize, name_len: usize): i32;

/** Register the caller under a cluster-wide `name`, removed when it ends. */
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

/** Write the time in ns (u64): clock 0 is wall time, 1 is the process's monotonic clock. */
@external("wasi_snapshot_preview1", "clock_time_get")
export declare function sys_clock_time_get(clock_id: i32, precision: i64, time_ptr: usize): i32;

/** Write a clock's resolution in ns (u64). */
@external("wasi_snapshot_preview1", "clock_res_get")
export declare function sys_clock_res_get(clock_id: i32, res_ptr: usize): i32;

/** Fill a buffer with cryptographically secure random bytes. */
@external("wasi_snapshot_preview1", "random_get")
export declare function sys_random_get(buf_ptr: usize, buf_len: usize): i32;

/** Write to stdout (1) or stderr (2); the output goes where the process's owner reads it. */
@external("wasi_snapshot_preview1", "fd_write")
export declare function sys_fd_write(fd: i32, iovs_ptr: usize, iovs_len: usize, nwritten_ptr: usize): i32;

/** Describe stdin, stdout or stderr as a character device that cannot seek, so C's stdio line-buffers them. */
@external("wasi_snapshot_preview1", "fd_fdstat_get")
export declare function sys_fd_fdstat_get(fd: i32, stat_ptr: usize): i32;

/** Same as seek for a file descriptor from open (WASI's whence values are onebox's); ESPIPE on stdin, stdout and stderr. */
@external("wasi_snapshot_preview1", "fd_seek")
export declare function sys_fd_seek(fd: i32, offset: i64, whence: i32, pos_ptr: usize): i32;

/** Same as close for a file descriptor from open; closing stdin, stdout or stderr does nothing, as their owner holds them. */
@external("wasi_snapshot_preview1", "fd_close")
export declare function sys_fd_close(fd: i32): i32;

/** Same as exit. */
@external("wasi_snapshot_preview1", "proc_exit")
export declare function sys_proc_exit(status: i32): void;

/** Same as yield. */
@external("wasi_snapshot_preview1", "sched_yield")
export declare function sys_sched_yield(): i32;
