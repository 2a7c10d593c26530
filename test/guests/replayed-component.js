// Record and replay of a JS component: the same inputs as replayed.ts (a message from a
// child, both clocks, random bytes, a failed call), through the component calls.
import { bytes, errnoOfCall, print, sys, text } from "../../guest-sdk/component/onebox.js";

export function start() {
  const argv = sys.args();
  if (argv[1] === "sender") {
    sys.send(sys.getppid(), 7, bytes(`hello at ${sys.clockTime(0)} from ${sys.getpid()}`));
    return;
  }
  const child = sys.spawn("", ["sender"], [], "");
  const message = sys.recv(new Int32Array([7]), -1);
  print(`msg=${text(message.data)} sender=${message.sender === child}`);
  print(`monotonic=${sys.clockTime(1)}`);
  print(`random=${Array.from(sys.randomBytes(8)).join(",")}`);
  print(`missing=${errnoOfCall(() => sys.stat("/no/such/file"))}`);
  print(`wait=${sys.wait(child).status}`);
}
