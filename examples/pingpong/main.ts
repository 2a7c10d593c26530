// Two processes bounce a message N times (default 10000): `onebox run main.wasm 1000`.
import { args, getppid, monotonicNs, print, recv, send, spawn, wait } from "onebox";

const PING = 1;
const argv = args();

if (argv.length > 1 && argv[1] == "pong") {
  // Echo every ping to the parent; an empty ping means stop.
  const parent = getppid();
  while (true) {
    const ping = recv([PING])!;
    send(parent, PING, ping.data);
    if (ping.data.length == 0) break;
  }
} else {
  const rounds = argv.length > 1 ? I32.parseInt(argv[1]) : 10000;
  const pong = spawn("", ["pong"]);
  const payload = new Uint8Array(16);
  const started = monotonicNs();
  for (let i = 0; i < rounds; i++) {
    send(pong, PING, payload);
    recv([PING]);
  }
  const meanUs = <f64>(monotonicNs() - started) / <f64>rounds / 1000.0;
  send(pong, PING, new Uint8Array(0));
  recv([PING]);
  wait(pong);
  print(rounds.toString() + " round trips, mean " + (Math.round(meanUs * 100) / 100).toString() + " us");
}
