// Record and replay: a process whose run depends on everything outside it — messages
// from a sender on another node, both clocks, random bytes — and prints all of it.
//   main SELF OTHER PATH   record the next child into PATH, spawn it on SELF, wait
//   recorded OTHER         spawn a sender on OTHER, print its messages, clocks, random
//   sender                 send three messages, each with its own clock in it
import * as ob from "onebox";

const MESSAGES = 3;

function hex(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i++) text += (<u32>bytes[i]).toString(16).padStart(2, "0");
  return text;
}

const argv = ob.args();
const role = argv.length > 1 ? argv[1] : "";

if (role == "main") {
  if (ob.record(argv[4]) != 0) ob.exit(10);
  const child = ob.spawn("", ["recorded", argv[3]], [], argv[2]);
  if (child < 0) ob.exit(11);
  const st = ob.wait(child);
  ob.exit(st == null ? 12 : st.status);
} else if (role == "recorded") {
  const sender = ob.spawn("", ["sender"], [], argv[2]);
  ob.print("sender.spawned=" + (sender > 0).toString());
  for (let i = 0; i < MESSAGES; i++) {
    const m = ob.recv([7]);
    if (m == null) ob.exit(20);
    ob.print("msg=" + m!.text());
  }
  ob.print("monotonic=" + ob.monotonicNs().toString());
  ob.print("wall=" + ob.wallNs().toString());
  ob.print("random=" + hex(ob.randomBytes(16)));
  const st = ob.wait(sender);
  ob.print("sender.exit=" + (st == null ? "none" : st.status.toString()));
  ob.print("done");
} else if (role == "sender") {
  const parent = ob.getppid();
  for (let i = 0; i < MESSAGES; i++) ob.sendText(parent, 7, "hello " + i.toString() + " at " + ob.wallNs().toString() + " from " + ob.getpid().toString());
} else {
  ob.exit(2);
}
