// Process calls and their errors. The parent prints `key=value` lines; children act on
// the role in argv[1].
import * as ob from "onebox";
import { ended, failed, report } from "./report";

const argv = ob.args();
const role = argv.length > 1 ? argv[1] : "main";

if (role == "show-args") {
  report("child.args", argv.slice(2).join("|"));
  report("child.env", ob.environ().join("|"));
  report("child.ppid-is-parent", (ob.getppid().toString() == argv[2]).toString());
} else if (role == "exit") {
  ob.exit(I32.parseInt(argv[2]));
} else if (role == "proc_exit") {
  ob.sys_proc_exit(I32.parseInt(argv[2]));
} else if (role == "sleep") {
  ob.sleep(60_000);
} else if (role == "trap") {
  unreachable();
} else if (role == "kill-self") {
  ob.kill(ob.getpid());
  ob.print("still alive after killing itself");
} else if (role == "return") {
  // Falls off the end of _start.
} else {
  const me = ob.getpid();
  report("ppid", ob.getppid().toString());
  report("spawn.args", ended(ob.spawn("", ["show-args", me.toString(), "a b", ""], ["K=V", "EMPTY="])));
  report("exit", ended(ob.spawn("", ["exit", "7"])));
  report("proc_exit", ended(ob.spawn("", ["proc_exit", "5"])));
  report("return", ended(ob.spawn("", ["return"])));
  report("trap", ended(ob.spawn("", ["trap"])));
  report("kill-self", ended(ob.spawn("", ["kill-self"])));

  const sleeper = ob.spawn("", ["sleep"]);
  report("kill", ob.kill(sleeper).toString());
  report("kill.wait", ended(sleeper));
  report("kill.gone", ob.kill(sleeper).toString());

  for (let status = 1; status <= 3; status++) ob.spawn("", ["exit", status.toString()]);
  const statuses = new Array<i32>();
  for (let i = 0; i < 3; i++) statuses.push(ob.wait()!.status);
  statuses.sort();
  report("wait-any", statuses.join(","));
  report("wait-any.none-left", ended(ob.WAIT_ANY));
  report("wait.not-child", ended(me));

  // A monitor reports how its target ended, with the reason's text.
  const watched = ob.spawn("", ["trap"]);
  const ref = ob.monitor(watched);
  const down = ob.recv([ob.TAG_DOWN])!.down();
  report("monitor", (ref > 0).toString() + " " + (down.pid == watched).toString() + " " + down.reason.toString() + " " + down.text);
  report("demonitor.fired", ob.demonitor(ref).toString());
  ob.wait(watched);

  const nobody = me + 100_000;
  ob.monitor(nobody);
  const noproc = ob.recv([ob.TAG_DOWN])!.down();
  report("monitor.noproc", (noproc.pid == nobody).toString() + " " + noproc.reason.toString());

  const quiet = ob.spawn("", ["sleep"]);
  const quietRef = ob.monitor(quiet);
  report("demonitor", ob.demonitor(quietRef).toString());
  report("demonitor.again", ob.demonitor(quietRef).toString());
  ob.kill(quiet);
  ob.wait(quiet);
  report("demonitor.no-down", ob.recv([ob.TAG_DOWN], 0) == null ? failed() : "delivered");

  report("sleep.negative", ob.sys_sleep(-1).toString());
  report("sleep", ob.sys_sleep(1).toString());
  report("yield", ob.sys_yield().toString());
  report("sched_yield", ob.sys_sched_yield().toString());

  ob.writeFile("not-wasm.txt", "just text");
  report("spawn.missing", ob.spawn("missing.wasm").toString());
  report("spawn.not-wasm", ob.spawn("not-wasm.txt").toString());
  report("spawn.other-node", ob.spawn("", [], [], "elsewhere").toString());
  report("kill.no-such", ob.kill(nobody).toString());
}
