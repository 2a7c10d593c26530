// fence from a JS component: a token older than one the file's export has seen is refused.
import { bytes, errnoOfCall, O_APPEND, O_CREATE, O_WRITE, print, sys } from "../../guest-sdk/component/onebox.js";
export function start() {
  const fd = sys.open("fenced.txt", O_WRITE | O_CREATE | O_APPEND);
  const token = sys.lock("F", -1);
  sys.fence(fd, "F", token);
  const fresh = errnoOfCall(() => sys.write(fd, bytes("fresh\n")));
  sys.fence(fd, "F", token - 1n);
  const stale = errnoOfCall(() => sys.write(fd, bytes("stale\n")));
  const badFd = errnoOfCall(() => sys.fence(99, "F", token));
  print(`fence: fresh ${fresh}, stale ${stale}, bad fd ${badFd}`);
}
