// A JavaScript guest that plays examples/pingpong's protocol against the AssemblyScript
// ponger: `onebox run examples/js-ping/main.wasm [ROUNDS [PONG]]`, PONG defaulting to
// /examples/pingpong/main.wasm under the node's root. The ponger echoes every PING to its
// parent and stops after echoing an empty one.
import { print, sys } from "../../guest-sdk/component/onebox.js";

const PING = 1;

export function start() {
  const argv = sys.args();
  const rounds = argv.length > 1 ? Number(argv[1]) : 1000;
  const peer = argv.length > 2 ? argv[2] : "/examples/pingpong/main.wasm";
  const pong = sys.spawn(peer, ["pong"], [], "");
  const payload = new Uint8Array(16);
  const started = sys.clockTime(1);
  for (let i = 0; i < rounds; i++) {
    payload[0] = i & 0xff;
    sys.send(pong, PING, payload);
    const echo = sys.recv([PING], -1);
    if (echo.sender !== pong || echo.data[0] !== payload[0]) throw new Error(`round ${i}: bad echo from ${echo.sender}`);
  }
  const meanUs = Number(sys.clockTime(1) - started) / rounds / 1000;
  sys.send(pong, PING, new Uint8Array(0));
  sys.recv([PING], -1);
  const status = sys.wait(pong);
  print(`js <-> ${peer}: ${rounds} round trips, mean ${meanUs.toFixed(2)} us; ponger exited ${status.status}`);
}
