// Lock holders for the etcd tests. Roles (argv[1]):
//   hold LOCK FILE   lock LOCK, register "LOCK-holder", print token=T, then append
//                    "T\n" to FILE every 20 ms for as long as it runs
//   take LOCK        wait for LOCK, print token=T, and end (which releases it)
//   lookup NAME      print whereis=PID or whereis=-ERRNO
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
    ob.sleep(20);
  }
} else if (role == "take") {
  ob.print("token=" + ob.lock(argv[2]).toString());
} else if (role == "lookup") {
  ob.print("whereis=" + ob.whereis(argv[2]).toString());
}
