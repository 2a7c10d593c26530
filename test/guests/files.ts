// File calls and their errors, inside an export the test prepared: `out` and `rel-out`
// are symlinks to a directory outside it, `secret-link` to a file outside it and
// `dangling` to a file outside that does not exist yet.
// Run on a node that allows 4 open files.
import * as ob from "onebox";
import { failed, report } from "./report";

function str(buf: Uint8Array, n: i32): string {
  return n < 0 ? n.toString() : String.UTF8.decodeUnsafe(buf.dataStart, n, false);
}

const buf = new Uint8Array(64);
report("write", ob.writeFile("a.txt", "hello world").toString());
let fd = ob.open("a.txt", ob.O_READ);
report("read", str(buf, ob.read(fd, buf.subarray(0, 5))));
report("seek.set", ob.seek(fd, 6, ob.SEEK_SET).toString());
report("read.after-seek", str(buf, ob.read(fd, buf)));
report("read.eof", ob.read(fd, buf).toString());
report("seek.end", ob.seek(fd, -5, ob.SEEK_END).toString());
report("seek.cur", ob.seek(fd, 2, ob.SEEK_CUR).toString());
report("seek.before-start", ob.seek(fd, -100, ob.SEEK_CUR).toString());
report("seek.bad-whence", ob.seek(fd, 0, 9).toString());
report("close", ob.close(fd).toString());
report("close.again", ob.close(fd).toString());
report("read.closed", ob.read(fd, buf).toString());
report("write.closed", ob.writeText(fd, "x").toString());

fd = ob.open("a.txt", ob.O_APPEND);
ob.writeText(fd, "!");
ob.close(fd);
report("append", ob.readFile("a.txt")!);
report("open.excl", ob.open("a.txt", ob.O_WRITE | ob.O_CREATE | ob.O_EXCL).toString());
report("open.missing", ob.open("missing.txt", ob.O_READ).toString());
report("open.no-mode", ob.open("a.txt", 0).toString());
report("open.bad-flags", ob.open("a.txt", ob.O_READ | 1024).toString());

const st = ob.stat("a.txt")!;
report("stat", st.size.toString() + " " + st.kind.toString() + " " + (st.mtimeNs > 0).toString());
report("stat.missing", ob.stat("missing.txt") == null ? failed() : "found");

report("mkdir", ob.mkdir("d").toString());
report("mkdir.again", ob.mkdir("d").toString());
report("mkdir.no-parent", ob.mkdir("x/y").toString());
report("stat.dir", ob.stat("/d")!.kind.toString());
report("open.dir", ob.open("d", ob.O_READ).toString());
report("readdir.empty", ob.readdir("d")!.join(","));
ob.writeFile("d/f", "f");
report("rename", ob.rename("a.txt", "d/b.txt").toString());
report("rename.missing", ob.rename("a.txt", "c.txt").toString());
report("readdir", ob.readdir("./d/../d")!.join(","));
report("readdir.file", ob.readdir("d/f") == null ? failed() : "listed");
report("readdir.missing", ob.readdir("nope") == null ? failed() : "listed");
report("unlink.not-empty", ob.unlink("d").toString());
report("unlink", ob.unlink("d/b.txt").toString() + ob.unlink("d/f").toString() + ob.unlink("d").toString());
report("unlink.missing", ob.unlink("d").toString());
report("unlink.root", ob.unlink("/").toString());
report("local-and-n", ob.writeFile("/local/l.txt", "L").toString() + " " + ob.readFile("/n/local/l.txt")!);
report("other-node", ob.open("/n/elsewhere/x", ob.O_READ).toString());

// `..` stops at the export's top, and symlinks are followed only inside it.
report("dotdot", ob.open("../../../../../../etc/hostname", ob.O_READ).toString());
report("symlink.open", ob.open("out/secret.txt", ob.O_READ).toString());
report("symlink.relative", ob.open("rel-out/secret.txt", ob.O_READ).toString());
report("symlink.file", ob.open("secret-link", ob.O_READ).toString());
report("symlink.create", ob.open("out/new.txt", ob.O_WRITE | ob.O_CREATE).toString());
report("symlink.dangling", ob.open("dangling", ob.O_WRITE | ob.O_CREATE).toString());
report("symlink.stat", ob.stat("out/secret.txt") == null ? failed() : "visible");
report("symlink.readdir", ob.readdir("out") == null ? failed() : "listed");
report("symlink.mkdir", ob.mkdir("out/new").toString());
report("symlink.unlink", ob.unlink("out/secret.txt").toString());
report("symlink.rename", ob.rename("out/secret.txt", "stolen.txt").toString());
report("symlink.spawn", ob.spawn("out/secret.txt").toString());

const fds = new Array<i32>();
let r = 0;
while ((r = ob.open("many.txt", ob.O_WRITE | ob.O_CREATE)) >= 0) fds.push(r);
report("emfile", fds.length.toString() + " " + r.toString());
for (let i = 0; i < fds.length; i++) ob.close(fds[i]);
report("emfile.after-close", (ob.open("many.txt", ob.O_READ) >= 3).toString());
