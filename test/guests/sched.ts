// Scheduling: a spinner that never calls the host, processes blocked in recv or sleep,
// a ticker that keeps running beside them, and a process that asks for more memory than allowed.
import * as ob from "onebox";

const role = ob.args()[1];
let spins: u64 = 0;

if (role == "spin") {
  while (true) spins++;
} else if (role == "block") {
  ob.print("got " + ob.recv()!.text());
} else if (role == "sleep") {
  ob.sleep(60_000);
} else if (role == "recv-timeout") {
  ob.recv([], 60_000);
} else if (role == "tick") {
  for (let i = 1; i <= 3; i++) {
    ob.sleep(1);
    ob.print("tick " + i.toString());
  }
} else if (role == "limit") {
  // memlimit PAGES, then a child (on NODE, if given) that tries to grow by 1024 pages; its output is ours.
  ob.print("memlimit=" + ob.memlimit(I32.parseInt(ob.args()[2])).toString());
  ob.wait(ob.spawn("", ["grow"], [], ob.args().length > 3 ? ob.args()[3] : ""));
} else if (role == "grow") {
  const before = memory.size();
  ob.print("grow=" + memory.grow(1024).toString() + " " + (memory.size() == before).toString());
  // Allocating past the cap fails inside the guest: it traps, the node goes on.
  const hoard = new Array<Uint8Array>();
  while (true) hoard.push(new Uint8Array(1 << 20));
}
