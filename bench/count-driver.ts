// Runs one mode of the bench guest on one fresh node in this process, with nothing else
// (no floors, no cluster), so an instruction counter sees only that:
//   valgrind --tool=callgrind --dump-before=fsync --separate-threads=yes \
//     node --no-liftoff --no-concurrent-recompilation --min-semi-space-size=64 --max-semi-space-size=64 \
//     bench/count-driver.ts [--guest FILE] JOURNAL MODE BATCHES CALLS
// JOURNAL is the node's --journal (a number, or "default"); run it twice with different
// BATCHES and divide the difference of the totals by the extra calls (docs/BENCHMARKS.md).
// The guest's run is marked by an fsync before and after it: under callgrind's
// --dump-before=fsync its counts are a part file of their own (the second), without
// the node's start and the guest's build, whose counts move by hundreds of millions
// of instructions between runs. The node flags keep the count steady: the guest's code
// compiled once, optimized on the main thread (whose part file, .2-01, is the one to
// read), and few scavenges. --guest FILE builds the guest into FILE once and reuses it
// (its build is most of a run's time under valgrind).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Kernel } from "../host/kernel/kernel.ts";
import { buildGuest } from "../host/toolchain/build.ts";
import { packagePath } from "../host/package-root.ts";
import { GUEST_ARGV0, lineSink } from "./guest-output.ts";

const USAGE = "usage: node bench/count-driver.ts [--guest FILE] JOURNAL|default MODE BATCHES CALLS";
const argv = process.argv.slice(2);
const guestFile = argv[0] === "--guest" ? argv[1] : undefined;
const [journalArg, mode, batches, calls] = guestFile === undefined ? argv : argv.slice(2);
if (process.argv.includes("--help")) {
  console.log(USAGE);
  process.exit(0);
}
const journal = journalArg === "default" ? undefined : Number(journalArg);
if ((argv[0] === "--guest" && !guestFile) || mode === undefined || !(journal === undefined || Number.isInteger(journal)) || !(Number(batches) >= 1) || !(Number(calls) >= 1)) {
  console.error(`count-driver: ${USAGE}`);
  process.exit(2);
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "onebox-count-"));
try {
  const wasm = path.join(dir, "syscalls.wasm");
  if (guestFile !== undefined && fs.existsSync(guestFile)) fs.copyFileSync(guestFile, wasm);
  else {
    await buildGuest(packagePath("bench", "guests", "syscalls.ts"), wasm);
    if (guestFile !== undefined) fs.copyFileSync(wasm, guestFile);
  }
  const kernel = new Kernel({ nodeId: 1, nodeName: "bench", root: dir, journal });
  const guest = await kernel.modules.load(fs.readFileSync(wasm));
  const lines: string[] = [];
  const mark = fs.openSync(path.join(dir, "mark"), "w");
  fs.fsyncSync(mark);
  const proc = kernel.startRoot({ module: guest, argv: [GUEST_ARGV0, mode, batches!, calls!], env: [], output: lineSink((l) => void lines.push(l)) });
  const info = await kernel.whenExited(proc.pid);
  fs.fsyncSync(mark);
  fs.closeSync(mark);
  kernel.shutdown();
  if (info.reason !== "NORMAL" || info.status !== 0) throw new Error(`the bench guest ended ${info.reason.toLowerCase()} (${info.text})`);
  const perCall = lines.map(Number).filter((n) => n > 0).map((n) => n / Number(calls)).sort((a, b) => a - b);
  console.log(`${mode}: ${perCall.length} batches, median ${perCall[perCall.length >> 1]?.toFixed(1)} ns a call`);
} catch (error) {
  console.error(`count-driver: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
