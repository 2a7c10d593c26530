// Links, trap_exit, spawn_opt and deadlock detection over wait. Run as "main A B" (or
// "deadlock A B"): children go to nodes A and B by name ("" lets the host choose, which on
// a lone node is that node). Children act on the role in argv[1]; results are key=value lines.
import * as ob from "onebox";
import { ended, failed, report } from "./report";

const argv = ob.args();
const role = argv.length > 1 ? argv[1] : "main";
const A = argv.length > 2 ? argv[2] : "";
const B = argv.length > 3 ? argv[3] : "";

// Tags of the messages an idle child obeys, and of its answers.
const CRASH = 1;
const STOP = 3;
const REPLY = 4;
const READY = 5;

function downOf(tag: i32): ob.Down {
  return ob.recv([tag])!.down();
}

/** Exactly how a down or exit notice reads in a report: whether it names `pid`, and its reason. */
function notice(d: ob.Down, pid: i32): string {
  return (d.pid == pid).toString() + " " + ob.reasonName(d.reason);
}

/** Who got EDEADLK in a deadlock case: "parent" (this wait), "descendant" (its exit status says so), else what happened. */
function whoFound(child: i32): string {
  const st = ob.wait(child);
  if (st == null) {
    const e = ob.errno();
    return e == ob.EDEADLK ? "parent" : "-" + e.toString();
  }
  return st.status == ob.EDEADLK ? "descendant" : "status " + st.status.toString();
}

if (role == "idle") {
  if (ob.recv([CRASH, STOP])!.tag == CRASH) unreachable();
} else if (role == "crash-now") {
  unreachable();
} else if (role == "exit0") {
  // ends at once, normally
} else if (role == "linkdie") {
  // Linked to a child that traps at once, on node A; not trapping exits, so it ends LINKED.
  ob.spawnOpt("", ["crash-now"], [], A, ob.SPAWN_LINK);
  ob.recv([99]);
} else if (role == "linkhold") {
  // Linked to a child of its own on node argv[2] (a link reaches only its descendants),
  // not trapping exits: ends when that child does (or its node goes down).
  ob.procLink(ob.spawn("", ["idle"], [], argv[2]));
  ob.sendText(ob.getppid(), READY, "linked");
  ob.recv([99]);
} else if (role == "linkparent") {
  // Spawns an idle child on node argv[2] and links to it; tells its parent the child's pid
  // and what proc_link returned, then waits to end with it.
  const child = ob.spawn("", ["idle"], [], argv[2]);
  ob.sendText(ob.getppid(), REPLY, child.toString() + " " + ob.procLink(child).toString());
  ob.recv([99]);
} else if (role == "lockchild") {
  // Takes lock argv[2]; its exit status is the errno if it could not.
  const token = ob.lock(argv[2]);
  if (token < 0) ob.exit(<i32>-token);
  ob.unlock(argv[2]);
} else if (role == "waitchild") {
  // waitchild NODE ROLE ARG: waits for a child it spawns on NODE; its exit status is the
  // errno if the wait failed, else the child's status.
  const child = ob.spawn("", [argv[3], argv[4]], [], argv[2]);
  const st = ob.wait(child);
  if (st == null) {
    const e = ob.errno();
    ob.wait(child);
    ob.exit(e);
  }
  ob.exit(st!.status);
} else if (role == "deadlock") {
  // A parent holding a lock waits for a child on A that wants it: the call that closes the
  // cycle (the parent's wait, or the child's lock) gets EDEADLK.
  ob.lock("D1");
  const pair = ob.spawn("", ["lockchild", "D1"], [], A);
  const pairFound = whoFound(pair);
  ob.unlock("D1");
  if (pairFound == "parent") ob.wait(pair);
  report("deadlock.pair", pairFound);

  // The same through a grandchild: parent -> child on A -> grandchild on B -> lock the parent holds.
  ob.lock("D2");
  const chain = ob.spawn("", ["waitchild", B, "lockchild", "D2"], [], A);
  const chainFound = whoFound(chain);
  ob.unlock("D2");
  if (chainFound == "parent") ob.wait(chain);
  report("deadlock.chain", chainFound);

  // A child on A waiting for a lock the parent holds, killed: waiting for it is no deadlock,
  // though its release may reach the coordinator after the parent's wait.
  ob.lock("D7");
  const doomed = ob.spawn("", ["lockchild", "D7"], [], A);
  ob.kill(doomed);
  report("deadlock.killed", ended(doomed));
  ob.unlock("D7");

  // No cycle, no EDEADLK: the child wants a lock no one waiting holds.
  ob.lock("D3");
  report("deadlock.none", ended(ob.spawn("", ["lockchild", "D4"], [], A)));
  ob.unlock("D3");
} else if (role == "lockcycle") {
  // lockcycle A N: N rounds of a lock-lock cycle across nodes. This process holds C1, a
  // child on A holds C2; then each asks for the other's, at about the same moment. Who
  // was told EDEADLK: "parent", "child" or "both" (either one letting go ends it).
  const rounds = I32.parseInt(argv[3]);
  for (let round = 0; round < rounds; round++) {
    ob.lock("C1");
    const child = ob.spawn("", ["cyclechild"], [], A);
    ob.recv([READY]);
    const mine = ob.lock("C2");
    if (mine >= 0) ob.unlock("C2");
    ob.unlock("C1");
    const theirs = I32.parseInt(ob.recv([REPLY])!.text());
    ob.wait(child);
    const who = mine == -ob.EDEADLK ? (theirs == -ob.EDEADLK ? "both" : "parent") : theirs == -ob.EDEADLK ? "child" : mine.toString() + "/" + theirs.toString();
    report("lockcycle." + round.toString(), who);
  }
} else if (role == "cyclechild") {
  ob.lock("C2");
  ob.sendText(ob.getppid(), READY, "holding");
  const r = ob.lock("C1");
  ob.sendText(ob.getppid(), REPLY, r < 0 ? r.toString() : "0");
  if (r >= 0) ob.unlock("C1");
  ob.unlock("C2");
} else if (role == "deadlock-local") {
  // On one node a child runs when its parent suspends, so both orders are certain.
  ob.lock("D5");
  const first = ob.spawn("", ["lockchild", "D5"]);
  ob.yieldNow(); // the child runs until it blocks in lock
  report("deadlock.wait-closes", whoFound(first));
  ob.unlock("D5");
  ob.wait(first);
  ob.lock("D6");
  report("deadlock.lock-closes", whoFound(ob.spawn("", ["lockchild", "D6"])));
  ob.unlock("D6");
} else if (role == "linkmany") {
  // MAX_LINKS links, then one more: EAGAIN, whether the caller links or a spawn_opt would.
  const kids = new Array<i32>();
  let first = 0;
  for (let i = 0; i < ob.MAX_LINKS + 1; i++) {
    const kid = ob.spawn("", ["idle"], [], A);
    kids.push(kid);
    const r = ob.procLink(kid);
    if (r < 0 && first == 0) first = i;
  }
  report("linkmany.first-refused", first.toString() + " " + ob.errno().toString());
  report("linkmany.spawn-opt", ob.spawnOpt("", ["exit0"], [], A, ob.SPAWN_LINK) == null ? failed() : "spawned");
  ob.procUnlink(kids[0]);
  report("linkmany.after-unlink", ob.procLink(kids[kids.length - 1]).toString());
  for (let i = 0; i < kids.length; i++) ob.sendText(kids[i], STOP, "");
  for (let i = 0; i < kids.length; i++) ob.wait(kids[i]);
} else if (role == "nodedown") {
  // nodedown C: a link to a process on node C, trapped here and not trapped in a helper on
  // this node; the test kills node C once this prints ready.
  ob.trapExit(true);
  const far = ob.spawn("", ["idle"], [], A);
  ob.procLink(far);
  const helper = ob.spawn("", ["linkhold", A]);
  ob.monitor(helper);
  ob.recv([READY]);
  report("ready", "1");
  report("nodedown.exit", notice(downOf(ob.TAG_EXIT), far));
  report("nodedown.partner", notice(downOf(ob.TAG_DOWN), helper));
} else {
  report("trap.was", ob.trapExit(true).toString());
  report("trap.bad", ob.trapExit(false).toString() + " " + ob.trapExit(true).toString() + " " + ob.sys_trap_exit(2).toString());

  // A link set by proc_link, twice (no-op), to a child that then traps: an exit message.
  const idle = ob.spawn("", ["idle"], [], A);
  report("link", ob.procLink(idle).toString() + " " + ob.procLink(idle).toString());
  ob.sendText(idle, CRASH, "");
  report("trap.exit", notice(downOf(ob.TAG_EXIT), idle));
  report("trap.wait", ended(idle));

  // Unlinked before it traps: no exit message (its end would have come before wait's news).
  const quiet = ob.spawn("", ["idle"], [], A);
  ob.procLink(quiet);
  report("unlink", ob.procUnlink(quiet).toString() + " " + ob.procUnlink(quiet).toString());
  ob.sendText(quiet, CRASH, "");
  report("unlink.wait", ended(quiet));
  report("unlink.no-exit", ob.recv([ob.TAG_EXIT], 0) == null ? failed() : "got one");

  // A link between a child on B and its own child on A, set by B; this process kills its
  // grandchild on A (in its scope), so B ends LINKED.
  const b = ob.spawn("", ["linkparent", A], [], B);
  const answer = ob.recv([REPLY])!.text().split(" ");
  const a = I32.parseInt(answer[0]);
  report("link.remote", answer[1]);
  ob.monitor(a);
  ob.kill(a);
  report("linked.killed", notice(downOf(ob.TAG_DOWN), a));
  report("linked.partner", ended(b));

  // A normal end reaches a trapping partner as a message too.
  const normal = ob.spawnOpt("", ["exit0"], [], A, ob.SPAWN_LINK)!;
  report("spawn-link.normal", notice(downOf(ob.TAG_EXIT), normal.pid) + " " + (normal.ref == 0).toString());
  ob.wait(normal.pid);

  // A child that traps at once, linked and monitored before it runs: both notices, real reason.
  const fast = ob.spawnOpt("", ["crash-now"], [], A, ob.SPAWN_LINK | ob.SPAWN_MONITOR)!;
  const down = ob.recv([ob.TAG_DOWN])!;
  report("spawn-monitor.down", notice(down.down(), fast.pid) + " " + (fast.ref > 0).toString());
  report("spawn-link.exit", notice(downOf(ob.TAG_EXIT), fast.pid));
  report("spawn-opt.wait", ended(fast.pid));

  // A monitor set after a plain spawn of a child that traps at once: its real reason, not noproc.
  const late = ob.spawn("", ["crash-now"], [], A);
  ob.monitor(late);
  report("monitor-after.down", notice(downOf(ob.TAG_DOWN), late));
  ob.wait(late);

  // Not trapping: a linked child's trap ends the process, reason LINKED.
  report("linkdie", ended(ob.spawn("", ["linkdie", A], [], B)));

  report("link.gone", ob.procLink(late).toString());
  report("spawn-opt.bad-flags", ob.spawnOpt("", ["exit0"], [], A, 4) == null ? failed() : "spawned");
}
