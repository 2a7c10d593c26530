// A send one byte over MAX_MESSAGE_BYTES is refused at the send, never queued, and the link
// it would have reset keeps carrying the next message. Run as "bigsend NODE": the echo it
// talks to runs on NODE (its own node for a local send). Run as "bigio NODE HOME": a child
// on NODE prints one 6 MiB line and writes 6 MiB to /n/HOME/big.txt in one call; neither
// may reset a link.
import * as ob from "onebox";

const argv = ob.args();
const SIX_MIB = 6 * 1024 * 1024;

if (argv.length > 1 && argv[1] == "bigout") {
  ob.print("x".repeat(SIX_MIB));
  const fd = ob.open("/n/" + argv[2] + "/big.txt", ob.O_WRITE | ob.O_CREATE | ob.O_TRUNC);
  ob.print("big.write=" + ob.write(fd, new Uint8Array(SIX_MIB)).toString());
} else if (argv.length > 1 && argv[1] == "bigio") {
  const child = ob.spawn("", ["bigout", argv[3]], [], argv[2]);
  ob.wait(child);
  const echo = ob.spawn("", ["echo"], [], argv[2]);
  ob.sendText(echo, 2, "after");
  ob.print("after=" + ob.recv([2])!.text());
  ob.wait(echo);
} else if (argv.length > 1 && argv[1] == "echo") {
  const m = ob.recv()!;
  ob.send(m.sender, m.tag, m.data);
} else {
  const echo = ob.spawn("", ["echo"], [], argv.length > 1 ? argv[1] : "");
  ob.print("big.send=" + ob.send(echo, 1, new Uint8Array(ob.MAX_MESSAGE_BYTES + 1)).toString());
  ob.sendText(echo, 2, "after");
  const back = ob.recv([2])!;
  ob.print("after=" + back.text());
  ob.wait(echo);
}
