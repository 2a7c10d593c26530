import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { errno, FLAGS } from "../abi/abi.ts";
import { guest, tempDir } from "./helpers/guests.ts";
import { TestNode } from "./helpers/node.ts";

const E = (name: Parameters<typeof errno>[0]) => -errno(name);
const KIND = FLAGS.fileKind;

test("file calls inside the export, with their errors; no path or symlink leads out", async () => {
  const node = new TestNode({ openFiles: 4 });
  const outside = tempDir("onebox-outside");
  fs.writeFileSync(path.join(outside, "secret.txt"), "secret");
  fs.symlinkSync(outside, path.join(node.root, "out"));
  fs.symlinkSync(path.relative(node.root, outside), path.join(node.root, "rel-out"));
  fs.symlinkSync(path.join(outside, "secret.txt"), path.join(node.root, "secret-link"));
  fs.symlinkSync(path.join(outside, "created.txt"), path.join(node.root, "dangling"));

  const { info, lines, stderr } = await node.run(await guest("files"));
  assert.equal(info.reason, "NORMAL", stderr);
  const escape = E("EACCES");
  assert.deepEqual(lines, [
    "write=0",
    "read=hello",
    "seek.set=6",
    "read.after-seek=world",
    "read.eof=0",
    "seek.end=6",
    "seek.cur=8",
    `seek.before-start=${E("EINVAL")}`,
    `seek.bad-whence=${E("EINVAL")}`,
    "close=0",
    `close.again=${E("EBADF")}`,
    `read.closed=${E("EBADF")}`,
    `write.closed=${E("EBADF")}`,
    "append=hello world!",
    `open.excl=${E("EEXIST")}`,
    `open.missing=${E("ENOENT")}`,
    `open.no-mode=${E("EINVAL")}`,
    `open.bad-flags=${E("EINVAL")}`,
    `stat=12 ${KIND.KIND_FILE.value} true`,
    `stat.missing=${E("ENOENT")}`,
    "mkdir=0",
    `mkdir.again=${E("EEXIST")}`,
    `mkdir.no-parent=${E("ENOENT")}`,
    `stat.dir=${KIND.KIND_DIR.value}`,
    `open.dir=${E("EISDIR")}`,
    "readdir.empty=",
    "rename=0",
    `rename.missing=${E("ENOENT")}`,
    "readdir=b.txt,f",
    `readdir.file=${E("ENOTDIR")}`,
    `readdir.missing=${E("ENOENT")}`,
    `unlink.not-empty=${E("ENOTEMPTY")}`,
    "unlink=000",
    `unlink.missing=${E("ENOENT")}`,
    `unlink.root=${E("EACCES")}`,
    "local-and-n=0 L",
    `other-node=${E("EHOSTUNREACH")}`,
    `dotdot=${E("ENOENT")}`,
    `symlink.open=${escape}`,
    `symlink.relative=${escape}`,
    `symlink.file=${escape}`,
    `symlink.create=${escape}`,
    `symlink.dangling=${escape}`,
    `symlink.stat=${escape}`,
    `symlink.readdir=${escape}`,
    `symlink.mkdir=${escape}`,
    `symlink.unlink=${escape}`,
    `symlink.rename=${escape}`,
    `symlink.spawn=${escape}`,
    `emfile=4 ${E("EMFILE")}`,
    "emfile.after-close=true",
  ]);
  assert.deepEqual(fs.readdirSync(outside), ["secret.txt"], "nothing was created outside the export");
  assert.equal(fs.readFileSync(path.join(outside, "secret.txt"), "utf8"), "secret");
});
