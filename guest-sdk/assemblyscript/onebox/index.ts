// The onebox guest SDK for AssemblyScript: typed calls over the raw ABI in abi.ts.
// Calls that can fail return a negative errno (as i32) or null, and record it in errno().
import * as abi from "./abi";
export * from "./abi";

let lastErrno: i32 = 0;

/** The errno of the last call that failed (positive, e.g. ESRCH). */
export function errno(): i32 {
  return lastErrno;
}

function check(result: i32): i32 {
  if (result < 0) lastErrno = -result;
  return result;
}

// ---- strings and buffers -------------------------------------------------------

function utf8(s: string): ArrayBuffer {
  return String.UTF8.encode(s, false);
}

function ptr(buf: ArrayBuffer): usize {
  return changetype<usize>(buf);
}

/** Strings back to back, each NUL-terminated: how spawn takes args and env. */
function joinNul(list: string[]): ArrayBuffer {
  let text = "";
  for (let i = 0; i < list.length; i++) text += list[i] + "\0";
  return utf8(text);
}

function splitNul(bytes: Uint8Array): string[] {
  const out = new Array<string>();
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] == 0) {
      out.push(String.UTF8.decodeUnsafe(bytes.dataStart + start, i - start, false));
      start = i + 1;
    }
  }
  return out;
}

// ---- output --------------------------------------------------------------------

function writeFd(fd: i32, s: string): void {
  const buf = utf8(s);
  const iov = new StaticArray<u32>(2);
  iov[0] = <u32>ptr(buf);
  iov[1] = <u32>buf.byteLength;
  const written = new StaticArray<u32>(1);
  abi.sys_fd_write(fd, changetype<usize>(iov), 1, changetype<usize>(written));
}

/** Print a line to stdout. */
export function print(s: string): void {
  writeFd(1, s + "\n");
}

/** Print a line to stderr. */
export function eprint(s: string): void {
  writeFd(2, s + "\n");
}

/** AssemblyScript's abort (failed assertions, out of bounds): report, then trap. */
export function onebox_abort(message: string | null = null, file: string | null = null, line: u32 = 0, column: u32 = 0): void {
  const where = file ? " at " + file + ":" + line.toString() + ":" + column.toString() : "";
  writeFd(2, "abort: " + (message ? message : "(no message)") + where + "\n");
  unreachable();
}

// ---- process -------------------------------------------------------------------

export function getpid(): i32 {
  return abi.sys_getpid();
}

export function getppid(): i32 {
  return abi.sys_getppid();
}

/** This process's Lamport time (each read is a new, larger one). */
export function lamport(): u64 {
  const time = new StaticArray<u64>(1);
  abi.sys_lamport(changetype<usize>(time));
  return time[0];
}

/**
 * Cap the memory of the children spawned from now on at `pages` (64 KiB each), at most
 * this process's own cap; 0 restores that. Returns 0, or a negative errno.
 */
export function memlimit(pages: i32): i32 {
  return check(abi.sys_memlimit(pages));
}

/**
 * Record the next child this process spawns (on its own node) into the file at `path`,
 * for `onebox replay`; "" cancels. Returns 0, or a negative errno.
 */
export function record(path: string): i32 {
  const p = utf8(path);
  return check(abi.sys_record(ptr(p), p.byteLength));
}

/**
 * Narrow limit `kind` (LIMIT_CPU_MS, LIMIT_OPEN_FILES, ...) of the children spawned from
 * now on to `value`, at most this process's own; 0 restores that. Returns 0, or a negative errno.
 */
export function childlimit(kind: i32, value: i32): i32 {
  return check(abi.sys_childlimit(kind, value));
}

/** Narrow the capability set of the children spawned from now on (kind: a CAP_* value; text: its path or prefix). */
export function childcap(kind: i32, text: string = ""): i32 {
  const t = utf8(text);
  return check(abi.sys_childcap(kind, ptr(t), t.byteLength));
}

/** Hand process `pid` one capability this process holds (CAP_PATH_RO/RW with a path, CAP_LOCK_PREFIX/CAP_NAME_PREFIX with a prefix). */
export function capgive(pid: i32, kind: i32, text: string): i32 {
  const t = utf8(text);
  return check(abi.sys_capgive(pid, kind, ptr(t), t.byteLength));
}

/**
 * Start `path` as a child ("" runs another copy of this program) on `node` ("" lets the
 * host choose). Returns its pid, or a negative errno.
 */
export function spawn(path: string, args: string[] = [], env: string[] = [], node: string = ""): i32 {
  const p = utf8(path);
  const a = joinNul(args);
  const e = joinNul(env);
  const n = utf8(node);
  return check(abi.sys_spawn(ptr(p), p.byteLength, ptr(a), a.byteLength, ptr(e), e.byteLength, ptr(n), n.byteLength));
}

export class Spawned {
  constructor(public pid: i32, public ref: i32) {}
}

/**
 * spawn with SPAWN_LINK and/or SPAWN_MONITOR `flags`, set before the child runs. The
 * monitor's reference is `ref` (0 without SPAWN_MONITOR). null on error (see errno()).
 */
export function spawnOpt(path: string, args: string[], env: string[], node: string, flags: i32): Spawned | null {
  const p = utf8(path);
  const a = joinNul(args);
  const e = joinNul(env);
  const n = utf8(node);
  const ref = new StaticArray<i32>(1);
  const pid = check(abi.sys_spawn_opt(ptr(p), p.byteLength, ptr(a), a.byteLength, ptr(e), e.byteLength, ptr(n), n.byteLength, flags, changetype<usize>(ref)));
  if (pid < 0) return null;
  return new Spawned(pid, ref[0]);
}

export function exit(status: i32): void {
  abi.sys_exit(status);
}

export class WaitStatus {
  constructor(public pid: i32, public status: i32, public reason: i32) {}
}

/** Wait for a child (or any child) to end. null on error (see errno()). */
export function wait(pid: i32 = abi.WAIT_ANY): WaitStatus | null {
  const out = new StaticArray<i32>(2);
  const r = check(abi.sys_wait(pid, changetype<usize>(out)));
  if (r < 0) return null;
  return new WaitStatus(r, out[0], out[1]);
}

export function kill(pid: i32): i32 {
  return check(abi.sys_kill(pid));
}

export function sleep(ms: i32): void {
  abi.sys_sleep(ms);
}

/** Let every other process run once. */
export function yieldNow(): void {
  abi.sys_yield();
}

/** Get a TAG_DOWN message when `pid` ends. Returns the monitor's reference. */
export function monitor(pid: i32): i32 {
  return check(abi.sys_monitor(pid));
}

export function demonitor(ref: i32): i32 {
  return check(abi.sys_demonitor(ref));
}

/** Link to `pid` (both ways): an abnormal end of either ends the other, unless it traps exits. */
export function procLink(pid: i32): i32 {
  return check(abi.sys_proc_link(pid));
}

export function procUnlink(pid: i32): i32 {
  return check(abi.sys_proc_unlink(pid));
}

/** Get a TAG_EXIT message when a linked process ends, instead of ending. Returns the previous setting. */
export function trapExit(on: bool): i32 {
  return check(abi.sys_trap_exit(on ? 1 : 0));
}

/** Name of an exit reason code, for messages. */
export function reasonName(reason: i32): string {
  if (reason == abi.REASON_NORMAL) return "normal";
  if (reason == abi.REASON_KILLED) return "killed";
  if (reason == abi.REASON_TRAP) return "trap";
  if (reason == abi.REASON_NOCONNECTION) return "noconnection";
  if (reason == abi.REASON_NOPROC) return "noproc";
  if (reason == abi.REASON_ERROR) return "error";
  if (reason == abi.REASON_LINKED) return "linked";
  return "reason " + reason.toString();
}

// ---- messages ------------------------------------------------------------------

export class Down {
  constructor(public pid: i32, public reason: i32, public status: i32, public text: string) {}
}

export class Message {
  constructor(public sender: i32, public tag: i32, public data: Uint8Array) {}

  text(): string {
    return String.UTF8.decodeUnsafe(this.data.dataStart, this.data.length, false);
  }

  isDown(): bool {
    return this.tag == abi.TAG_DOWN;
  }

  /** A linked process ended (trap_exit); down() reads it. */
  isExit(): bool {
    return this.tag == abi.TAG_EXIT;
  }

  /** The down notice a monitor delivers, or a linked process's exit (only when isDown() or isExit()). */
  down(): Down {
    const d = this.data;
    const text = String.UTF8.decodeUnsafe(d.dataStart + abi.DOWN_MESSAGE_SIZE, d.length - abi.DOWN_MESSAGE_SIZE, false);
    return new Down(load<i32>(d.dataStart + abi.DOWN_MESSAGE_PID_OFFSET), load<i32>(d.dataStart + abi.DOWN_MESSAGE_REASON_OFFSET), load<i32>(d.dataStart + abi.DOWN_MESSAGE_STATUS_OFFSET), text);
  }
}

export function send(pid: i32, tag: i32, data: Uint8Array): i32 {
  return check(abi.sys_send(pid, tag, data.dataStart, data.length));
}

export function sendText(pid: i32, tag: i32, text: string): i32 {
  const b = utf8(text);
  return check(abi.sys_send(pid, tag, ptr(b), b.byteLength));
}

let recvBuf = new Uint8Array(256);

/**
 * Take the oldest message with one of `tags` (any when empty), waiting up to `timeoutMs`
 * (-1 forever, 0 poll). null on timeout or error (see errno()).
 */
export function recv(tags: i32[] = [], timeoutMs: i32 = -1): Message | null {
  const info = new StaticArray<i32>(3);
  const tagList = new StaticArray<i32>(tags.length);
  for (let i = 0; i < tags.length; i++) tagList[i] = tags[i];
  while (true) {
    const r = abi.sys_recv(changetype<usize>(tagList), tags.length, timeoutMs, recvBuf.dataStart, recvBuf.length, changetype<usize>(info));
    if (r == -abi.E2BIG) {
      recvBuf = new Uint8Array(info[2]);
      continue;
    }
    if (check(r) < 0) return null;
    return new Message(info[0], info[1], recvBuf.slice(0, r));
  }
}

// ---- files ---------------------------------------------------------------------

export function open(path: string, flags: i32): i32 {
  const p = utf8(path);
  return check(abi.sys_open(ptr(p), p.byteLength, flags));
}

export function read(fd: i32, buf: Uint8Array): i32 {
  return check(abi.sys_read(fd, buf.dataStart, buf.length));
}

export function write(fd: i32, data: Uint8Array): i32 {
  return check(abi.sys_write(fd, data.dataStart, data.length));
}

export function writeText(fd: i32, text: string): i32 {
  const b = utf8(text);
  return check(abi.sys_write(fd, ptr(b), b.byteLength));
}

/** Move the file position; returns the new position or a negative errno. */
export function seek(fd: i32, offset: i64, whence: i32): i64 {
  const pos = new StaticArray<u64>(1);
  const r = check(abi.sys_seek(fd, offset, whence, changetype<usize>(pos)));
  return r < 0 ? <i64>r : <i64>pos[0];
}

export function close(fd: i32): i32 {
  return check(abi.sys_close(fd));
}

export class Stat {
  constructor(public size: u64, public mtimeNs: u64, public kind: i32) {}
}

export function stat(path: string): Stat | null {
  const p = utf8(path);
  const out = new StaticArray<u8>(abi.STAT_SIZE);
  const at = changetype<usize>(out);
  if (check(abi.sys_stat(ptr(p), p.byteLength, at)) < 0) return null;
  return new Stat(load<u64>(at + abi.STAT_SIZE_OFFSET), load<u64>(at + abi.STAT_MTIME_NS_OFFSET), load<u32>(at + abi.STAT_KIND_OFFSET));
}

/** Names in a directory, sorted; null on error. */
export function readdir(path: string): string[] | null {
  const p = utf8(path);
  let buf = new Uint8Array(512);
  while (true) {
    const r = check(abi.sys_readdir(ptr(p), p.byteLength, buf.dataStart, buf.length));
    if (r < 0) return null;
    if (r <= buf.length) return splitNul(buf.subarray(0, r));
    buf = new Uint8Array(r);
  }
}

export function mkdir(path: string): i32 {
  const p = utf8(path);
  return check(abi.sys_mkdir(ptr(p), p.byteLength));
}

export function unlink(path: string): i32 {
  const p = utf8(path);
  return check(abi.sys_unlink(ptr(p), p.byteLength));
}

export function rename(from: string, to: string): i32 {
  const f = utf8(from);
  const t = utf8(to);
  return check(abi.sys_rename(ptr(f), f.byteLength, ptr(t), t.byteLength));
}

/** A whole file as text; null on error. */
export function readFile(path: string): string | null {
  const fd = open(path, abi.O_READ);
  if (fd < 0) return null;
  let data = new Uint8Array(0);
  const chunk = new Uint8Array(4096);
  while (true) {
    const n = read(fd, chunk);
    if (n < 0) {
      close(fd);
      return null;
    }
    if (n == 0) break;
    const grown = new Uint8Array(data.length + n);
    grown.set(data);
    grown.set(chunk.subarray(0, n), data.length);
    data = grown;
  }
  close(fd);
  return String.UTF8.decodeUnsafe(data.dataStart, data.length, false);
}

/** Create or replace a file with `text`. Returns 0 or a negative errno. */
export function writeFile(path: string, text: string): i32 {
  const fd = open(path, abi.O_WRITE | abi.O_CREATE | abi.O_TRUNC);
  if (fd < 0) return fd;
  const n = writeText(fd, text);
  close(fd);
  return n < 0 ? n : 0;
}

// ---- locks and registry --------------------------------------------------------

/** Acquire a cluster lock; returns its fencing token (> 0) or a negative errno. */
export function lock(name: string, timeoutMs: i32 = -1): i64 {
  const n = utf8(name);
  const token = new StaticArray<u64>(1);
  const r = check(abi.sys_lock(ptr(n), n.byteLength, timeoutMs, changetype<usize>(token)));
  return r < 0 ? <i64>r : <i64>token[0];
}

export function trylock(name: string): i64 {
  const n = utf8(name);
  const token = new StaticArray<u64>(1);
  const r = check(abi.sys_trylock(ptr(n), n.byteLength, changetype<usize>(token)));
  return r < 0 ? <i64>r : <i64>token[0];
}

export function unlock(name: string): i32 {
  const n = utf8(name);
  return check(abi.sys_unlock(ptr(n), n.byteLength));
}

/** Make every later write and truncate through `fd` carry lock `name`'s `token`: refused (ESTALE) once a newer holder's has reached the file. */
export function fence(fd: i32, name: string, token: i64): i32 {
  const n = utf8(name);
  return check(abi.sys_fence(fd, ptr(n), n.byteLength, token));
}

export function register(name: string): i32 {
  const n = utf8(name);
  return check(abi.sys_register(ptr(n), n.byteLength));
}

export function unregister(name: string): i32 {
  const n = utf8(name);
  return check(abi.sys_unregister(ptr(n), n.byteLength));
}

/** The pid registered under `name`, or a negative errno. */
export function whereis(name: string): i32 {
  const n = utf8(name);
  return check(abi.sys_whereis(ptr(n), n.byteLength));
}

// ---- clocks, args, environment, randomness --------------------------------------

function clock(id: i32): u64 {
  const out = new StaticArray<u64>(1);
  abi.sys_clock_time_get(id, 1, changetype<usize>(out));
  return out[0];
}

/** Monotonic time in nanoseconds. */
export function monotonicNs(): u64 {
  return clock(1);
}

/** Wall-clock time in nanoseconds since 1970. */
export function wallNs(): u64 {
  return clock(0);
}

/** Decode a WASI string list once its buffer is filled. */
function stringList(counts: StaticArray<u32>, fill: (ptrs: usize, buf: usize) => void): string[] {
  const ptrs = new StaticArray<u32>(counts[0]);
  const buf = new Uint8Array(counts[1]);
  fill(changetype<usize>(ptrs), buf.dataStart);
  return splitNul(buf);
}

/** argv: [0] is the program's path, then its arguments. */
export function args(): string[] {
  const counts = new StaticArray<u32>(2);
  abi.sys_args_sizes_get(changetype<usize>(counts), changetype<usize>(counts) + 4);
  return stringList(counts, (ptrs: usize, buf: usize): void => {
    abi.sys_args_get(ptrs, buf);
  });
}

/** KEY=VALUE entries. */
export function environ(): string[] {
  const counts = new StaticArray<u32>(2);
  abi.sys_environ_sizes_get(changetype<usize>(counts), changetype<usize>(counts) + 4);
  return stringList(counts, (ptrs: usize, buf: usize): void => {
    abi.sys_environ_get(ptrs, buf);
  });
}

export function randomBytes(n: i32): Uint8Array {
  const out = new Uint8Array(n);
  abi.sys_random_get(out.dataStart, n);
  return out;
}
