// Every routed syscall across nodes. Run as "main B C" on one node: children go to B and C
// by name, and the parent prints `key=value` lines the mesh tests check. Children act on
// the role in argv[1].
import * as ob from "onebox";

const argv = ob.args();
const role = argv.length > 1 ? argv[1] : "main";

function report(key: string, value: string): void {
  ob.print(key + "=" + value);
}

function ended(pid: i32): string {
  const st = ob.wait(pid);
  return st == null ? "-" + ob.errno().toString() : st.status.toString() + "/" + st.reason.toString();
}

function nodeOf(pid: i32): string {
  return (pid >>> 20).toString();
}

if (role == "echo") {
  while (true) {
    const m = ob.recv()!;
    if (m.tag == 99) break;
    ob.send(m.sender, m.tag, m.data);
  }
} else if (role == "sleep") {
  ob.sleep(600_000);
} else if (role == "kill") {
  report("kill", ob.kill(I32.parseInt(argv[2])).toString());
} else if (role == "sleep-with-child") {
  // A sleeping child on node argv[2], and sleep.
  ob.spawn("", ["sleep"], [], argv[2]);
  ob.sleep(600_000);
} else if (role == "return") {
  // ends at once
} else if (role == "files") {
  report("child.read", ob.readFile("/input.txt")!);
  ob.writeFile("/from-child.txt", "written by " + ob.getpid().toString());
  ob.writeFile("/local/scratch.txt", "scratch of " + ob.getpid().toString());
} else if (role == "holder") {
  const token = ob.lock(argv.length > 2 ? argv[2] : "L");
  report("holder.token", token.toString());
  ob.sendText(ob.getppid(), 5, token.toString());
  ob.recv([6]);
} else if (role == "lockwait") {
  report("waiter.token", ob.lock(argv.length > 2 ? argv[2] : "L").toString());
} else if (role == "watch") {
  // A process not its descendant: its root must have been run with --scope owner.
  const ref = ob.monitor(I32.parseInt(argv[2]));
  if (ref < 0) report("watch.monitor", ref.toString());
  else report("watch.down", ob.reasonName(ob.recv([ob.TAG_DOWN])!.down().reason));
} else if (role == "stat") {
  report("stat", (ob.stat(argv[2]) == null ? -ob.errno() : 0).toString());
} else if (role == "sink") {
  // Count N messages, then tell the last sender.
  const n = I32.parseInt(argv[2]);
  let last = 0;
  for (let i = 0; i < n; i++) last = ob.recv([1])!.sender;
  ob.sendText(last, 9, "done");
} else if (role == "flood") {
  // flood NODE N: N 64-byte messages to a sink on NODE; prints messages per second.
  const n = I32.parseInt(argv[3]);
  const sink = ob.spawn("", ["sink", n.toString()], [], argv[2]);
  const data = new Uint8Array(64);
  const started = ob.monotonicNs();
  for (let i = 0; i < n; i++) while (ob.send(sink, 1, data) == -ob.EAGAIN) ob.yieldNow();
  ob.recv([9]);
  const seconds = <f64>(ob.monotonicNs() - started) / 1e9;
  report("flood.per-second", (<i64>(<f64>n / seconds)).toString());
  ended(sink);
} else if (role == "ping") {
  // ping NODE N: N round trips to an echo on NODE; prints the mean in microseconds.
  const n = I32.parseInt(argv[3]);
  const echo = ob.spawn("", ["echo"], [], argv[2]);
  const data = new Uint8Array(64);
  ob.send(echo, 1, data);
  ob.recv([1]);
  const started = ob.monotonicNs();
  for (let i = 0; i < n; i++) {
    ob.send(echo, 1, data);
    ob.recv([1]);
  }
  report("ping.mean-us", (<f64>(ob.monotonicNs() - started) / <f64>n / 1000.0).toString());
  ob.sendText(echo, 99, "");
  ended(echo);
} else if (role == "place") {
  // place WHERE...: the pid of a child spawned with each node argument ("" lets the host choose).
  const pids = new Array<string>();
  for (let i = 2; i < argv.length; i++) pids.push(ob.spawn("", ["return"], [], argv[i]).toString());
  report("placed", pids.join(","));
  for (let i = 2; i < argv.length; i++) ob.wait();
} else if (role == "registrar") {
  ob.register("svc");
  ob.sendText(ob.getppid(), 7, "registered");
  ob.recv([8]);
} else {
  const B = argv[2];
  const C = argv[3];

  // spawn on a named node; send/recv with per-pair order; wait
  const echo = ob.spawn("", ["echo"], [], B);
  report("echo.node", nodeOf(echo));
  for (let i = 0; i < 200; i++) ob.sendText(echo, 1, i.toString());
  let ordered = true;
  for (let i = 0; i < 200; i++) {
    const m = ob.recv([1])!;
    if (m.text() != i.toString() || m.sender != echo) ordered = false;
  }
  report("order", ordered.toString());
  ob.sendText(echo, 99, "");
  report("echo.wait", ended(echo));

  // kill and monitor across nodes
  const sleeper = ob.spawn("", ["sleep"], [], C);
  ob.monitor(sleeper);
  report("kill", ob.kill(sleeper).toString());
  const down = ob.recv([ob.TAG_DOWN])!.down();
  report("monitor.down", ob.reasonName(down.reason) + " " + (down.pid == sleeper).toString());
  report("kill.wait", ended(sleeper));
  report("kill.gone", ob.kill(sleeper).toString());
  ob.monitor(sleeper);
  // Ended, so the monitor fires at once, with the reason it ended with.
  report("monitor.ended", ob.reasonName(ob.recv([ob.TAG_DOWN])!.down().reason));

  // the child inherits the parent's namespace; /local/ is where it runs; /n/<node>/ any node
  ob.writeFile("/input.txt", "hello from home");
  report("files.wait", ended(ob.spawn("", ["files"], [], B)));
  report("child.wrote", (ob.readFile("/from-child.txt") != null).toString());
  report("child.local", (ob.readFile("/n/" + B + "/scratch.txt") != null).toString());
  report("mkdir", ob.mkdir("/n/" + C + "/d").toString());
  ob.writeFile("/n/" + C + "/d/a.txt", "12345");
  report("stat.size", ob.stat("/n/" + C + "/d/a.txt")!.size.toString());
  report("rename", ob.rename("/n/" + C + "/d/a.txt", "/n/" + C + "/d/b.txt").toString());
  report("readdir", ob.readdir("/n/" + C + "/d")!.join(","));
  const fd = ob.open("/n/" + C + "/d/b.txt", ob.O_READ | ob.O_WRITE);
  report("seek", ob.seek(fd, 2, ob.SEEK_SET).toString());
  ob.writeText(fd, "X");
  ob.close(fd);
  report("read.back", ob.readFile("/n/" + C + "/d/b.txt")!);
  report("unlink", ob.unlink("/n/" + C + "/d/b.txt").toString());
  report("rename.across", ob.rename("/input.txt", "/n/" + C + "/input.txt").toString());

  // locks: held on another node, fencing tokens grow with each holder
  const holder = ob.spawn("", ["holder"], [], C);
  const first = I64.parseInt(ob.recv([5])!.text());
  report("trylock.busy", ob.trylock("L").toString());
  ob.sendText(holder, 6, "");
  ended(holder);
  const second = ob.lock("L", 10_000);
  report("lock.token-grows", (second > first).toString());
  report("unlock", ob.unlock("L").toString());

  // the registry, cluster-wide
  const registrar = ob.spawn("", ["registrar"], [], B);
  ob.recv([7]);
  report("whereis", (ob.whereis("svc") == registrar).toString());
  report("register.taken", ob.register("svc").toString());
  ob.sendText(registrar, 8, "");
  ended(registrar);
  report("whereis.gone", ob.whereis("svc").toString());

  // placement by the scheduler, and a node that does not exist
  report("placed.wait", ended(ob.spawn("", ["return"])));
  report("spawn.unknown", ob.spawn("", ["return"], [], "nowhere").toString());
}
