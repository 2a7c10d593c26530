// Calls whose journal records test/journal-record.test.ts decodes: an i64 argument kept
// whole, a call of nine arguments two of them i64, and a message longer than the
// journal's 48-byte prefix, which a child sends while its parent waits in recv, so the
// recv's record is made at its wake-up. With `self N`: a message to itself, N getpids,
// then its recv, which returns at once; with N past the journal's size, after the ring has
// overwritten the send's record, which keeps the message's first bytes for the recv's.
import * as ob from "onebox";

const MESSAGE = "a message longer than the journal's prefix of forty-eight bytes";
const argv = ob.args();

if (argv.includes("child")) {
  ob.sendText(ob.getppid(), 7, MESSAGE);
} else if (argv.includes("self")) {
  ob.sendText(ob.getpid(), 8, "to itself");
  const calls = I32.parseInt(argv[argv.length - 1]);
  for (let i = 0; i < calls; i++) ob.getpid();
  const message = ob.recv([8], 0);
  ob.print("recv=" + (message != null ? message!.data.length.toString() : "none"));
} else {
  const path = String.UTF8.encode("some/dir/file.txt", false);
  ob.print("seek=" + ob.sys_seek(99, 0x123_4567_89ab, ob.SEEK_SET, 0).toString());
  ob.print("path_open=" + ob.sys_path_open(99, 1, changetype<usize>(path), path.byteLength, 4, 0x7_0000_0001, 0x5_0000_0003, 2, 0).toString());
  ob.print("child=" + ob.spawn("", ["child"]).toString());
  // The child runs once this recv suspends: the record is the wake-up's.
  const message = ob.recv([7]);
  ob.print("recv=" + (message != null ? message!.data.length.toString() : "none"));
}
