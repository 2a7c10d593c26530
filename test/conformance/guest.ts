// The conformance guest in AssemblyScript. guest.c and guest.js run the same numbered
// checks in the same order and print the same lines, `ok N name` or `not ok N name:
// detail`; test/conformance.test.ts holds the list and compares the three transcripts.
// argv[1] is "main", or a child's role: "exit STATUS", "park", "hold LOCK".
// The root it runs in holds /not-wasm.txt and /escape, a symlink out of the export.
import * as ob from "onebox";

const TAG_HELD = 5;
const PARK = 99;

const argv = ob.args();
let checkNo = 0;

function check(name: string, detail: string): void {
  checkNo++;
  ob.print((detail == "" ? "ok " : "not ok ") + checkNo.toString() + " " + name + (detail == "" ? "" : ": " + detail));
}

/** "" when `r` is the negated errno `want`, else what went wrong. */
function fails(what: string, r: i64, want: i32): string {
  return r == -want ? "" : what + ": got " + r.toString() + ", want -" + want.toString();
}

function succeeds(what: string, r: i64): string {
  return r >= 0 ? "" : what + ": errno " + (-r).toString();
}

function first(a: string, b: string): string {
  return a != "" ? a : b;
}

function all(details: string[]): string {
  for (let i = 0; i < details.length; i++) if (details[i] != "") return details[i];
  return "";
}

function spawnSelf(args: string[]): i32 {
  return ob.spawn("", args);
}

function text(s: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(s, false));
}

function main(): void {
  check("pids", ob.getpid() > 0 && ob.getppid() == 0 ? "" : "getpid " + ob.getpid().toString() + " getppid " + ob.getppid().toString());

  let pid = spawnSelf(["exit", "7"]);
  let st = ob.wait(pid);
  check("spawn-wait", pid < 0 ? "spawn: errno " + ob.errno().toString()
    : st == null ? "wait: errno " + ob.errno().toString()
    : st.pid == pid && st.status == 7 && st.reason == ob.REASON_NORMAL ? "" : "status " + st.status.toString() + " reason " + st.reason.toString());

  pid = spawnSelf(["exit", "0"]);
  st = ob.wait(ob.WAIT_ANY);
  check("wait-any", st != null && st.pid == pid ? "" : "wait returned " + (st == null ? "errno " + ob.errno().toString() : st.pid.toString()));

  const w1 = ob.wait(ob.WAIT_ANY);
  const e1 = ob.errno();
  const w2 = ob.wait(12345);
  check("wait-echild", w1 == null && e1 == ob.ECHILD && w2 == null && ob.errno() == ob.ECHILD ? "" : "wait did not fail with ECHILD");

  check("spawn-errors", first(fails("missing", ob.spawn("/missing.wasm"), ob.ENOENT), fails("not wasm", ob.spawn("/not-wasm.txt"), ob.ENOEXEC)));

  const parked = spawnSelf(["park"]);
  const killed = ob.kill(parked);
  st = ob.wait(parked);
  check("kill", killed != 0 ? "kill: " + killed.toString() : st == null ? "wait failed" : st.status == 137 && st.reason == ob.REASON_KILLED ? "" : "status " + st.status.toString() + " reason " + st.reason.toString());

  check("kill-esrch", first(fails("kill", ob.kill(parked), ob.ESRCH), fails("send", ob.send(parked, 1, text("x")), ob.ESRCH)));

  const me = ob.getpid();
  ob.sendText(me, 1, "a");
  ob.sendText(me, 2, "b");
  ob.sendText(me, 3, "c");
  const m3 = ob.recv([3, 9], -1);
  const m1 = ob.recv([], -1);
  const m2 = ob.recv([], 0);
  const got = (m3 == null ? "-" : m3.tag.toString() + m3.text() + (m3.sender == me ? "" : "?"))
    + " " + (m1 == null ? "-" : m1.tag.toString() + m1.text()) + " " + (m2 == null ? "-" : m2.tag.toString() + m2.text());
  check("send-recv-tags", got == "3c 1a 2b" ? "" : "got " + got);

  check("recv-eagain", ob.recv([], 0) == null && ob.errno() == ob.EAGAIN ? "" : "recv did not fail with EAGAIN");

  ob.sendText(me, 1, "queued");
  const timedOut = ob.recv([5], 20) == null && ob.errno() == ob.ETIMEDOUT;
  const kept = ob.recv([1], 0);
  check("recv-etimedout", timedOut && kept != null && kept.text() == "queued" ? "" : "timed out " + timedOut.toString());

  // E2BIG: a message longer than the buffer stays queued, its length in recv_info.len.
  ob.sendText(me, 4, "12345678");
  const small = new Uint8Array(4);
  const info = new StaticArray<i32>(3);
  const r = ob.sys_recv(0, 0, 0, small.dataStart, small.length, changetype<usize>(info));
  const whole = ob.recv([4], 0);
  check("recv-e2big", first(fails("recv", r, ob.E2BIG), info[2] == 8 && whole != null && whole.text() == "12345678" ? "" : "len " + info[2].toString()));

  check("send-einval", fails("send", ob.send(me, -2, text("x")), ob.EINVAL));

  const fd = ob.open("/d/f", ob.O_READ | ob.O_WRITE | ob.O_CREATE | ob.O_TRUNC);
  const mk = ob.mkdir("/d");
  const fd2 = ob.open("/d/f", ob.O_READ | ob.O_WRITE | ob.O_CREATE | ob.O_TRUNC);
  const buf = new Uint8Array(5);
  const steps = [
    fails("open before mkdir", fd, ob.ENOENT),
    succeeds("mkdir", mk),
    fd2 >= 3 ? "" : "open: " + fd2.toString(),
    ob.writeText(fd2, "hello world") == 11 ? "" : "write",
    ob.seek(fd2, 6, ob.SEEK_SET) == 6 ? "" : "seek set",
    ob.read(fd2, buf) == 5 && String.UTF8.decode(buf.buffer) == "world" ? "" : "read",
    ob.seek(fd2, 0, ob.SEEK_END) == 11 ? "" : "seek end",
    succeeds("close", ob.close(fd2)),
  ];
  const s = ob.stat("/d/f");
  steps.push(s != null && s.size == 11 && s.kind == ob.KIND_FILE ? "" : "stat");
  const names = ob.readdir("/d");
  steps.push(names != null && names.join(",") == "f" ? "" : "readdir");
  steps.push(succeeds("rename", ob.rename("/d/f", "/d/g")));
  steps.push(fails("open renamed", ob.open("/d/f", ob.O_READ), ob.ENOENT));
  steps.push(fails("unlink full dir", ob.unlink("/d"), ob.ENOTEMPTY));
  steps.push(succeeds("unlink", ob.unlink("/d/g")));
  steps.push(succeeds("rmdir", ob.unlink("/d")));
  check("files", all(steps));

  check("file-ebadf", first(fails("read", ob.read(999, buf), ob.EBADF), fails("close", ob.close(999), ob.EBADF)));

  const st404 = ob.stat("/missing");
  check("file-enoent", first(fails("open", ob.open("/missing", ob.O_READ), ob.ENOENT), st404 == null && ob.errno() == ob.ENOENT ? "" : "stat"));

  check("file-eacces", first(fails("open", ob.open("/escape/secret", ob.O_READ), ob.EACCES), fails("open via ..", ob.open("/../escape/secret", ob.O_READ), ob.EACCES)));

  const t1 = ob.lock("L", -1);
  check("locks", all([
    t1 > 0 ? "" : "lock: " + t1.toString(),
    fails("relock", ob.lock("L", -1), ob.EDEADLK),
    succeeds("unlock", ob.unlock("L")),
    fails("unlock again", ob.unlock("L"), ob.EPERM),
    ob.trylock("L") > t1 ? "" : "token did not grow",
    succeeds("unlock", ob.unlock("L")),
  ]));

  const holder = spawnSelf(["hold", "H"]);
  ob.recv([TAG_HELD], -1);
  const busy = ob.trylock("H");
  const late = ob.lock("H", 20);
  ob.kill(holder);
  ob.wait(holder);
  const after = ob.lock("H", -1);
  check("lock-busy", all([fails("trylock", busy, ob.EBUSY), fails("lock", late, ob.ETIMEDOUT), after > 0 ? "" : "not released on death", succeeds("unlock", ob.unlock("H"))]));

  check("registry", all([
    succeeds("register", ob.register("conf")),
    ob.whereis("conf") == me ? "" : "whereis",
    fails("register again", ob.register("conf"), ob.EEXIST),
    succeeds("unregister", ob.unregister("conf")),
    fails("whereis", ob.whereis("conf"), ob.ENOENT),
    fails("unregister again", ob.unregister("conf"), ob.ENOENT),
  ]));

  const watched = spawnSelf(["park"]);
  const ref = ob.monitor(watched);
  ob.kill(watched);
  const down = ob.recv([ob.TAG_DOWN], -1);
  ob.wait(watched);
  let downIs = "missing";
  if (down != null) {
    const d = down.down();
    downIs = d.pid == watched && d.reason == ob.REASON_KILLED && d.status == 137 ? "" : "pid " + d.pid.toString() + " reason " + d.reason.toString();
  }
  check("monitor", ref > 0 ? downIs : "monitor: " + ref.toString());

  const ref2 = ob.monitor(watched);
  const noproc = ob.recv([ob.TAG_DOWN], 0);
  check("monitor-ended", all([
    noproc != null && noproc.down().reason == ob.REASON_KILLED ? "" : "no KILLED down for a process that ended",
    fails("demonitor fired", ob.demonitor(ref2), ob.EINVAL),
  ]));

  check("sleep", first(succeeds("sleep", ob.sys_sleep(1)), fails("sleep -1", ob.sys_sleep(-1), ob.EINVAL)));

  check("args", argv.length == 2 && argv[1] == "main" ? "" : "argv " + argv.join(" "));
}

const role = argv.length > 1 ? argv[1] : "";
if (role == "exit") ob.exit(I32.parseInt(argv[2]));
else if (role == "park") ob.recv([PARK], -1);
else if (role == "hold") {
  ob.lock(argv[2], -1);
  ob.sendText(ob.getppid(), TAG_HELD, "held");
  ob.recv([PARK], -1);
} else main();
