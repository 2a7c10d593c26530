// Per-process limits under attack. "flood": a child floods this process's mailbox with
// 64 KiB messages until EAGAIN and ends; this process, told by a monitor (a down notice is
// delivered even into a full mailbox), then drains it. "bomb": spawn idle children until
// spawn fails, then kill them. "tree": a child bombs, so its count is limited by ours too.
// "orphans": a child spawns 5 idle children and ends; they stay charged to us, then we bomb.
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

if (role == "flooder") {
  const target = ob.getppid();
  let sent = 0;
  let r = 0;
  while ((r = ob.send(target, TAG_DATA, new Uint8Array(SIZE))) == 0) sent++;
  ob.print("flooded=" + sent.toString() + " " + r.toString());
} else if (role == "flood") {
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
}
