// Lock holders for the etcd tests. Roles (argv[1]):
//   hold LOCK FILE   lock LOCK, register "LOCK-holder", print token=T, then append
//                    "T\n" to FILE each time a message (tag 7) comes or 20 ms pass,
//                    for as long as it runs
//   poke NAME        print poking=PID, then send tag 7 to the process registered as
//                    NAME every 10 ms, forever
//   take LOCK        wait for LOCK, print token=T, and end (which releases it)
//   lookup NAME      print whereis=PID or whereis=-ERRNO
//   handoff LOCK N   lock LOCK, register "LOCK-holder", print token=T, wait for a
//                    message (tag 7), read its Lamport clock N times, unlock and end
//   nudge NAME       send tag 7 once to the process registered as NAME
import * as ob from "onebox";

const argv = ob.args();
const role = argv[1];

if (role == "hold") {
  const token = ob.lock(argv[2]);
  ob.register(argv[2] + "-holder");
  ob.print("token=" + token.toString());
  const fd = ob.open(argv[3], ob.O_WRITE | ob.O_CREATE | ob.O_APPEND);
  while (true) {
    ob.writeText(fd, token.toString() + "\n");
    ob.recv([7], 20);
  }
} else if (role == "poke") {
  const target = ob.whereis(argv[2]);
  const data = new Uint8Array(1);
  ob.print("poking=" + target.toString());
  while (true) {
    ob.send(target, 7, data); // fails once the target's node is down: keep going
    ob.sleep(10);
  }
} else if (role == "take") {
  ob.print("token=" + ob.lock(argv[2]).toString());
} else if (role == "handoff") {
  const token = ob.lock(argv[2]);
  ob.register(argv[2] + "-holder");
  ob.print("token=" + token.toString());
  ob.recv([7]);
  // Pushes this node's clock well past the waiter's, so only the hand-off can order the grant.
  const reads = I32.parseInt(argv[3]);
  for (let i = 0; i < reads; i++) ob.lamport();
  ob.unlock(argv[2]);
} else if (role == "nudge") {
  ob.send(ob.whereis(argv[2]), 7, new Uint8Array(1));
} else if (role == "lookup") {
  ob.print("whereis=" + ob.whereis(argv[2]).toString());
}
