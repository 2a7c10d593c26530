// The conformance guest as a JavaScript component: the checks of guest.ts, in the same
// order, printing the same lines (see there). argv[1] is "main", or a child's role:
// "exit STATUS", "park", "hold LOCK". A failed call throws its errno's name, lower-case.
import { bytes, down, errnoOfCall, KIND_FILE, O_CREATE, O_READ, O_TRUNC, O_WRITE, print, REASON_KILLED, REASON_NORMAL, SEEK_END, SEEK_SET, sys, TAG_DOWN, text, WAIT_ANY } from "../../guest-sdk/component/onebox.js";

const TAG_HELD = 5;
const PARK = 99;

let checkNo = 0;

/** Run a check's steps; the first that throws (an assertion or a call's errno) is its detail. */
function check(name, body) {
  checkNo++;
  let detail = "";
  try {
    body();
  } catch (error) {
    detail = typeof error?.payload === "string" ? `unexpected ${error.payload}` : String(error?.message ?? error);
  }
  print(detail === "" ? `ok ${checkNo} ${name}` : `not ok ${checkNo} ${name}: ${detail}`);
}

function assert(ok, detail) {
  if (!ok) throw new Error(detail);
}

/** The call must fail with `want` (an ABI errno name). */
function fails(what, call, want) {
  const got = errnoOfCall(call);
  assert(got === want.toLowerCase(), `${what}: got ${got}, want ${want}`);
}

const spawnSelf = (args) => sys.spawn("", args, [], "");

function main(argv) {
  const me = sys.getpid();
  check("pids", () => assert(me > 0 && sys.getppid() === 0, `getpid ${me} getppid ${sys.getppid()}`));

  check("spawn-wait", () => {
    const pid = spawnSelf(["exit", "7"]);
    const st = sys.wait(pid);
    assert(st.pid === pid && st.status === 7 && st.reason === REASON_NORMAL, `status ${st.status} reason ${st.reason}`);
  });

  check("wait-any", () => {
    const pid = spawnSelf(["exit", "0"]);
    const st = sys.wait(WAIT_ANY);
    assert(st.pid === pid, `wait returned ${st.pid}`);
  });

  check("wait-echild", () => {
    fails("wait any", () => sys.wait(WAIT_ANY), "ECHILD");
    fails("wait 12345", () => sys.wait(12345), "ECHILD");
  });

  check("spawn-errors", () => {
    fails("missing", () => sys.spawn("/missing.wasm", [], [], ""), "ENOENT");
    fails("not wasm", () => sys.spawn("/not-wasm.txt", [], [], ""), "ENOEXEC");
  });

  const parked = spawnSelf(["park"]);
  check("kill", () => {
    sys.kill(parked);
    const st = sys.wait(parked);
    assert(st.status === 137 && st.reason === REASON_KILLED, `status ${st.status} reason ${st.reason}`);
  });

  check("kill-esrch", () => {
    fails("kill", () => sys.kill(parked), "ESRCH");
    fails("send", () => sys.send(parked, 1, bytes("x")), "ESRCH");
  });

  check("send-recv-tags", () => {
    sys.send(me, 1, bytes("a"));
    sys.send(me, 2, bytes("b"));
    sys.send(me, 3, bytes("c"));
    const m3 = sys.recv([3, 9], -1);
    const m1 = sys.recv([], -1);
    const m2 = sys.recv([], 0);
    const got = `${m3.tag}${text(m3.data)}${m3.sender === me ? "" : "?"} ${m1.tag}${text(m1.data)} ${m2.tag}${text(m2.data)}`;
    assert(got === "3c 1a 2b", `got ${got}`);
  });

  check("recv-eagain", () => fails("recv", () => sys.recv([], 0), "EAGAIN"));

  check("recv-etimedout", () => {
    sys.send(me, 1, bytes("queued"));
    fails("recv", () => sys.recv([5], 20), "ETIMEDOUT");
    assert(text(sys.recv([1], 0).data) === "queued", "queued message lost");
  });

  // The component's recv returns a list sized by the message, so it has no buffer to be
  // too small for: E2BIG cannot happen. What the check shares with the core guests is
  // that a message longer than their 4-byte buffer arrives whole.
  check("recv-e2big", () => {
    sys.send(me, 4, bytes("12345678"));
    const whole = sys.recv([4], 0);
    assert(whole.data.length === 8 && text(whole.data) === "12345678", `len ${whole.data.length}`);
  });

  check("send-einval", () => fails("send", () => sys.send(me, -2, bytes("x")), "EINVAL"));

  check("files", () => {
    const rw = O_READ | O_WRITE | O_CREATE | O_TRUNC;
    fails("open before mkdir", () => sys.open("/d/f", rw), "ENOENT");
    sys.mkdir("/d");
    const fd = sys.open("/d/f", rw);
    assert(fd >= 3, `open: ${fd}`);
    assert(sys.write(fd, bytes("hello world")) === 11, "write");
    assert(sys.seek(fd, 6n, SEEK_SET) === 6n, "seek set");
    assert(text(sys.read(fd, 5)) === "world", "read");
    assert(sys.seek(fd, 0n, SEEK_END) === 11n, "seek end");
    sys.close(fd);
    const st = sys.stat("/d/f");
    assert(st.size === 11n && st.kind === KIND_FILE, "stat");
    assert(sys.readdir("/d").join(",") === "f", "readdir");
    sys.rename("/d/f", "/d/g");
    fails("open renamed", () => sys.open("/d/f", O_READ), "ENOENT");
    fails("unlink full dir", () => sys.unlink("/d"), "ENOTEMPTY");
    sys.unlink("/d/g");
    sys.unlink("/d");
  });

  check("file-ebadf", () => {
    fails("read", () => sys.read(999, 5), "EBADF");
    fails("close", () => sys.close(999), "EBADF");
  });

  check("file-enoent", () => {
    fails("open", () => sys.open("/missing", O_READ), "ENOENT");
    fails("stat", () => sys.stat("/missing"), "ENOENT");
  });

  check("file-eacces", () => {
    fails("open", () => sys.open("/escape/secret", O_READ), "EACCES");
    fails("open via ..", () => sys.open("/../escape/secret", O_READ), "EACCES");
  });

  check("locks", () => {
    const t1 = sys.lock("L", -1);
    assert(t1 > 0n, `lock: ${t1}`);
    fails("relock", () => sys.lock("L", -1), "EDEADLK");
    sys.unlock("L");
    fails("unlock again", () => sys.unlock("L"), "EPERM");
    assert(sys.trylock("L") > t1, "token did not grow");
    sys.unlock("L");
  });

  check("lock-busy", () => {
    const holder = spawnSelf(["hold", "H"]);
    sys.recv([TAG_HELD], -1);
    const busy = errnoOfCall(() => sys.trylock("H"));
    const late = errnoOfCall(() => sys.lock("H", 20));
    sys.kill(holder);
    sys.wait(holder);
    assert(busy === "ebusy", `trylock: got ${busy}, want EBUSY`);
    assert(late === "etimedout", `lock: got ${late}, want ETIMEDOUT`);
    assert(errnoOfCall(() => sys.lock("H", -1)) === "ok", "not released on death");
    sys.unlock("H");
  });

  check("registry", () => {
    sys.register("conf");
    assert(sys.whereis("conf") === me, "whereis");
    fails("register again", () => sys.register("conf"), "EEXIST");
    sys.unregister("conf");
    fails("whereis", () => sys.whereis("conf"), "ENOENT");
    fails("unregister again", () => sys.unregister("conf"), "ENOENT");
  });

  const watched = spawnSelf(["park"]);
  check("monitor", () => {
    const ref = sys.monitor(watched);
    sys.kill(watched);
    const d = down(sys.recv([TAG_DOWN], -1));
    sys.wait(watched);
    assert(ref > 0, `monitor: ${ref}`);
    assert(d.pid === watched && d.reason === REASON_KILLED && d.status === 137, `pid ${d.pid} reason ${d.reason}`);
  });

  check("monitor-ended", () => {
    const ref = sys.monitor(watched);
    assert(down(sys.recv([TAG_DOWN], 0)).reason === REASON_KILLED, "no KILLED down for a process that ended");
    fails("demonitor fired", () => sys.demonitor(ref), "EINVAL");
  });

  check("sleep", () => {
    sys.sleep(1);
    fails("sleep -1", () => sys.sleep(-1), "EINVAL");
  });

  check("args", () => assert(argv.length === 2 && argv[1] === "main", `argv ${argv.join(" ")}`));
}

export function start() {
  const argv = sys.args();
  const role = argv[1] ?? "";
  if (role === "exit") sys.exit(Number(argv[2]));
  else if (role === "park") sys.recv([PARK], -1);
  else if (role === "hold") {
    sys.lock(argv[2], -1);
    sys.send(sys.getppid(), TAG_HELD, bytes("held"));
    sys.recv([PARK], -1);
  } else main(argv);
}
