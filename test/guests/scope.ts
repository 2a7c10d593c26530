// Default confinement, from a guest's side (test/scope.test.ts runs it as users of a
// cluster). Prints key=value lines; a negative value is an errno.
// "idle": wait to be killed. "attack VICTIM NODE USER CHILD_NODE": try to reach process
// VICTIM (not a descendant) and node NODE's export outside home/USER, do the same inside
// it, reach a grandchild of its own on NODE through a child on CHILD_NODE, and have a
// child on CHILD_NODE try to get out of the set it inherits. "write PATH": write a file.
// "kill PID": kill it.
import * as ob from "onebox";

const argv = ob.args();
const role = argv.length > 1 ? argv[1] : "idle";
const READY = 5;

function report(key: string, value: i64): void {
  ob.print(key + "=" + value.toString());
}

/** What a child on another node must not get out of: its parent's set (and so the user's default). */
function escape(prefix: string, victim: i32, node: string, user: string): void {
  report(prefix + ".kill", ob.kill(victim));
  report(prefix + ".monitor", ob.monitor(victim));
  report(prefix + ".link", ob.procLink(victim));
  report(prefix + ".unlink-other", ob.unlink("/n/" + node + "/shared.txt"));
  report(prefix + ".unlink-local", ob.unlink("/local/shared.txt"));
  report(prefix + ".widen", ob.childcap(ob.CAP_PATH_RW, "/n/" + node + "/shared.txt"));
  report(prefix + ".home", ob.writeFile("/n/" + node + "/home/" + user + "/" + prefix + ".txt", prefix));
}

if (role == "idle") {
  ob.recv([99]);
} else if (role == "middle") {
  // A child of its own on node argv[2], its pid told to this one's parent; then idle.
  const grandchild = ob.spawn("", ["idle"], [], argv[2]);
  ob.sendText(ob.getppid(), READY, grandchild.toString());
  ob.recv([99]);
} else if (role == "escape") {
  escape("child", I32.parseInt(argv[2]), argv[3], argv[4]);
} else if (role == "attack") {
  const victim = I32.parseInt(argv[2]);
  const node = argv[3];
  const user = argv[4];
  const childNode = argv[5];
  report("kill", ob.kill(victim));
  report("monitor", ob.monitor(victim));
  report("link", ob.procLink(victim));
  report("unlink-other", ob.unlink("/n/" + node + "/shared.txt"));
  report("write-other", ob.writeFile("/n/" + node + "/mine.txt", "x"));
  report("unlink-local", ob.unlink("/local/shared.txt"));
  report("read-other", ob.readFile("/n/" + node + "/shared.txt") == null ? -ob.errno() : 0);
  // Home: made on first use, wherever the grant holds.
  const mkhome = ob.mkdir("/n/" + node + "/home");
  report("mkdir-home", mkhome == -ob.EEXIST ? 0 : mkhome);
  report("mkdir-own", ob.mkdir("/n/" + node + "/home/" + user));
  report("mkdir-other", ob.mkdir("/n/" + node + "/home/someone-else"));
  report("home-write", ob.writeFile("/n/" + node + "/home/" + user + "/note.txt", "mine"));
  report("home-unlink", ob.unlink("/n/" + node + "/home/" + user + "/note.txt"));
  // A grandchild on `node` through a child on `childNode`: in scope, across nodes.
  ob.trapExit(true);
  const middle = ob.spawn("", ["middle", node], [], childNode);
  const grandchild = I32.parseInt(ob.recv([READY])!.text());
  report("grandchild-monitor", ob.monitor(grandchild) > 0 ? 0 : -ob.errno());
  report("grandchild-link", ob.procLink(grandchild));
  report("grandchild-kill", ob.kill(grandchild));
  report("grandchild-down", ob.recv([ob.TAG_DOWN])!.down().reason);
  report("grandchild-exit", ob.recv([ob.TAG_EXIT])!.down().reason);
  ob.kill(middle);
  ob.wait(middle);
  // A child on another node inherits the set and cannot get out of it.
  const child = ob.spawn("", ["escape", victim.toString(), node, user], [], childNode);
  report("child-ended", ob.wait(child)!.status);
} else if (role == "write") {
  report("write", ob.writeFile(argv[2], "x"));
} else if (role == "kill") {
  report("kill", ob.kill(I32.parseInt(argv[2])));
}
