// The JavaScript member of examples/polyglot's ring (see main.ts for the protocol): wait
// for the next member's pid, then append "js:PID" to every token and pass it on until
// told to stop. Built as a component: `onebox build examples/polyglot/member-js.js`.
import { bytes, sys, text } from "../../guest-sdk/component/onebox.js";

const TAG_NEXT = 1;
const TAG_TOKEN = 2;
const TAG_STOP = 3;

export function start() {
  const { data } = sys.recv([TAG_NEXT], -1);
  const next = new DataView(data.buffer, data.byteOffset, data.byteLength).getInt32(0, true);
  for (;;) {
    const m = sys.recv([TAG_TOKEN, TAG_STOP], -1);
    if (m.tag === TAG_STOP) return;
    const trail = text(m.data);
    sys.send(next, TAG_TOKEN, bytes(`${trail ? `${trail},` : ""}js:${sys.getpid()}`));
  }
}
