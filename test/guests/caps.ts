// Capability sets (host/kernel/capabilities.ts) from a guest's side. "confine": make
// /data/in.txt and /secret.txt, narrow the children to /data read-only, no spawn, locks
// "job-" and names "svc-", then a "confined" child (on NODE, if given) tries each.
// "killer": spawn two idle children, then a "scoped" child limited to killing its own
// children, which fails to kill its sibling; the parent still kills its own.
// "labels A B": a "placer" child allowed to spawn only on nodes labelled zone=b (node B)
// spawns on A, on zone=a, on B and anywhere; the last marks /local/where.txt where it ran.
// "give [NODE]": a "taker" child confined to /other is handed /data read-only by capgive
// once it is ready; it reads there after the TAG_CAP message, cannot write, and cannot
// hand on more than it holds.
import * as ob from "onebox";

const argv = ob.args();
const role = argv.length > 1 ? argv[1] : "confine";

const str = (n: i64): string => n.toString();

if (role == "confine") {
  ob.mkdir("/data");
  ob.writeFile("/data/in.txt", "in");
  ob.writeFile("/secret.txt", "secret");
  ob.childcap(ob.CAP_PATH_RO, "/data");
  ob.childcap(ob.CAP_NO_SPAWN);
  ob.childcap(ob.CAP_LOCK_PREFIX, "job-");
  ob.childcap(ob.CAP_NAME_PREFIX, "svc-");
  const node = argv.length > 2 ? argv[2] : "";
  const child = ob.spawn("", ["confined"], [], node);
  ob.print("spawned=" + (child > 0).toString());
  ob.wait(child);
} else if (role == "confined") {
  const fd = ob.open("/data/in.txt", ob.O_READ);
  ob.print("read=" + (fd >= 0).toString() + " write=" + str(ob.open("/data/in.txt", ob.O_WRITE)) + " create=" + str(ob.open("/data/new.txt", ob.O_CREATE | ob.O_WRITE)) + " mkdir=" + str(ob.mkdir("/data/sub")));
  ob.print("outside=" + str(ob.open("/secret.txt", ob.O_READ)) + " climb=" + str(ob.open("/data/../secret.txt", ob.O_READ)) + " sibling=" + str(ob.open("/database", ob.O_READ)));
  ob.print("spawn=" + str(ob.spawn("", ["idle"])));
  const token = ob.lock("job-1", 0);
  ob.print("lock=" + (token >= 0).toString() + " other=" + str(ob.lock("other", 0)) + " name=" + str(ob.register("svc-a")) + " othername=" + str(ob.register("api")));
  ob.print(
    "widen=" + str(ob.childcap(ob.CAP_PATH_RW, "/data")) + " " + str(ob.childcap(ob.CAP_PATH_RO, "/")) + " " + str(ob.childcap(ob.CAP_LOCK_PREFIX, "o")) +
      " narrow=" + str(ob.childcap(ob.CAP_PATH_RO, "/data/in.txt")) + " " + str(ob.childcap(ob.CAP_LOCK_PREFIX, "job-a")) + " kind=" + str(ob.childcap(99)),
  );
} else if (role == "idle") {
  ob.recv([99]);
} else if (role == "killer") {
  const a = ob.spawn("", ["idle"]);
  ob.childcap(ob.CAP_KILL_CHILDREN);
  const scoped = ob.spawn("", ["scoped", a.toString()]);
  ob.wait(scoped);
  ob.print("parent-kill=" + str(ob.kill(a)));
  ob.wait(a);
} else if (role == "scoped") {
  const own = ob.spawn("", ["idle"]);
  ob.print("sibling=" + str(ob.kill(I32.parseInt(argv[2]))) + " own=" + str(ob.kill(own)));
  ob.wait(own);
}
else if (role == "labels") {
  ob.childcap(ob.CAP_SPAWN_LABELS, "zone=b");
  ob.wait(ob.spawn("", ["placer", argv[2], argv[3]]));
} else if (role == "placer") {
  const onB = ob.spawn("", ["idle"], [], argv[3]);
  ob.print("on-a=" + str(ob.spawn("", ["idle"], [], argv[2])) + " zone-a=" + str(ob.spawn("", ["idle"], [], "zone=a")) + " on-b=" + (onB > 0).toString());
  ob.kill(onB);
  ob.wait(onB);
  ob.wait(ob.spawn("", ["where"]));
  ob.print("placed-on-b=" + (ob.open("/n/" + argv[3] + "/where.txt", ob.O_READ) >= 0).toString() + " on-a=" + str(ob.open("/n/" + argv[2] + "/where.txt", ob.O_READ)));
  ob.print("widen=" + str(ob.childcap(ob.CAP_SPAWN_LABELS, "zone=a")) + " narrow=" + str(ob.childcap(ob.CAP_SPAWN_LABELS, "rack=1")));
} else if (role == "where") {
  ob.writeFile("/local/where.txt", "here");
}
else if (role == "give") {
  ob.mkdir("/data");
  ob.mkdir("/other");
  ob.writeFile("/data/in.txt", "in");
  ob.childcap(ob.CAP_PATH_RO, "/other");
  const taker = ob.spawn("", ["taker"], [], argv.length > 2 ? argv[2] : "");
  ob.recv([1]);
  ob.print("kind=" + str(ob.capgive(taker, ob.CAP_NO_SPAWN, "")) + " give=" + str(ob.capgive(taker, ob.CAP_PATH_RO, "/data")));
  ob.wait(taker);
} else if (role == "taker") {
  const before = ob.open("/data/in.txt", ob.O_READ);
  ob.sendText(ob.getppid(), 1, "ready");
  const gift = ob.recv([ob.TAG_CAP])!;
  const text = String.UTF8.decode(gift.data.buffer.slice(4));
  const kind = gift.data[0];
  ob.print("before=" + str(before) + " gift=" + kind.toString() + " " + text + " from-parent=" + (gift.sender == ob.getppid()).toString());
  ob.print("after=" + (ob.open("/data/in.txt", ob.O_READ) >= 0).toString() + " write=" + str(ob.open("/data/in.txt", ob.O_WRITE)) + " sibling=" + str(ob.open("/database", ob.O_READ)));
  const parent = ob.getppid();
  ob.print("pass-rw=" + str(ob.capgive(parent, ob.CAP_PATH_RW, "/data")) + " pass-lock=" + str(ob.capgive(parent, ob.CAP_LOCK_PREFIX, "x")) + " pass-narrower=" + str(ob.capgive(parent, ob.CAP_PATH_RO, "/data/in.txt")));
}
