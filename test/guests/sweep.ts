// The processes of the seeded simulation sweep (test/sim-sweep.test.ts). Each prints
// key=value lines; a lock holder stamps its lines with the simulated monotonic time in
// microseconds, so the sweep can check that no two ever held one lock at once.
import * as ob from "onebox";

const argv = ob.args();
const role = argv[1];

function nowUs(): string {
  return (ob.monotonicNs() / 1000).toString();
}

if (role == "locker") {
  // locker NAME ROUNDS HOLD_MS: take NAME, hold it HOLD_MS, let go; ROUNDS times.
  const name = argv[2];
  const rounds = I32.parseInt(argv[3]);
  const hold = I32.parseInt(argv[4]);
  for (let r = 0; r < rounds; r++) {
    const token = ob.lock(name, 2000);
    if (token < 0) {
      ob.print("lock.err=" + token.toString());
      ob.sleep(50);
      continue;
    }
    ob.print("acq=" + token.toString() + "@" + nowUs());
    ob.sleep(hold);
    ob.print("rel=" + token.toString() + "@" + nowUs());
    ob.unlock(name);
    ob.sleep(5);
  }
} else if (role == "sender") {
  // sender NODE N: N numbered messages to a receiver on NODE, which checks their order.
  const n = I32.parseInt(argv[3]);
  const receiver = ob.spawn("", ["receiver"], [], argv[2]);
  if (receiver < 0) {
    ob.print("spawn.err=" + receiver.toString());
  } else {
    for (let i = 0; i < n; i++) {
      let r = ob.sendText(receiver, 1, i.toString());
      while (r == -ob.EAGAIN) {
        ob.sleep(5);
        r = ob.sendText(receiver, 1, i.toString());
      }
      if (r < 0) break;
      if (i % 10 == 9) ob.sleep(10);
    }
    ob.sendText(receiver, 2, "");
    ob.wait(receiver);
  }
} else if (role == "receiver") {
  let last = -1;
  let count = 0;
  while (true) {
    const m = ob.recv([1, 2], 3000);
    if (m == null || m.tag == 2) break;
    const i = I32.parseInt(m.text());
    if (i <= last) ob.print("order.broken=" + last.toString() + "," + i.toString());
    last = i;
    count++;
  }
  ob.print("received=" + count.toString());
} else if (role == "appender") {
  // appender NODE N: append "PID i" lines to /n/NODE/PID.txt, 10 ms apart, until one fails.
  const pid = ob.getpid();
  const fd = ob.open("/n/" + argv[2] + "/" + pid.toString() + ".txt", ob.O_WRITE | ob.O_CREATE | ob.O_APPEND);
  const n = I32.parseInt(argv[3]);
  for (let i = 0; fd >= 0 && i < n; i++) {
    if (ob.writeText(fd, pid.toString() + " " + i.toString() + "\n") < 0) break;
    ob.sleep(10);
  }
}
