// The bench guest as a JavaScript component, for the component-* entries: the modes and
// output of bench/guests/syscalls.ts that the component path is measured on. argv: MODE
// BATCHES CALLS; each batch prints its elapsed nanoseconds on one line.
import { print, sys } from "../../guest-sdk/component/onebox.js";

const PING = 1;

function batches(count, calls, body) {
  for (let b = 0; b < count; b++) {
    const t0 = sys.clockTime(1);
    body(calls);
    print(String(sys.clockTime(1) - t0));
  }
}

function nullSyscalls(calls) {
  let sum = 0;
  for (let i = 0; i < calls; i++) sum += sys.getpid();
  return sum;
}

/** Send + recv of 64 bytes with an echo child: a copy of this program. */
function roundtrips(count, calls) {
  const echo = sys.spawn("", ["echo"], [], "");
  const payload = new Uint8Array(64);
  batches(count, calls, (n) => {
    for (let i = 0; i < n; i++) {
      sys.send(echo, PING, payload);
      sys.recv([PING], -1);
    }
  });
  sys.kill(echo);
}

function echo() {
  const parent = sys.getppid();
  for (;;) {
    const m = sys.recv([PING], -1);
    sys.send(parent, PING, m.data);
  }
}

export function start() {
  const [, mode, count, calls] = sys.args();
  if (mode === "null") batches(Number(count), Number(calls), nullSyscalls);
  else if (mode === "roundtrip") roundtrips(Number(count), Number(calls));
  else if (mode === "echo") echo();
  else print(`error unknown mode ${mode}`);
}
