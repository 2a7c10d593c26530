// Generated from abi/abi.ts by abi/gen.ts. Do not edit.
//
//! The onebox ABI for Rust guests. `onebox build main.rs` (or a Cargo package) compiles this
//! crate and passes it to rustc as `onebox`, so `use onebox::...` needs no Cargo dependency;
//! the build stamps ABI_VERSION into the custom section "onebox_abi".
//!
//! `sys::NAME` is the raw import; `NAME` is the call to use: &str for text, slices for buffers,
//! and `Result<T, Errno>` where the raw call returns a negated errno. Output, arguments,
//! clocks and the environment come from std, whose WASI calls onebox serves.
#![no_std]

use core::fmt;

pub const ABI_VERSION: i32 = 1;

/// Why a onebox call failed: WASI preview1's errno values.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Errno(pub i32);

impl Errno {
    /// buffer too small for the result; nothing was consumed
    pub const E2BIG: Errno = Errno(1);
    /// path leaves its export, or outside the caller's capability set (a path, lock or name childcap did not grant)
    pub const EACCES: Errno = Errno(2);
    /// would block: a receiver's mailbox is full (in messages or bytes), a poll found nothing, or a node limit is reached
    pub const EAGAIN: Errno = Errno(6);
    /// not an open file descriptor
    pub const EBADF: Errno = Errno(8);
    /// lock held by another process
    pub const EBUSY: Errno = Errno(10);
    /// not a child of the caller, or no child left to wait for
    pub const ECHILD: Errno = Errno(12);
    /// waiting would deadlock (a wait-for cycle, or the caller holds it)
    pub const EDEADLK: Errno = Errno(16);
    /// already exists
    pub const EEXIST: Errno = Errno(20);
    /// pointer or length outside the guest's memory
    pub const EFAULT: Errno = Errno(21);
    /// the node that owns the resource is unknown or down
    pub const EHOSTUNREACH: Errno = Errno(23);
    /// invalid argument
    pub const EINVAL: Errno = Errno(28);
    /// I/O error on the host
    pub const EIO: Errno = Errno(29);
    /// is a directory
    pub const EISDIR: Errno = Errno(31);
    /// a symbolic link where the call does not follow one (O_NOFOLLOW, WASI lookupflags without symlink_follow)
    pub const ELOOP: Errno = Errno(32);
    /// too many open files in this process (LIMIT_OPEN_FILES)
    pub const EMFILE: Errno = Errno(33);
    /// message larger than MAX_MESSAGE_BYTES
    pub const EMSGSIZE: Errno = Errno(35);
    /// name or path too long
    pub const ENAMETOOLONG: Errno = Errno(37);
    /// the node holds its limit of open files (descriptors) for all its processes
    pub const ENFILE: Errno = Errno(41);
    /// no such file, directory, module or name
    pub const ENOENT: Errno = Errno(44);
    /// not a runnable module (malformed, unknown import, other ABI version)
    pub const ENOEXEC: Errno = Errno(45);
    /// the caller holds its limit of lock names (LIMIT_LOCKS)
    pub const ENOLCK: Errno = Errno(46);
    /// not a directory
    pub const ENOTDIR: Errno = Errno(54);
    /// no room: a file export remembers at most MAX_FENCED_LOCKS lock names
    pub const ENOSPC: Errno = Errno(51);
    /// directory not empty
    pub const ENOTEMPTY: Errno = Errno(55);
    /// not a socket (no process is given sockets yet)
    pub const ENOTSOCK: Errno = Errno(57);
    /// not supported
    pub const ENOTSUP: Errno = Errno(58);
    /// not permitted (unlocking a lock the caller does not hold; a spawn or kill its capability set does not allow)
    pub const EPERM: Errno = Errno(63);
    /// seek on a stream
    pub const ESPIPE: Errno = Errno(70);
    /// no such process
    pub const ESRCH: Errno = Errno(71);
    /// a fenced write or truncate carried a lock token older than the newest the file's export has seen for that lock
    pub const ESTALE: Errno = Errno(72);
    /// timed out
    pub const ETIMEDOUT: Errno = Errno(73);
    /// rename or link across two nodes' exports
    pub const EXDEV: Errno = Errno(75);
    /// the descriptor lacks the WASI right the call needs, or a rights change would widen them
    pub const ENOTCAPABLE: Errno = Errno(76);

    /// The errno's name, as the ABI spells it: "ESRCH".
    pub fn name(self) -> &'static str {
        match self.0 {
            1 => "E2BIG",
            2 => "EACCES",
            6 => "EAGAIN",
            8 => "EBADF",
            10 => "EBUSY",
            12 => "ECHILD",
            16 => "EDEADLK",
            20 => "EEXIST",
            21 => "EFAULT",
            23 => "EHOSTUNREACH",
            28 => "EINVAL",
            29 => "EIO",
            31 => "EISDIR",
            32 => "ELOOP",
            33 => "EMFILE",
            35 => "EMSGSIZE",
            37 => "ENAMETOOLONG",
            41 => "ENFILE",
            44 => "ENOENT",
            45 => "ENOEXEC",
            46 => "ENOLCK",
            54 => "ENOTDIR",
            51 => "ENOSPC",
            55 => "ENOTEMPTY",
            57 => "ENOTSOCK",
            58 => "ENOTSUP",
            63 => "EPERM",
            70 => "ESPIPE",
            71 => "ESRCH",
            72 => "ESTALE",
            73 => "ETIMEDOUT",
            75 => "EXDEV",
            76 => "ENOTCAPABLE",
            _ => "unknown errno",
        }
    }
}

impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A raw call's result: non-negative is success, negative a negated errno.
fn check(r: i32) -> Result<i32, Errno> {
    if r < 0 { Err(Errno(-r)) } else { Ok(r) }
}

/// returned from _start or called exit
pub const REASON_NORMAL: i32 = 0;
/// killed by another process or the operator
pub const REASON_KILLED: i32 = 1;
/// trapped (unreachable, out-of-bounds access, stack overflow, ...)
pub const REASON_TRAP: i32 = 2;
/// its node went down or could not be reached
pub const REASON_NOCONNECTION: i32 = 3;
/// no such process when the monitor was set, nor one that ended lately (those report how they ended)
pub const REASON_NOPROC: i32 = 4;
/// the host could not start it (bad module, ABI version, limits)
pub const REASON_ERROR: i32 = 5;
/// a process linked to it ended abnormally and it did not trap exits (the text names that process and its reason)
pub const REASON_LINKED: i32 = 6;
/// ran past its CPU-time budget (childlimit LIMIT_CPU_MS, `onebox run --cpu`)
pub const REASON_LIMIT_CPU: i32 = 7;
/// grew its memory past what the node's memory budget had left
pub const REASON_LIMIT_MEMORY: i32 = 8;

/// Name of an exit reason, as wait and down messages report it.
pub fn reason_name(reason: i32) -> &'static str {
    match reason {
        0 => "normal",
        1 => "killed",
        2 => "trap",
        3 => "noconnection",
        4 => "noproc",
        5 => "error",
        6 => "linked",
        7 => "limit_cpu",
        8 => "limit_memory",
        _ => "unknown reason",
    }
}

/// open for reading
pub const O_READ: i32 = 1;
/// open for writing
pub const O_WRITE: i32 = 2;
/// create the file if it does not exist
pub const O_CREATE: i32 = 4;
/// truncate to length 0
pub const O_TRUNC: i32 = 8;
/// every write goes to the end
pub const O_APPEND: i32 = 16;
/// with O_CREATE: fail with EEXIST if it exists
pub const O_EXCL: i32 = 32;
/// each write waits until its data is on disk
pub const O_DSYNC: i32 = 64;
/// each write waits until its data and metadata are on disk
pub const O_SYNC: i32 = 128;
/// a symbolic link as the last component is ELOOP
pub const O_NOFOLLOW: i32 = 256;
/// offset from the start
pub const SEEK_SET: i32 = 0;
/// offset from the current position
pub const SEEK_CUR: i32 = 1;
/// offset from the end
pub const SEEK_END: i32 = 2;
/// regular file
pub const KIND_FILE: i32 = 1;
/// directory
pub const KIND_DIR: i32 = 2;
/// anything else
pub const KIND_OTHER: i32 = 3;
/// symbolic link (only where links are not followed: WASI's lstat and directory entries)
pub const KIND_SYMLINK: i32 = 4;
/// timeout_ms that never expires
pub const TIMEOUT_INFINITE: i32 = -1;
/// wait's pid: any child
pub const WAIT_ANY: i32 = -1;
/// tag of a monitor's down message (user tags are >= 0)
pub const TAG_DOWN: i32 = -1;
/// tag of the message capgive sends: the data is the capability's kind (i32) and its text (UTF-8), a path as /n/<node>/<path>; it is in the receiver's set from when it is queued
pub const TAG_CAP: i32 = -3;
/// tag of the exit message a process that traps exits gets when a linked process ends (down_message layout)
pub const TAG_EXIT: i32 = -2;
/// spawn_opt: link the caller and the child before the child runs
pub const SPAWN_LINK: i32 = 1;
/// spawn_opt: monitor the child before it runs; the monitor's reference is written at monitor_ref_ptr
pub const SPAWN_MONITOR: i32 = 2;
/// linear memory cap in 64 KiB pages, summed over a module's memories (as memlimit)
pub const LIMIT_MEMORY_PAGES: i32 = 1;
/// CPU time in ms; past it the process ends with reason LIMIT_CPU
pub const LIMIT_CPU_MS: i32 = 2;
/// open files and directories (EMFILE beyond)
pub const LIMIT_OPEN_FILES: i32 = 3;
/// live descendants on the process's node (spawn's EAGAIN beyond)
pub const LIMIT_DESCENDANTS: i32 = 4;
/// messages queued in its mailbox (senders' EAGAIN beyond)
pub const LIMIT_MAILBOX_MESSAGES: i32 = 5;
/// bytes of message data queued in its mailbox (senders' EAGAIN beyond)
pub const LIMIT_MAILBOX_BYTES: i32 = 6;
/// lock names held at once (ENOLCK beyond)
pub const LIMIT_LOCKS: i32 = 7;
/// childcap: the children get the caller's own capability set again (the text is ignored)
pub const CAP_RESET: i32 = 0;
/// childcap: the children may read the namespace subtree at the text (a path); the first CAP_PATH_* grant replaces the inherited namespace, later ones add to it
pub const CAP_PATH_RO: i32 = 1;
/// childcap: as CAP_PATH_RO, and they may change it
pub const CAP_PATH_RW: i32 = 2;
/// childcap: the children may take locks whose names start with the text; the first grant replaces the inherited prefixes
pub const CAP_LOCK_PREFIX: i32 = 3;
/// childcap: the children may register names that start with the text; the first grant replaces the inherited prefixes
pub const CAP_NAME_PREFIX: i32 = 4;
/// childcap: the children may not spawn (EPERM)
pub const CAP_NO_SPAWN: i32 = 5;
/// childcap: the children may kill, monitor and link only their own children (EPERM for any other pid)
pub const CAP_KILL_CHILDREN: i32 = 6;
/// childcap: the children may spawn only on nodes carrying the labels in the text (k=v[,k=v]); a spawn elsewhere is EPERM, one that names no node is placed among those nodes
pub const CAP_SPAWN_LABELS: i32 = 7;
/// childcap: the children may kill, monitor and link only their own descendants, on any node (EPERM for any other pid): what every process gets unless its root was started with `onebox run --scope owner`
pub const CAP_SCOPE_DESCENDANTS: i32 = 8;
/// largest message `send` takes, to any process on any node: it must fit one wire frame (64 MiB) with room to spare
pub const MAX_MESSAGE_BYTES: i32 = 16777216;
/// links one process may have; proc_link and spawn_opt's SPAWN_LINK past it are refused with EAGAIN
pub const MAX_LINKS: i32 = 1000;
/// nearest ancestors a process's kernel remembers (they travel with a remote spawn): a process is a descendant, for kill, monitor and link, of these only
pub const MAX_ANCESTORS: i32 = 64;
/// lock names one node's file export remembers the newest fencing token of; a fenced write naming one more is refused with ENOSPC (forgetting one would let its stale holders through)
pub const MAX_FENCED_LOCKS: i32 = 10000;

/// written by wait
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WaitStatus {
    pub status: i32,
    pub reason: i32,
}
pub const WAIT_STATUS_SIZE: usize = 8;
const _: () = assert!(core::mem::size_of::<WaitStatus>() == WAIT_STATUS_SIZE);
pub const WAIT_STATUS_STATUS_OFFSET: usize = 0;
pub const WAIT_STATUS_REASON_OFFSET: usize = 4;

impl WaitStatus {
    /// Read one from the first 8 bytes of a buffer (little-endian); None if it is shorter.
    pub fn from_bytes(bytes: &[u8]) -> Option<WaitStatus> {
        if bytes.len() < WAIT_STATUS_SIZE {
            return None;
        }
        let mut out = WaitStatus::default();
        out.status = i32::from_le_bytes(bytes[WAIT_STATUS_STATUS_OFFSET..WAIT_STATUS_STATUS_OFFSET + 4].try_into().ok()?);
        out.reason = i32::from_le_bytes(bytes[WAIT_STATUS_REASON_OFFSET..WAIT_STATUS_REASON_OFFSET + 4].try_into().ok()?);
        Some(out)
    }
}

/// written by recv; on E2BIG only len is written, and the message stays queued
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecvInfo {
    pub sender: i32,
    pub tag: i32,
    pub len: i32,
}
pub const RECV_INFO_SIZE: usize = 12;
const _: () = assert!(core::mem::size_of::<RecvInfo>() == RECV_INFO_SIZE);
pub const RECV_INFO_SENDER_OFFSET: usize = 0;
pub const RECV_INFO_TAG_OFFSET: usize = 4;
pub const RECV_INFO_LEN_OFFSET: usize = 8;

impl RecvInfo {
    /// Read one from the first 12 bytes of a buffer (little-endian); None if it is shorter.
    pub fn from_bytes(bytes: &[u8]) -> Option<RecvInfo> {
        if bytes.len() < RECV_INFO_SIZE {
            return None;
        }
        let mut out = RecvInfo::default();
        out.sender = i32::from_le_bytes(bytes[RECV_INFO_SENDER_OFFSET..RECV_INFO_SENDER_OFFSET + 4].try_into().ok()?);
        out.tag = i32::from_le_bytes(bytes[RECV_INFO_TAG_OFFSET..RECV_INFO_TAG_OFFSET + 4].try_into().ok()?);
        out.len = i32::from_le_bytes(bytes[RECV_INFO_LEN_OFFSET..RECV_INFO_LEN_OFFSET + 4].try_into().ok()?);
        Some(out)
    }
}

/// written by stat
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stat {
    pub size: u64,
    pub mtime_ns: u64,
    pub kind: u32,
    _pad20: [u8; 4],
}
pub const STAT_SIZE: usize = 24;
const _: () = assert!(core::mem::size_of::<Stat>() == STAT_SIZE);
pub const STAT_SIZE_OFFSET: usize = 0;
pub const STAT_MTIME_NS_OFFSET: usize = 8;
pub const STAT_KIND_OFFSET: usize = 16;

impl Stat {
    /// Read one from the first 24 bytes of a buffer (little-endian); None if it is shorter.
    pub fn from_bytes(bytes: &[u8]) -> Option<Stat> {
        if bytes.len() < STAT_SIZE {
            return None;
        }
        let mut out = Stat::default();
        out.size = u64::from_le_bytes(bytes[STAT_SIZE_OFFSET..STAT_SIZE_OFFSET + 8].try_into().ok()?);
        out.mtime_ns = u64::from_le_bytes(bytes[STAT_MTIME_NS_OFFSET..STAT_MTIME_NS_OFFSET + 8].try_into().ok()?);
        out.kind = u32::from_le_bytes(bytes[STAT_KIND_OFFSET..STAT_KIND_OFFSET + 4].try_into().ok()?);
        Some(out)
    }
}

/// payload of a TAG_DOWN message; the reason text (UTF-8) follows the 12 bytes
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DownMessage {
    pub pid: i32,
    pub reason: i32,
    pub status: i32,
}
pub const DOWN_MESSAGE_SIZE: usize = 12;
const _: () = assert!(core::mem::size_of::<DownMessage>() == DOWN_MESSAGE_SIZE);
pub const DOWN_MESSAGE_PID_OFFSET: usize = 0;
pub const DOWN_MESSAGE_REASON_OFFSET: usize = 4;
pub const DOWN_MESSAGE_STATUS_OFFSET: usize = 8;

impl DownMessage {
    /// Read one from the first 12 bytes of a buffer (little-endian); None if it is shorter.
    pub fn from_bytes(bytes: &[u8]) -> Option<DownMessage> {
        if bytes.len() < DOWN_MESSAGE_SIZE {
            return None;
        }
        let mut out = DownMessage::default();
        out.pid = i32::from_le_bytes(bytes[DOWN_MESSAGE_PID_OFFSET..DOWN_MESSAGE_PID_OFFSET + 4].try_into().ok()?);
        out.reason = i32::from_le_bytes(bytes[DOWN_MESSAGE_REASON_OFFSET..DOWN_MESSAGE_REASON_OFFSET + 4].try_into().ok()?);
        out.status = i32::from_le_bytes(bytes[DOWN_MESSAGE_STATUS_OFFSET..DOWN_MESSAGE_STATUS_OFFSET + 4].try_into().ok()?);
        Some(out)
    }
}

/// The raw imports of the onebox module: pointers and lengths, a negated errno on failure.
pub mod sys {
    use super::*;

    #[link(wasm_import_module = "onebox")]
    extern "C" {
        /// Start the module at `path` (a namespace path) as a child. `args` and `env` are NUL-terminated strings back to back (env entries are KEY=VALUE); the child's argv[0] is the path. `node` names the node to run on; empty lets the host choose. The child inherits the caller's namespace, output and memory cap (see memlimit; over the target node's maximum, EINVAL). EAGAIN: the node's memory budget is spent, the node runs its most live processes, or the caller or an ancestor on its node has its most live descendants. EPERM: the caller's capability set forbids spawning (CAP_NO_SPAWN), or on that node (CAP_SPAWN_LABELS); EACCES: `path` is outside its readable namespace.
        pub fn spawn(path_ptr: *const u8, path_len: usize, args_ptr: *const u8, args_len: usize, env_ptr: *const u8, env_len: usize, node_ptr: *const u8, node_len: usize) -> i32;

        /// Set the memory cap (64 KiB pages, summed over a module's memories) of the children the caller spawns from now on, on any node; 0 restores the caller's own cap, which is the most it may be.
        pub fn memlimit(pages: i32) -> i32;

        /// Narrow limit `kind` (a LIMIT_* value) of the children the caller spawns from now on, on any node; their children inherit it. `value` may not pass the caller's own limit of that kind (EINVAL: a child can only get less); 0 restores the caller's own. A child on another node gets the smaller of this and that node's default.
        pub fn childlimit(kind: i32, value: i32) -> i32;

        /// Narrow the capability set (docs/SECURITY.md) of the children the caller spawns from now on, on any node; their children inherit it. `kind` is a CAP_* value; `text` is its path or prefix (UTF-8), empty for the kinds without one. A grant the caller does not hold itself is EINVAL: a child can only get less. A child denied a path gets EACCES, a lock or name outside its prefixes EACCES, a spawn or kill outside its set EPERM.
        pub fn childcap(kind: i32, text_ptr: *const u8, text_len: usize) -> i32;

        /// Hand process `pid`, on any node, one capability the caller holds itself: CAP_PATH_RO or CAP_PATH_RW with a path, CAP_LOCK_PREFIX or CAP_NAME_PREFIX with a prefix (as childcap's). The kernel adds it to pid's capability set and tells pid with a TAG_CAP message; no guest holds anything that names it, so none can forge one. A capability the caller does not hold is EINVAL; a full mailbox or send credit, EAGAIN, and nothing is given. A process whose set already holds MAX_GRANTS of that kind keeps its set (the TAG_CAP message still comes).
        pub fn capgive(pid: i32, kind: i32, text_ptr: *const u8, text_len: usize) -> i32;

        /// End the caller with `status`. Its locks, names and files are released; monitors fire with reason NORMAL.
        pub fn exit(status: i32) -> !;

        /// Wait until child `pid` (or any child, with WAIT_ANY) ends, reap it, and write its wait_status. EDEADLK: the wait would close a wait-for cycle of waits and lock waits (the child, or what it waits for, waits for a lock the caller holds), on any node. WAIT_ANY counts as waiting for the child only while the caller has exactly one.
        pub fn wait(pid: i32, status_ptr: *mut WaitStatus) -> i32;

        /// End process `pid` with reason KILLED, on whatever node it runs. A process in an endless loop is stopped at its next preemption point. A process may end only itself and its descendants (its process scope, see docs/SECURITY.md; CAP_KILL_CHILDREN narrows it to its children), or, under a root started with `onebox run --scope owner`, any process of its owner; EPERM otherwise. A process that runs for a user (its owner) never ends another user's processes.
        pub fn kill(pid: i32) -> i32;

        /// The caller's pid, valid cluster-wide.
        pub fn getpid() -> i32;

        /// The pid of the process that spawned the caller; 0 for a process started by the operator.
        pub fn getppid() -> i32;

        /// Write the caller's Lamport time (u64): larger than that of every call it made before and of every call that happened before them anywhere in the cluster (a send before the recv that took its message, a spawn before the child's first call). Reading it is itself a call, so two reads differ.
        pub fn lamport(time_ptr: *mut u64) -> i32;

        /// Suspend the caller for `ms` milliseconds.
        pub fn sleep(ms: i32) -> i32;

        /// Let every other runnable process and the node's own work run once.
        pub fn r#yield() -> i32;

        /// When `pid` ends, send the caller a TAG_DOWN message (down_message layout). A pid that already ended yields one at once with the reason it ended with (its node remembers its last 10,000 ends), one unknown with reason NOPROC; a node that goes down, with NOCONNECTION. To miss nothing of a child, spawn_opt with SPAWN_MONITOR. EPERM: `pid` runs but is outside the caller's process scope (as kill's), asked where it runs.
        pub fn monitor(pid: i32) -> i32;

        /// Cancel a monitor; its down message will not be sent.
        pub fn demonitor(r#ref: i32) -> i32;

        /// Record the next child the caller spawns, on any node: every call it makes, with what each gave it (results, messages, clock and random values, memory written), so `onebox replay` can run it again alone. The child's node records it (up to 64 MiB, then the record is cut) and at the child's end writes the record to `path`, a path in the caller's namespace on any node's export (created or replaced; the caller must be able to write there), before the caller's `wait` for the child returns. An empty path cancels. A spawn fails with EAGAIN while the child's node already holds 1 GiB of records' limits.
        pub fn record(path_ptr: *const u8, path_len: usize) -> i32;

        /// spawn, with SPAWN_* `flags`: SPAWN_LINK links the caller and the child, SPAWN_MONITOR monitors the child and writes the monitor's reference (i32) at `monitor_ref_ptr`; both are set before the child runs, on any node, so its end is never missed (a monitor set after spawn returns can find a fast child gone). EAGAIN also: the caller has MAX_LINKS links.
        pub fn spawn_opt(path_ptr: *const u8, path_len: usize, args_ptr: *const u8, args_len: usize, env_ptr: *const u8, env_len: usize, node_ptr: *const u8, node_len: usize, flags: i32, monitor_ref_ptr: *mut i32) -> i32;

        /// Link the caller and `pid`, on any node, as Erlang's link: when either ends abnormally (any reason but NORMAL) the other ends with reason LINKED, or, if it traps exits (trap_exit), gets a TAG_EXIT message. Both ways; linking again, or to itself, is a no-op. A node that goes down ends its partners' links with reason NOCONNECTION. ESRCH: `pid` is not running. EAGAIN: the caller or `pid` has MAX_LINKS links. EPERM: `pid` is outside the caller's process scope (as kill's): a link can end its partner.
        pub fn proc_link(pid: i32) -> i32;

        /// Remove the link between the caller and `pid`, both ways; no link is not an error. A TAG_EXIT message already queued stays.
        pub fn proc_unlink(pid: i32) -> i32;

        /// With `on` 1, a linked process's end no longer ends the caller: it gets a TAG_EXIT message (down_message layout) instead, for a NORMAL end too. 0 turns it off. Processes start with it off.
        pub fn trap_exit(on: i32) -> i32;

        /// Queue `data` for `pid` under `tag` (>= 0). Messages from one sender to one receiver arrive in the order sent. Data over MAX_MESSAGE_BYTES is refused with EMSGSIZE, never queued.
        pub fn send(pid: i32, tag: i32, data_ptr: *const u8, data_len: usize) -> i32;

        /// Take the oldest message whose tag is one of the `tags_count` i32 tags at `tags_ptr` (any tag when 0), waiting up to `timeout_ms` (0 polls, TIMEOUT_INFINITE waits forever). Writes recv_info. A message longer than `buf_len` stays queued: E2BIG, with its length in recv_info.len.
        pub fn recv(tags_ptr: *const i32, tags_count: i32, timeout_ms: i32, buf_ptr: *mut u8, buf_len: usize, info_ptr: *mut RecvInfo) -> i32;

        /// Open a file by namespace path with O_* flags.
        pub fn open(path_ptr: *const u8, path_len: usize, flags: i32) -> i32;

        /// Read up to `buf_len` bytes at the file position and advance it.
        pub fn read(fd: i32, buf_ptr: *mut u8, buf_len: usize) -> i32;

        /// Write at the file position (at the end with O_APPEND) and advance it. ESTALE, ENOSPC: refused by its fence (see fence).
        pub fn write(fd: i32, data_ptr: *const u8, data_len: usize) -> i32;

        /// Move the file position; writes the new position (u64) at `pos_ptr`.
        pub fn seek(fd: i32, offset: i64, whence: i32, pos_ptr: *mut u64) -> i32;

        /// Close a file descriptor.
        pub fn close(fd: i32) -> i32;

        /// Write the stat layout for a path.
        pub fn stat(path_ptr: *const u8, path_len: usize, stat_ptr: *mut Stat) -> i32;

        /// List a directory as NUL-terminated names, sorted. If the listing is longer than `buf_len` nothing is written; the return value says how much room it needs.
        pub fn readdir(path_ptr: *const u8, path_len: usize, buf_ptr: *mut u8, buf_len: usize) -> i32;

        /// Create a directory.
        pub fn mkdir(path_ptr: *const u8, path_len: usize) -> i32;

        /// Remove a file or an empty directory.
        pub fn unlink(path_ptr: *const u8, path_len: usize) -> i32;

        /// Rename within one node's export (EXDEV across two).
        pub fn rename(from_ptr: *const u8, from_len: usize, to_ptr: *const u8, to_len: usize) -> i32;

        /// Bind lock `name`'s fencing token (as lock returned it) to an open file: every later write or truncate through `fd` (WASI's too) carries it, and the node holding the file refuses one whose token is older than the newest it has seen for that lock (ESTALE), so a holder that lost the lock cannot overwrite its successor's work. Equal or newer tokens pass and become the newest. A second fence on `fd` replaces the first. Not fenced: open's O_TRUNC (open without it and truncate through the fenced fd) and unfenced descriptors.
        pub fn fence(fd: i32, name_ptr: *const u8, name_len: usize, token: i64) -> i32;

        /// Acquire the cluster lock `name`, waiting up to `timeout_ms` (TIMEOUT_INFINITE: forever; 0: same as trylock). Writes its fencing token (u64, larger for every new holder of that name). Released by unlock or when the holder ends. ENOLCK: the caller holds its limit of lock names (LIMIT_LOCKS).
        pub fn lock(name_ptr: *const u8, name_len: usize, timeout_ms: i32, token_ptr: *mut u64) -> i32;

        /// Acquire `name` only if it is free; writes the fencing token.
        pub fn trylock(name_ptr: *const u8, name_len: usize, token_ptr: *mut u64) -> i32;

        /// Release a lock the caller holds.
        pub fn unlock(name_ptr: *const u8, name_len: usize) -> i32;

        /// Register the caller under a cluster-wide `name`, removed when it ends. EACCES: the name is outside the caller's name prefixes (childcap CAP_NAME_PREFIX).
        pub fn register(name_ptr: *const u8, name_len: usize) -> i32;

        /// Remove a name the caller registered.
        pub fn unregister(name_ptr: *const u8, name_len: usize) -> i32;

        /// Look up a registered name.
        pub fn whereis(name_ptr: *const u8, name_len: usize) -> i32;
    }
}

/// Start the module at `path` (a namespace path) as a child. `args` and `env` are NUL-terminated strings back to back (env entries are KEY=VALUE); the child's argv[0] is the path. `node` names the node to run on; empty lets the host choose. The child inherits the caller's namespace, output and memory cap (see memlimit; over the target node's maximum, EINVAL). EAGAIN: the node's memory budget is spent, the node runs its most live processes, or the caller or an ancestor on its node has its most live descendants. EPERM: the caller's capability set forbids spawning (CAP_NO_SPAWN), or on that node (CAP_SPAWN_LABELS); EACCES: `path` is outside its readable namespace.
pub fn spawn(path: &str, args: &[u8], env: &[u8], node: &str) -> Result<i32, Errno> {
    check(unsafe { sys::spawn(path.as_ptr(), path.len(), args.as_ptr(), args.len(), env.as_ptr(), env.len(), node.as_ptr(), node.len()) })
}

/// Set the memory cap (64 KiB pages, summed over a module's memories) of the children the caller spawns from now on, on any node; 0 restores the caller's own cap, which is the most it may be.
pub fn memlimit(pages: i32) -> Result<(), Errno> {
    check(unsafe { sys::memlimit(pages) }).map(drop)
}

/// Narrow limit `kind` (a LIMIT_* value) of the children the caller spawns from now on, on any node; their children inherit it. `value` may not pass the caller's own limit of that kind (EINVAL: a child can only get less); 0 restores the caller's own. A child on another node gets the smaller of this and that node's default.
pub fn childlimit(kind: i32, value: i32) -> Result<(), Errno> {
    check(unsafe { sys::childlimit(kind, value) }).map(drop)
}

/// Narrow the capability set (docs/SECURITY.md) of the children the caller spawns from now on, on any node; their children inherit it. `kind` is a CAP_* value; `text` is its path or prefix (UTF-8), empty for the kinds without one. A grant the caller does not hold itself is EINVAL: a child can only get less. A child denied a path gets EACCES, a lock or name outside its prefixes EACCES, a spawn or kill outside its set EPERM.
pub fn childcap(kind: i32, text: &[u8]) -> Result<(), Errno> {
    check(unsafe { sys::childcap(kind, text.as_ptr(), text.len()) }).map(drop)
}

/// Hand process `pid`, on any node, one capability the caller holds itself: CAP_PATH_RO or CAP_PATH_RW with a path, CAP_LOCK_PREFIX or CAP_NAME_PREFIX with a prefix (as childcap's). The kernel adds it to pid's capability set and tells pid with a TAG_CAP message; no guest holds anything that names it, so none can forge one. A capability the caller does not hold is EINVAL; a full mailbox or send credit, EAGAIN, and nothing is given. A process whose set already holds MAX_GRANTS of that kind keeps its set (the TAG_CAP message still comes).
pub fn capgive(pid: i32, kind: i32, text: &[u8]) -> Result<(), Errno> {
    check(unsafe { sys::capgive(pid, kind, text.as_ptr(), text.len()) }).map(drop)
}

/// End the caller with `status`. Its locks, names and files are released; monitors fire with reason NORMAL.
pub fn exit(status: i32) -> ! {
    unsafe { sys::exit(status) }
}

/// Wait until child `pid` (or any child, with WAIT_ANY) ends, reap it, and write its wait_status. EDEADLK: the wait would close a wait-for cycle of waits and lock waits (the child, or what it waits for, waits for a lock the caller holds), on any node. WAIT_ANY counts as waiting for the child only while the caller has exactly one.
pub fn wait(pid: i32, status: &mut WaitStatus) -> Result<i32, Errno> {
    check(unsafe { sys::wait(pid, status) })
}

/// End process `pid` with reason KILLED, on whatever node it runs. A process in an endless loop is stopped at its next preemption point. A process may end only itself and its descendants (its process scope, see docs/SECURITY.md; CAP_KILL_CHILDREN narrows it to its children), or, under a root started with `onebox run --scope owner`, any process of its owner; EPERM otherwise. A process that runs for a user (its owner) never ends another user's processes.
pub fn kill(pid: i32) -> Result<(), Errno> {
    check(unsafe { sys::kill(pid) }).map(drop)
}

/// The caller's pid, valid cluster-wide.
pub fn getpid() -> i32 {
    unsafe { sys::getpid() }
}

/// The pid of the process that spawned the caller; 0 for a process started by the operator.
pub fn getppid() -> i32 {
    unsafe { sys::getppid() }
}

/// Write the caller's Lamport time (u64): larger than that of every call it made before and of every call that happened before them anywhere in the cluster (a send before the recv that took its message, a spawn before the child's first call). Reading it is itself a call, so two reads differ.
pub fn lamport(time: &mut u64) -> Result<(), Errno> {
    check(unsafe { sys::lamport(time) }).map(drop)
}

/// Suspend the caller for `ms` milliseconds.
pub fn sleep(ms: i32) -> Result<(), Errno> {
    check(unsafe { sys::sleep(ms) }).map(drop)
}

/// Let every other runnable process and the node's own work run once.
pub fn yield_now() {
    unsafe { sys::r#yield() };
}

/// When `pid` ends, send the caller a TAG_DOWN message (down_message layout). A pid that already ended yields one at once with the reason it ended with (its node remembers its last 10,000 ends), one unknown with reason NOPROC; a node that goes down, with NOCONNECTION. To miss nothing of a child, spawn_opt with SPAWN_MONITOR. EPERM: `pid` runs but is outside the caller's process scope (as kill's), asked where it runs.
pub fn monitor(pid: i32) -> Result<i32, Errno> {
    check(unsafe { sys::monitor(pid) })
}

/// Cancel a monitor; its down message will not be sent.
pub fn demonitor(r#ref: i32) -> Result<(), Errno> {
    check(unsafe { sys::demonitor(r#ref) }).map(drop)
}

/// Record the next child the caller spawns, on any node: every call it makes, with what each gave it (results, messages, clock and random values, memory written), so `onebox replay` can run it again alone. The child's node records it (up to 64 MiB, then the record is cut) and at the child's end writes the record to `path`, a path in the caller's namespace on any node's export (created or replaced; the caller must be able to write there), before the caller's `wait` for the child returns. An empty path cancels. A spawn fails with EAGAIN while the child's node already holds 1 GiB of records' limits.
pub fn record(path: &str) -> Result<(), Errno> {
    check(unsafe { sys::record(path.as_ptr(), path.len()) }).map(drop)
}

/// spawn, with SPAWN_* `flags`: SPAWN_LINK links the caller and the child, SPAWN_MONITOR monitors the child and writes the monitor's reference (i32) at `monitor_ref_ptr`; both are set before the child runs, on any node, so its end is never missed (a monitor set after spawn returns can find a fast child gone). EAGAIN also: the caller has MAX_LINKS links.
pub fn spawn_opt(path: &str, args: &[u8], env: &[u8], node: &str, flags: i32, monitor_ref: &mut i32) -> Result<i32, Errno> {
    check(unsafe { sys::spawn_opt(path.as_ptr(), path.len(), args.as_ptr(), args.len(), env.as_ptr(), env.len(), node.as_ptr(), node.len(), flags, monitor_ref) })
}

/// Link the caller and `pid`, on any node, as Erlang's link: when either ends abnormally (any reason but NORMAL) the other ends with reason LINKED, or, if it traps exits (trap_exit), gets a TAG_EXIT message. Both ways; linking again, or to itself, is a no-op. A node that goes down ends its partners' links with reason NOCONNECTION. ESRCH: `pid` is not running. EAGAIN: the caller or `pid` has MAX_LINKS links. EPERM: `pid` is outside the caller's process scope (as kill's): a link can end its partner.
pub fn proc_link(pid: i32) -> Result<(), Errno> {
    check(unsafe { sys::proc_link(pid) }).map(drop)
}

/// Remove the link between the caller and `pid`, both ways; no link is not an error. A TAG_EXIT message already queued stays.
pub fn proc_unlink(pid: i32) {
    unsafe { sys::proc_unlink(pid) };
}

/// With `on` 1, a linked process's end no longer ends the caller: it gets a TAG_EXIT message (down_message layout) instead, for a NORMAL end too. 0 turns it off. Processes start with it off.
pub fn trap_exit(on: i32) -> Result<i32, Errno> {
    check(unsafe { sys::trap_exit(on) })
}

/// Queue `data` for `pid` under `tag` (>= 0). Messages from one sender to one receiver arrive in the order sent. Data over MAX_MESSAGE_BYTES is refused with EMSGSIZE, never queued.
pub fn send(pid: i32, tag: i32, data: &[u8]) -> Result<(), Errno> {
    check(unsafe { sys::send(pid, tag, data.as_ptr(), data.len()) }).map(drop)
}

/// Take the oldest message whose tag is one of the `tags_count` i32 tags at `tags_ptr` (any tag when 0), waiting up to `timeout_ms` (0 polls, TIMEOUT_INFINITE waits forever). Writes recv_info. A message longer than `buf_len` stays queued: E2BIG, with its length in recv_info.len.
pub fn recv(tags: &[i32], timeout_ms: i32, buf: &mut [u8], info: &mut RecvInfo) -> Result<usize, Errno> {
    check(unsafe { sys::recv(tags.as_ptr(), tags.len() as i32, timeout_ms, buf.as_mut_ptr(), buf.len(), info) }).map(|n| n as usize)
}

/// Open a file by namespace path with O_* flags.
pub fn open(path: &str, flags: i32) -> Result<i32, Errno> {
    check(unsafe { sys::open(path.as_ptr(), path.len(), flags) })
}

/// Read up to `buf_len` bytes at the file position and advance it.
pub fn read(fd: i32, buf: &mut [u8]) -> Result<usize, Errno> {
    check(unsafe { sys::read(fd, buf.as_mut_ptr(), buf.len()) }).map(|n| n as usize)
}

/// Write at the file position (at the end with O_APPEND) and advance it. ESTALE, ENOSPC: refused by its fence (see fence).
pub fn write(fd: i32, data: &[u8]) -> Result<usize, Errno> {
    check(unsafe { sys::write(fd, data.as_ptr(), data.len()) }).map(|n| n as usize)
}

/// Move the file position; writes the new position (u64) at `pos_ptr`.
pub fn seek(fd: i32, offset: i64, whence: i32, pos: &mut u64) -> Result<(), Errno> {
    check(unsafe { sys::seek(fd, offset, whence, pos) }).map(drop)
}

/// Close a file descriptor.
pub fn close(fd: i32) -> Result<(), Errno> {
    check(unsafe { sys::close(fd) }).map(drop)
}

/// Write the stat layout for a path.
pub fn stat(path: &str, stat: &mut Stat) -> Result<(), Errno> {
    check(unsafe { sys::stat(path.as_ptr(), path.len(), stat) }).map(drop)
}

/// List a directory as NUL-terminated names, sorted. If the listing is longer than `buf_len` nothing is written; the return value says how much room it needs.
pub fn readdir(path: &str, buf: &mut [u8]) -> Result<usize, Errno> {
    check(unsafe { sys::readdir(path.as_ptr(), path.len(), buf.as_mut_ptr(), buf.len()) }).map(|n| n as usize)
}

/// Create a directory.
pub fn mkdir(path: &str) -> Result<(), Errno> {
    check(unsafe { sys::mkdir(path.as_ptr(), path.len()) }).map(drop)
}

/// Remove a file or an empty directory.
pub fn unlink(path: &str) -> Result<(), Errno> {
    check(unsafe { sys::unlink(path.as_ptr(), path.len()) }).map(drop)
}

/// Rename within one node's export (EXDEV across two).
pub fn rename(from: &str, to: &str) -> Result<(), Errno> {
    check(unsafe { sys::rename(from.as_ptr(), from.len(), to.as_ptr(), to.len()) }).map(drop)
}

/// Bind lock `name`'s fencing token (as lock returned it) to an open file: every later write or truncate through `fd` (WASI's too) carries it, and the node holding the file refuses one whose token is older than the newest it has seen for that lock (ESTALE), so a holder that lost the lock cannot overwrite its successor's work. Equal or newer tokens pass and become the newest. A second fence on `fd` replaces the first. Not fenced: open's O_TRUNC (open without it and truncate through the fenced fd) and unfenced descriptors.
pub fn fence(fd: i32, name: &str, token: i64) -> Result<(), Errno> {
    check(unsafe { sys::fence(fd, name.as_ptr(), name.len(), token) }).map(drop)
}

/// Acquire the cluster lock `name`, waiting up to `timeout_ms` (TIMEOUT_INFINITE: forever; 0: same as trylock). Writes its fencing token (u64, larger for every new holder of that name). Released by unlock or when the holder ends. ENOLCK: the caller holds its limit of lock names (LIMIT_LOCKS).
pub fn lock(name: &str, timeout_ms: i32, token: &mut u64) -> Result<(), Errno> {
    check(unsafe { sys::lock(name.as_ptr(), name.len(), timeout_ms, token) }).map(drop)
}

/// Acquire `name` only if it is free; writes the fencing token.
pub fn trylock(name: &str, token: &mut u64) -> Result<(), Errno> {
    check(unsafe { sys::trylock(name.as_ptr(), name.len(), token) }).map(drop)
}

/// Release a lock the caller holds.
pub fn unlock(name: &str) -> Result<(), Errno> {
    check(unsafe { sys::unlock(name.as_ptr(), name.len()) }).map(drop)
}

/// Register the caller under a cluster-wide `name`, removed when it ends. EACCES: the name is outside the caller's name prefixes (childcap CAP_NAME_PREFIX).
pub fn register(name: &str) -> Result<(), Errno> {
    check(unsafe { sys::register(name.as_ptr(), name.len()) }).map(drop)
}

/// Remove a name the caller registered.
pub fn unregister(name: &str) -> Result<(), Errno> {
    check(unsafe { sys::unregister(name.as_ptr(), name.len()) }).map(drop)
}

/// Look up a registered name.
pub fn whereis(name: &str) -> Result<i32, Errno> {
    check(unsafe { sys::whereis(name.as_ptr(), name.len()) })
}
