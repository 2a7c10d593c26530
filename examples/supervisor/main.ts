// A worker crashes on purpose; the supervisor watches it with monitor and restarts it
// 3 times, printing why each one ended, then gives up.
import { args, getpid, monitor, print, reasonName, recv, spawn, TAG_DOWN } from "onebox";

const MAX_RESTARTS = 3;

function startWorker(): void {
  monitor(spawn("", ["worker"]));
}

if (args().length > 1 && args()[1] == "worker") {
  throw new Error("worker " + getpid().toString() + " fails on purpose");
} else {
  startWorker();
  for (let restarts = 0; ; restarts++) {
    const down = recv([TAG_DOWN])!.down();
    const why = "worker " + down.pid.toString() + " ended: " + reasonName(down.reason) + " (" + down.text + ")";
    if (restarts == MAX_RESTARTS) {
      print(why + "; giving up");
      break;
    }
    print(why + "; restart " + (restarts + 1).toString() + " of " + MAX_RESTARTS.toString());
    startWorker();
  }
}
