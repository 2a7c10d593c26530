// A chain of messages across three nodes, for the trace tests. Run as "main B C ROUNDS":
// it spawns relay2 on C (forwarding to main) and relay1 on B (forwarding to relay2), then
// sends ROUNDS messages around main -> relay1 -> relay2 -> main. Each process prints its
// monotonic clock and Lamport time as it starts (children) or spawns (main).
import * as ob from "onebox";

const argv = ob.args();
const role = argv.length > 1 ? argv[1] : "main";

function stamp(who: string): void {
  ob.print(who + ".mono=" + ob.monotonicNs().toString());
  ob.print(who + ".lamport=" + ob.lamport().toString());
}

if (role == "relay") {
  // relay NAME NEXT: pass every message on to NEXT; an empty one ends the relay.
  stamp(argv[2]);
  const next = I32.parseInt(argv[3]);
  while (true) {
    const m = ob.recv([1])!;
    ob.send(next, 1, m.data);
    if (m.data.length == 0) break;
  }
} else {
  const rounds = I32.parseInt(argv[4]);
  stamp("main");
  const relay2 = ob.spawn("", ["relay", "relay2", ob.getpid().toString()], [], argv[3]);
  const relay1 = ob.spawn("", ["relay", "relay1", relay2.toString()], [], argv[2]);
  for (let i = 0; i < rounds; i++) {
    ob.sendText(relay1, 1, "round " + i.toString());
    ob.recv([1]);
  }
  ob.send(relay1, 1, new Uint8Array(0));
  ob.recv([1]);
  ob.wait(relay1);
  ob.wait(relay2);
  ob.print("main.pid=" + ob.getpid().toString());
  ob.print("relay1.pid=" + relay1.toString());
  ob.print("relay2.pid=" + relay2.toString());
}
