// A token ring across the cluster: M processes, spread round-robin over the nodes named
// on the command line, pass a token K laps; the parent prints the mean hop time.
//
//   usage: ring M K NODE...
import * as ob from "onebox";

const TAG_NEXT: i32 = 1;
const TAG_TOKEN: i32 = 2;
const TAG_STOP: i32 = 3;
const TAG_DONE: i32 = 4;

function member(hops: i32): void {
  const next = I32.parseInt(ob.recv([TAG_NEXT])!.text());
  const count = new Uint8Array(4);
  while (true) {
    const m = ob.recv([TAG_TOKEN, TAG_STOP])!;
    if (m.tag == TAG_STOP) break;
    const n = load<i32>(m.data.dataStart) + 1;
    store<i32>(count.dataStart, n);
    ob.send(n == hops ? ob.getppid() : next, n == hops ? TAG_DONE : TAG_TOKEN, count);
  }
}

function parent(m: i32, laps: i32, nodes: string[]): void {
  const pids = new Array<i32>();
  for (let i = 0; i < m; i++) {
    const pid = ob.spawn("", ["member", (m * laps).toString()], [], nodes[i % nodes.length]);
    if (pid < 0) {
      ob.eprint("ring: cannot spawn on " + nodes[i % nodes.length] + " (errno " + ob.errno().toString() + ")");
      ob.exit(1);
    }
    pids.push(pid);
  }
  for (let i = 0; i < m; i++) ob.sendText(pids[i], TAG_NEXT, pids[(i + 1) % m].toString());
  const token = new Uint8Array(4);
  const started = ob.monotonicNs();
  ob.send(pids[0], TAG_TOKEN, token);
  ob.recv([TAG_DONE]);
  const elapsed = ob.monotonicNs() - started;
  for (let i = 0; i < m; i++) ob.sendText(pids[i], TAG_STOP, "");
  for (let i = 0; i < m; i++) ob.wait();
  const hops = <u64>(m * laps);
  const meanUs = <f64>elapsed / <f64>hops / 1000.0;
  ob.print("ring: " + m.toString() + " processes on " + nodes.length.toString() + " nodes, " + laps.toString() + " laps, " + hops.toString() + " hops");
  ob.print("ring: mean hop " + (Math.round(meanUs * 10) / 10).toString() + " us");
}

const argv = ob.args();
if (argv.length > 1 && argv[1] == "member") member(I32.parseInt(argv[2]));
else if (argv.length < 4) ob.eprint("usage: ring M K NODE...");
else parent(I32.parseInt(argv[1]), I32.parseInt(argv[2]), argv.slice(3));
