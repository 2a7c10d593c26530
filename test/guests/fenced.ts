// Fenced writes: a lock holder binds its token to a file, and a holder that lost the
// lock since is refused. Roles (argv[1]), LOCK and FILE in argv[2] and argv[3]:
//   main LOCK FILE     run first, and second once first has written; wait for both
//   first LOCK FILE    lock, fence, write "first\n", unlock; print ROLE.token=T; wait until
//                      the file has grown past its line (a newer holder wrote), then
//                      write "late\n" through the same fence and print late=RESULT
//   second LOCK FILE   wait for LOCK, fence, write "second\n" twice (an equal token
//                      passes); print ROLE.token=T and the errors of misused fences
//   hold LOCK FILE     lock, fence, print ROLE.token=T, then write "held\n" every 20 ms
//                      for as long as it runs (its node may be cut off meanwhile)
import * as ob from "onebox";

const argv = ob.args();
const role = argv[1];
const lockName = argv[2];
const file = argv[3];
const FIRST = "first\n";

/** Wait until `file` is longer than `size` bytes. */
function grown(size: u64): void {
  while (true) {
    const st = ob.stat(file);
    if (st != null && st.size > size) return;
    ob.sleep(5);
  }
}

/** Take the lock and fence `fd` with its token; the token. */
function lockAndFence(fd: i32): i64 {
  const token = ob.lock(lockName);
  ob.fence(fd, lockName, token);
  return token;
}

if (role == "main") {
  const first = ob.spawn("", ["first", lockName, file]);
  grown(0);
  const second = ob.spawn("", ["second", lockName, file]);
  ob.wait(first);
  ob.wait(second);
} else {
  const fd = ob.open(file, ob.O_WRITE | ob.O_CREATE | ob.O_APPEND);
  const token = lockAndFence(fd);
  if (role == "first") {
    ob.writeText(fd, FIRST);
    ob.unlock(lockName);
    ob.print(role + ".token=" + token.toString());
    grown(<u64>FIRST.length);
    ob.print("late=" + ob.writeText(fd, "late\n").toString());
  } else if (role == "hold") {
    ob.print(role + ".token=" + token.toString());
    while (true) {
      ob.writeText(fd, "held\n");
      ob.sleep(20);
    }
  } else if (role == "second") {
    ob.print("write=" + ob.writeText(fd, "second\n").toString() + " " + ob.writeText(fd, "second\n").toString());
    ob.print(role + ".token=" + token.toString());
    ob.print("fence.bad-fd=" + ob.fence(99, lockName, token).toString());
    ob.print("fence.empty-name=" + ob.fence(fd, "", token).toString());
    ob.unlock(lockName);
  }
}
