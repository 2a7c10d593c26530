// Per-process limits under attack. "flood": a child floods this process's mailbox with
// 64 KiB messages until EAGAIN and ends; this process, told by a monitor (a down notice is
// delivered even into a full mailbox), then drains it. "bomb": spawn idle children until
// spawn fails, then kill them. "tree": a child bombs, so its count is limited by ours too.
// "orphans": a child spawns 5 idle children and ends; they stay charged to us, then we bomb.
// "locks": take lock names until ENOLCK; one unlock makes room for one more.
// "narrow": narrow every limit of the children with childlimit, then a "probe" child runs
// into each (files, locks, descendants, mailbox messages) and fails to widen one.
// "files", "files-hold": open files until an open fails (EMFILE or the node's ENFILE).
// "cpu": a child given a CPU budget of 200 ms spins; we print its end's reason.
import * as ob from "onebox";

const argv = ob.args();
const role = argv.length > 1 ? argv[1] : "flood";
const SIZE = 64 * 1024;
const TAG_DATA = 2;

function bomb(name: string): void {
  const kids: i32[] = [];
  let r = 0;
  while ((r = ob.spawn("", ["idle"])) > 0) kids.push(r);
  ob.print(name + "=" + kids.length.toString() + " " + r.toString());
  for (let i = 0; i < kids.length; i++) ob.kill(kids[i]);
  for (let i = 0; i < kids.length; i++) ob.wait(kids[i]);
}

/** Take lock names PREFIX0, PREFIX1, ... until a lock fails; print how many and the error. */
function hoardLocks(prefix: string): i32 {
  let n = 0;
  let r: i64 = 0;
  while ((r = ob.lock(prefix + n.toString(), 0)) >= 0) n++;
  ob.print("locks=" + n.toString() + " " + r.toString());
  return n;
}

function flood(): void {
  const flooder = ob.spawn("", ["flooder"]);
  ob.monitor(flooder);
  ob.recv([ob.TAG_DOWN]);
  let drained = 0;
  let bytes = 0;
  let m: ob.Message | null;
  while ((m = ob.recv([TAG_DATA], 0)) != null) {
    drained++;
    bytes += m.data.length;
  }
  ob.print("drained=" + drained.toString() + " " + bytes.toString());
  ob.wait(flooder);
}

if (role == "flooder") {
  const target = ob.getppid();
  let sent = 0;
  let r = 0;
  while ((r = ob.send(target, TAG_DATA, new Uint8Array(SIZE))) == 0) sent++;
  ob.print("flooded=" + sent.toString() + " " + r.toString());
} else if (role == "flood") {
  flood();
} else if (role == "idle") {
  ob.recv([99]);
} else if (role == "bomb") {
  bomb("bomb");
} else if (role == "tree") {
  const child = ob.spawn("", ["bomb"]);
  ob.wait(child);
  bomb("tree");
} else if (role == "middle") {
  for (let i = 0; i < 5; i++) ob.spawn("", ["idle"]);
} else if (role == "orphans") {
  ob.wait(ob.spawn("", ["middle"]));
  bomb("orphans");
} else if (role == "locks") {
  const n = hoardLocks("hoard-");
  ob.print("unlock=" + ob.unlock("hoard-0").toString() + " relock=" + (ob.lock("hoard-again", 0) >= 0).toString() + " next=" + ob.lock("hoard-more", 0).toString());
  ob.print("held=" + n.toString());
} else if (role == "narrow") {
  ob.print("widen=" + ob.childlimit(ob.LIMIT_OPEN_FILES, 1 << 30).toString() + " kind=" + ob.childlimit(99, 1).toString());
  ob.childlimit(ob.LIMIT_OPEN_FILES, 3);
  ob.childlimit(ob.LIMIT_LOCKS, 2);
  ob.childlimit(ob.LIMIT_DESCENDANTS, 4);
  ob.childlimit(ob.LIMIT_MAILBOX_MESSAGES, 5);
  // On NODE, if given, the probe only opens files and takes locks: its own children
  // could be placed on any node, where its descendants are not counted.
  const node = argv.length > 2 ? argv[2] : "";
  ob.wait(ob.spawn("", node == "" ? ["probe"] : ["probe", "short"], [], node));
} else if (role == "probe") {
  let files = 0;
  let r = 0;
  while ((r = ob.open("/probe.txt", ob.O_CREATE | ob.O_WRITE)) >= 0) files++;
  ob.print("files=" + files.toString() + " " + r.toString());
  hoardLocks("probe-");
  // Its own limit is 2 locks: a child may not be given more.
  ob.print("widen=" + ob.childlimit(ob.LIMIT_LOCKS, 3).toString() + " same=" + ob.childlimit(ob.LIMIT_LOCKS, 2).toString());
  if (argv.length < 3) {
    bomb("bomb");
    flood();
  }
} else if (role == "files" || role == "files-hold") {
  // Open files until an open fails; "files-hold" then keeps them open until killed.
  let files = 0;
  let r = 0;
  while ((r = ob.open("/hoard.txt", ob.O_CREATE | ob.O_WRITE)) >= 0) files++;
  ob.print("files=" + files.toString() + " " + r.toString());
  if (role == "files-hold") ob.recv([99]);
} else if (role == "cpu") {
  ob.childlimit(ob.LIMIT_CPU_MS, 200);
  const status = ob.wait(ob.spawn("", ["spin"]))!;
  ob.print("spin=" + status.status.toString() + "/" + status.reason.toString());
} else if (role == "spin") {
  let spins: u64 = 0;
  while (true) spins++;
}
