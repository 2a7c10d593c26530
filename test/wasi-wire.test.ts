// The file operations WASI added to the wire, served from a real export as another node
// would ask for them, including bodies no honest peer sends.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { ExportServer, type FileCallName } from "../host/cluster/file-server.ts";
import { ExportDir } from "../host/kernel/export-dir.ts";
import { TIME_MODE, toNumber, type Bodies } from "../host/transport/wire.ts";
import { tempDir } from "./helpers/guests.ts";

const PEER = 7;

function server() {
  const root = tempDir("onebox-wasi-wire");
  fs.writeFileSync(path.join(root, "f.txt"), "hello");
  return { root, exports: new ExportServer(new ExportDir(root)) };
}

const serve = (exports: ExportServer, kind: FileCallName | "fClose", body: unknown) => exports.serve(kind, body as Bodies[typeof kind], PEER);

test("new file operations over the wire: fstat, truncate, sync, times, lstat, entries, symlink, readlink, link, unlink of one kind", async () => {
  const { root, exports } = server();
  const opened = await serve(exports, "fOpen", { rel: "f.txt", flags: 3 });
  const handle = toNumber((opened as { count: { n: number } }).count.n);
  assert.equal(exports.openBy(PEER), 1);
  const st = (await serve(exports, "fFstat", { handle })) as { stat: Bodies["stat"] };
  assert.equal(toNumber(st.stat.size), 5);
  await serve(exports, "fTruncate", { handle, size: 2 });
  await serve(exports, "fSync", { handle, dataOnly: true });
  await serve(exports, "fFutimes", { handle, rel: "", follow: false, atime: TIME_MODE.SET, atimeNs: "1000000000000000000", mtime: TIME_MODE.KEEP, mtimeNs: "0" });
  assert.equal(fs.statSync(path.join(root, "f.txt")).size, 2);
  assert.equal(Math.round(fs.statSync(path.join(root, "f.txt")).atimeMs / 1000), 1_000_000_000);
  await serve(exports, "fClose", { handle });
  assert.equal(exports.openBy(PEER), 0);

  await serve(exports, "fSymlink", { from: "f.txt", to: "l" });
  assert.deepEqual(new TextDecoder().decode(((await serve(exports, "fReadlink", { rel: "l" })) as { bytes: { data: Uint8Array } }).bytes.data), "f.txt");
  const lstat = (await serve(exports, "fStat", { rel: "l", follow: false })) as { stat: Bodies["stat"] };
  const stat = (await serve(exports, "fStat", { rel: "l", follow: true })) as { stat: Bodies["stat"] };
  assert.deepEqual([lstat.stat.kind, stat.stat.kind], [4, 1], "a link itself, then what it names");
  await serve(exports, "fLink", { from: "f.txt", to: "hard", follow: false });
  const listed = (await serve(exports, "fReaddir", { rel: "" })) as { entries: Bodies["entries"] };
  assert.deepEqual(listed.entries.entries.map((e) => `${e.name}:${e.kind}`), ["f.txt:1", "hard:1", "l:4"]);
  await assert.rejects(serve(exports, "fUnlink", { rel: "", only: "dir" }), /EACCES/);
  fs.mkdirSync(path.join(root, "d"));
  await assert.rejects(serve(exports, "fUnlink", { rel: "d", only: "file" }), /EISDIR/);
  await assert.rejects(serve(exports, "fUnlink", { rel: "hard", only: "dir" }), /ENOTDIR/);
  await serve(exports, "fUnlink", { rel: "l", only: "file" });
  assert.ok(fs.existsSync(path.join(root, "f.txt")), "unlinking a link leaves what it names");
});

test("hostile bodies are refused with an errno, and nothing leaves the export", async () => {
  const { exports } = server();
  await assert.rejects(serve(exports, "fUnlink", { rel: "f.txt", only: "everything" }), /EINVAL/);
  await assert.rejects(serve(exports, "fUtimes", { handle: 0, rel: "f.txt", follow: true, atime: 9, atimeNs: "0", mtime: 0, mtimeNs: "0" }), /EINVAL/);
  await assert.rejects(serve(exports, "fSymlink", { from: "/etc/passwd", to: "evil" }), /ENOTCAPABLE/);
  await assert.rejects(serve(exports, "fLink", { from: "../../../etc/passwd", to: "stolen", follow: true }), /EACCES/);
  await assert.rejects(serve(exports, "fFstat", { handle: 987654 }), /EBADF/);
  await assert.rejects(serve(exports, "fTruncate", { handle: 987654, size: 1 }), /EBADF/);
});
