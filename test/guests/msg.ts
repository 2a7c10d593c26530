// Messages: selective receive, per-pair order, a full mailbox, E2BIG, timeouts.
// Run on a node whose mailbox holds 8 messages.
import * as ob from "onebox";
import { failed, report } from "./report";

const argv = ob.args();
const role = argv.length > 1 ? argv[1] : "main";
const SEQ = 3;
const COUNT = 50;

function text(m: ob.Message | null): string {
  return m == null ? failed() : m.text();
}

if (role == "abc") {
  const parent = ob.getppid();
  ob.sendText(parent, 1, "a");
  ob.sendText(parent, 2, "b");
  ob.sendText(parent, 1, "c");
} else if (role == "numbers") {
  // A full mailbox is back-pressure: retry after letting the receiver run.
  const parent = ob.getppid();
  for (let i = 0; i < COUNT; i++) {
    while (ob.sendText(parent, SEQ, i.toString()) == -ob.EAGAIN) ob.yieldNow();
  }
} else if (role == "sink") {
  ob.recv([99]);
} else if (role == "late") {
  ob.sleep(5);
  ob.sendText(ob.getppid(), 9, "late");
} else {
  const me = ob.getpid();
  ob.wait(ob.spawn("", ["abc"]));
  const b = text(ob.recv([2]));
  const a = text(ob.recv([1]));
  const c = text(ob.recv([1, 2]));
  report("selective", b + a + c);
  report("poll.empty", text(ob.recv([], 0)));

  // Two senders interleave; each one's messages must arrive in the order it sent them.
  const first = ob.spawn("", ["numbers"]);
  const second = ob.spawn("", ["numbers"]);
  let nextFirst = 0;
  let nextSecond = 0;
  let inOrder = true;
  for (let i = 0; i < 2 * COUNT; i++) {
    const m = ob.recv([SEQ])!;
    const n = I32.parseInt(m.text());
    if (m.sender == first) inOrder = inOrder && n == nextFirst++;
    else if (m.sender == second) inOrder = inOrder && n == nextSecond++;
    else inOrder = false;
  }
  ob.wait(first);
  ob.wait(second);
  report("order", inOrder.toString() + " " + nextFirst.toString() + " " + nextSecond.toString());

  const sink = ob.spawn("", ["sink"]);
  let accepted = 0;
  let result = 0;
  while ((result = ob.sendText(sink, 1, "x")) == 0) accepted++;
  report("full", accepted.toString() + " " + result.toString());
  ob.kill(sink);
  ob.wait(sink);

  // Too big for the buffer: E2BIG with the length, and the message stays queued.
  const big = new Uint8Array(100).fill(7);
  ob.send(me, 4, big);
  const info = new StaticArray<i32>(3);
  const small = new Uint8Array(10);
  const tooBig = ob.sys_recv(0, 0, 0, small.dataStart, small.length, changetype<usize>(info));
  const again = ob.recv([4], 0);
  report("e2big", tooBig.toString() + " " + info[2].toString() + " " + (again == null ? "lost" : again.data.length.toString()));

  report("timeout", text(ob.recv([5], 10)));
  ob.spawn("", ["late"]);
  report("blocking", text(ob.recv([9])));
  ob.wait();

  report("send.no-such", ob.sendText(me + 100_000, 1, "?").toString());
  report("send.negative-tag", ob.sendText(me, -2, "?").toString());
  const tags = new StaticArray<i32>(65);
  report("recv.too-many-tags", ob.sys_recv(changetype<usize>(tags), 65, 0, small.dataStart, small.length, changetype<usize>(info)).toString());
}
