// What an operator manages (test/cli-ops.test.ts): a process to attach to, one whose
// output comes in two parts, one that writes more than its log keeps, and a busy one
// for top and ps.
import * as ob from "onebox";

const role = ob.args()[1];

/** Read fd 0 (WASI fd_read, as onebox run forwards it): the bytes, empty at its end. */
function readInput(): Uint8Array {
  const buf = new Uint8Array(4096);
  const iov = new StaticArray<u32>(2);
  iov[0] = <u32>buf.dataStart;
  iov[1] = <u32>buf.length;
  const n = new StaticArray<u32>(1);
  if (ob.sys_fd_read(0, changetype<usize>(iov), 1, changetype<usize>(n)) != 0) return new Uint8Array(0);
  return buf.slice(0, n[0]);
}

if (role == "echo") {
  // Echo each piece of input, upper-cased, until the input ends.
  ob.print("echo ready");
  for (let data = readInput(); data.length > 0; data = readInput()) ob.print("echo: " + String.UTF8.decode(data.buffer).trim().toUpperCase());
  ob.print("echo done");
  ob.exit(5);
} else if (role == "two-parts") {
  // Part one, then part two once the file named in argv[2] exists (the test makes it after seeing part one).
  ob.print("part one");
  ob.eprint("part one on stderr");
  while (ob.stat(ob.args()[2]) == null) ob.sleep(20);
  ob.print("part two");
  ob.exit(7);
} else if (role == "flood") {
  // argv[2] lines of 1 KiB, numbered: far more than a node keeps of one process.
  const lines = I32.parseInt(ob.args()[2]);
  for (let i = 0; i < lines; i++) ob.print(i.toString().padStart(8, "0") + " " + "x".repeat(1014));
} else if (role == "busy") {
  ob.print("busy");
  while (true) ob.getpid();
}
