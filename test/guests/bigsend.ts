// A send one byte over MAX_MESSAGE_BYTES is refused at the send, never queued, and the link
// it would have reset keeps carrying the next message. Run as "bigsend NODE": the echo it
// talks to runs on NODE (its own node for a local send).
import * as ob from "onebox";

const argv = ob.args();

if (argv.length > 1 && argv[1] == "echo") {
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
