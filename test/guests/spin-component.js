// A JS component that spawns a copy of itself spinning in for (;;) and kills it: preemption holds for components.
import { print, sys } from "../../guest-sdk/component/onebox.js";
export function start() {
  const argv = sys.args();
  if (argv[1] === "spin") { let x = 0; for (;;) x++; }
  const child = sys.spawn("", ["spin"], [], "");
  sys.sleep(200);
  const t0 = sys.clockTime(1);
  sys.kill(child);
  const st = sys.wait(child);
  print(`killed spinner: reason ${st.reason} after ${Number(sys.clockTime(1) - t0) / 1e6} ms`);
}
