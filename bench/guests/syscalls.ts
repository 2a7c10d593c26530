// The bench guest: one program, one mode per entry, so the suite compiles a single
// guest. argv: MODE BATCHES CALLS [TARGET]. Each batch times CALLS calls between two
// monotonic clock reads and prints the elapsed nanoseconds on one line, so the host
// sees the per-call cost a guest sees. Buffers are made once, outside the timed loops,
// so a figure is the syscall and not AssemblyScript's allocator.
import * as abi from "onebox";
import { args, print } from "onebox";

const argv = args();
const mode = argv.length > 1 ? argv[1] : "";
const batches = argv.length > 2 ? I32.parseInt(argv[2]) : 0;
const calls = argv.length > 3 ? I32.parseInt(argv[3]) : 0;
// A path (file, spawn), a lock or registered name, or a node to spawn on, by mode.
const target = argv.length > 4 ? argv[4] : "";

const clockOut = new StaticArray<u64>(1);
const clockPtr = changetype<usize>(clockOut);

function now(): u64 {
  abi.sys_clock_time_get(1, 1, clockPtr);
  return clockOut[0];
}

function bytes(s: string): ArrayBuffer {
  return String.UTF8.encode(s, false);
}

function fail(what: string, r: i32): void {
  print("error " + what + " " + r.toString());
  abi.sys_exit(1);
}

const targetBytes = bytes(target);
const targetPtr = changetype<usize>(targetBytes);
const targetLen = <usize>targetBytes.byteLength;
const empty = new ArrayBuffer(0);
const emptyPtr = changetype<usize>(empty);

function nullSyscall(): void {
  let sum: i32 = 0;
  for (let b = 0; b < batches; b++) {
    const t0 = now();
    for (let i = 0; i < calls; i++) sum += abi.sys_getpid();
    print((now() - t0).toString());
  }
  if (sum == 42) print("");
}

function clockCalls(): void {
  const out = new StaticArray<u64>(1);
  const at = changetype<usize>(out);
  for (let b = 0; b < batches; b++) {
    const t0 = now();
    for (let i = 0; i < calls; i++) abi.sys_clock_time_get(1, 1, at);
    print((now() - t0).toString());
  }
}

/** whereis of the caller's own name: a blocking-class call the host serves at once. */
function blockingCalls(): void {
  const r = abi.sys_register(targetPtr, targetLen);
  if (r < 0) fail("register", r);
  for (let b = 0; b < batches; b++) {
    const t0 = now();
    for (let i = 0; i < calls; i++) abi.sys_whereis(targetPtr, targetLen);
    print((now() - t0).toString());
  }
}

function fileCalls(): void {
  const buf = new Uint8Array(4096);
  for (let b = 0; b < batches; b++) {
    const t0 = now();
    for (let i = 0; i < calls; i++) {
      const fd = abi.sys_open(targetPtr, targetLen, abi.O_READ);
      if (fd < 0) fail("open", fd);
      const n = abi.sys_read(fd, buf.dataStart, 4096);
      if (n != 4096) fail("read", n);
      abi.sys_close(fd);
    }
    print((now() - t0).toString());
  }
}

function lockCalls(): void {
  const token = new StaticArray<u64>(1);
  const at = changetype<usize>(token);
  for (let b = 0; b < batches; b++) {
    const t0 = now();
    for (let i = 0; i < calls; i++) {
      const r = abi.sys_lock(targetPtr, targetLen, -1, at);
      if (r < 0) fail("lock", r);
      abi.sys_unlock(targetPtr, targetLen);
    }
    print((now() - t0).toString());
  }
}

/** spawn + exit + wait of the module at TARGET; argv[5], when given, names the node. */
function spawnCalls(): void {
  const node = bytes(argv.length > 5 ? argv[5] : "");
  const status = new StaticArray<i32>(2);
  const at = changetype<usize>(status);
  for (let b = 0; b < batches; b++) {
    const t0 = now();
    for (let i = 0; i < calls; i++) {
      const pid = abi.sys_spawn(targetPtr, targetLen, emptyPtr, 0, emptyPtr, 0, changetype<usize>(node), node.byteLength);
      if (pid < 0) fail("spawn", pid);
      const r = abi.sys_wait(pid, at);
      if (r < 0) fail("wait", r);
    }
    print((now() - t0).toString());
  }
}

const TAG_DATA = 0;
const TAG_STOP = 1;
const TAG_COUNT = 2;
const payload = new Uint8Array(64);
// The largest message a throughput entry sends.
const big = new Uint8Array(4096);
const info = new StaticArray<i32>(3);
const infoPtr = changetype<usize>(info);

function recvAny(): i32 {
  const r = abi.sys_recv(0, 0, -1, payload.dataStart, payload.length, infoPtr);
  if (r < 0) fail("recv", r);
  return info[1];
}

/** This module again, in MODE `child` (a NUL-terminated argv), on node TARGET ("" = here). */
function spawnChild(child: string): i32 {
  const childArgs = bytes(child + "\0");
  const pid = abi.sys_spawn(emptyPtr, 0, changetype<usize>(childArgs), childArgs.byteLength, emptyPtr, 0, targetPtr, targetLen);
  if (pid < 0) fail("spawn", pid);
  return pid;
}

function stopChild(pid: i32): void {
  abi.sys_send(pid, TAG_STOP, payload.dataStart, 0);
  const status = new StaticArray<i32>(2);
  abi.sys_wait(pid, changetype<usize>(status));
}

/** Send + recv of 64 bytes with an echo child, spawned on node TARGET ("" = here). */
function roundtrips(): void {
  const pid = spawnChild("echo");
  for (let b = 0; b < batches; b++) {
    const t0 = now();
    for (let i = 0; i < calls; i++) {
      const r = abi.sys_send(pid, TAG_DATA, payload.dataStart, payload.length);
      if (r < 0) fail("send", r);
      recvAny();
    }
    print((now() - t0).toString());
  }
  stopChild(pid);
}

/**
 * monitor + demonitor of a parked child on node TARGET: a monitor across nodes is a call
 * (the child's node checks it is in the caller's scope), demonitor a cast.
 */
function monitors(): void {
  const pid = spawnChild("park");
  for (let b = 0; b < batches; b++) {
    const t0 = now();
    for (let i = 0; i < calls; i++) {
      const ref = abi.sys_monitor(pid);
      if (ref < 0) fail("monitor", ref);
      const r = abi.sys_demonitor(ref);
      if (r < 0) fail("demonitor", r);
    }
    print((now() - t0).toString());
  }
  stopChild(pid);
}

/** Send; while the receiver has no room (EAGAIN: its mailbox, or its node's send window, is full), let it drain. */
function sendOrYield(pid: i32, tag: i32, ptr: usize, len: usize): void {
  let r = abi.sys_send(pid, tag, ptr, len);
  while (r == -abi.EAGAIN) {
    abi.sys_yield();
    r = abi.sys_send(pid, tag, ptr, len);
  }
  if (r < 0) fail("send", r);
}

/**
 * A one-way stream of CALLS messages of argv[5] bytes to a sink child on node TARGET.
 * A batch ends when the sink reports it has counted all of them, as the ws throughput
 * floor ends a burst.
 */
function stream(): void {
  const size = <usize>I32.parseInt(argv[5]);
  const pid = spawnChild("sink");
  for (let b = 0; b < batches; b++) {
    const t0 = now();
    for (let i = 0; i < calls; i++) sendOrYield(pid, TAG_DATA, big.dataStart, size);
    sendOrYield(pid, TAG_COUNT, payload.dataStart, 0);
    if (recvAny() != TAG_COUNT) fail("sink reply tag", info[1]);
    const counted = load<i32>(payload.dataStart);
    if (counted != calls) fail("sink counted", counted);
    print((now() - t0).toString());
  }
  stopChild(pid);
}

/** Count DATA messages; on COUNT, tell the sender how many since the last COUNT. */
function sink(): void {
  const count = new StaticArray<i32>(1);
  for (;;) {
    const r = abi.sys_recv(0, 0, -1, big.dataStart, big.length, infoPtr);
    if (r < 0) fail("recv", r);
    if (info[1] == TAG_DATA) count[0]++;
    else if (info[1] == TAG_COUNT) {
      const s = abi.sys_send(info[0], TAG_COUNT, changetype<usize>(count), 4);
      if (s < 0) fail("send", s);
      count[0] = 0;
    } else return;
  }
}

function echo(): void {
  while (recvAny() != TAG_STOP) {
    const r = abi.sys_send(info[0], TAG_DATA, payload.dataStart, info[2]);
    if (r < 0) fail("send", r);
  }
}

/** Stay alive without running: what processes-per-node counts. */
function park(): void {
  recvAny();
}

if (mode == "null") nullSyscall();
else if (mode == "clock") clockCalls();
else if (mode == "blocking") blockingCalls();
else if (mode == "file") fileCalls();
else if (mode == "lock") lockCalls();
else if (mode == "spawn") spawnCalls();
else if (mode == "roundtrip") roundtrips();
else if (mode == "monitor") monitors();
else if (mode == "echo") echo();
else if (mode == "stream") stream();
else if (mode == "sink") sink();
else if (mode == "park") park();
else fail("unknown mode " + mode, -1);
