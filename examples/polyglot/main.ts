// A message passed around a ring of three languages: this AssemblyScript program, a C
// program and a JavaScript component, K laps. Each member appends its language and pid
// to the token and passes it on; the driver prints each lap's hops and its time.
//
//   usage: main.wasm [LAPS [NODE...]]   (LAPS defaults to 3)
//
// With NODEs (on a cluster), member i runs on NODE[i % count]; without, where the host
// chooses. The driver names the other languages' modules by namespace path, fixed here:
// MEMBER_C and MEMBER_JS, the repository's own layout under `/`. A path resolves in the
// driver's namespace, inherited by every child wherever it runs, so only the driver's
// home node needs the modules: run it with `--root .` on one node, or copy them into
// the home node's export on a cluster (examples/polyglot/README.md).
import * as ob from "onebox";

const MEMBER_C = "/examples/polyglot/member-c.wasm";
const MEMBER_JS = "/examples/polyglot/member-js.wasm";

// The ring's protocol, shared by member-c.c and member-js.js.
const TAG_NEXT: i32 = 1; // data: the next member's pid, i32 little-endian
const TAG_TOKEN: i32 = 2; // data: the trail, "lang:pid" entries joined by ","
const TAG_STOP: i32 = 3; // no data: end with status 0

function fail(what: string): void {
  ob.eprint("polyglot: " + what + ": errno " + ob.errno().toString());
  ob.exit(1);
}

function member(): void {
  const next = load<i32>(ob.recv([TAG_NEXT])!.data.dataStart);
  while (true) {
    const m = ob.recv([TAG_TOKEN, TAG_STOP])!;
    if (m.tag == TAG_STOP) return;
    const trail = m.text();
    ob.sendText(next, TAG_TOKEN, (trail.length > 0 ? trail + "," : "") + "as:" + ob.getpid().toString());
  }
}

/** "c on node 2" from a trail entry "c:2097153": a pid names its node in its high bits. */
function hop(entry: string): string {
  const colon = entry.indexOf(":");
  const pid = I32.parseInt(entry.substring(colon + 1));
  return entry.substring(0, colon) + " on node " + (pid >>> 20).toString();
}

function driver(laps: i32, nodes: string[]): void {
  const paths = ["", MEMBER_C, MEMBER_JS];
  const ring = new Array<i32>();
  for (let i = 0; i < paths.length; i++) {
    const node = nodes.length > 0 ? nodes[i % nodes.length] : "";
    const pid = ob.spawn(paths[i], ["member"], [], node);
    if (pid < 0) fail("spawn " + (paths[i] == "" ? "this program" : paths[i]) + (node != "" ? " on " + node : ""));
    ring.push(pid);
  }
  const next = new Uint8Array(4);
  for (let i = 0; i < ring.length; i++) {
    store<i32>(next.dataStart, i + 1 < ring.length ? ring[i + 1] : ob.getpid());
    if (ob.send(ring[i], TAG_NEXT, next) < 0) fail("send");
  }
  let total: u64 = 0;
  for (let lap = 1; lap <= laps; lap++) {
    const started = ob.monotonicNs();
    ob.sendText(ring[0], TAG_TOKEN, "");
    const back = ob.recv([TAG_TOKEN]);
    if (back == null) fail("recv");
    const took = ob.monotonicNs() - started;
    total += took;
    const hops = back!.text().split(",").map<string>((entry: string) => hop(entry));
    ob.print("lap " + lap.toString() + ": " + hops.join(" -> ") + ", " + (took / 1000).toString() + " us");
  }
  for (let i = 0; i < ring.length; i++) ob.send(ring[i], TAG_STOP, new Uint8Array(0));
  for (let i = 0; i < ring.length; i++) {
    const st = ob.wait(ring[i]);
    if (st == null || st.status != 0) fail("member " + ring[i].toString() + " ended badly");
  }
  ob.print(laps.toString() + " laps, mean " + (total / <u64>laps / 1000).toString() + " us per lap");
}

const argv = ob.args();
if (argv.length > 1 && argv[1] == "member") member();
else driver(argv.length > 1 ? I32.parseInt(argv[1]) : 3, argv.slice(2));
