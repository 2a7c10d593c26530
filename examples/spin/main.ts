// A child loops forever; the node preempts it, so the parent still wakes up to kill it.
import { args, kill, print, reasonName, sleep, spawn, wait } from "onebox";

let spins: u64 = 0;

if (args().length > 1 && args()[1] == "spin") {
  while (true) spins++;
} else {
  const child = spawn("", ["spin"]);
  sleep(100);
  kill(child);
  const end = wait(child)!;
  print("child " + child.toString() + " ended: " + reasonName(end.reason) + ", status " + end.status.toString());
}
