// A node whose lease is lost takes no more changes to its export, even from a guest in the
// middle of a turn when the node was paused (the etcd-nodes SIGSTOP test meets that race
// only under load; here the lease is a flag the test turns off).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { FLAGS } from "../abi/abi.ts";
import { SysError } from "../host/kernel/errors.ts";
import { ExportDir } from "../host/kernel/export-dir.ts";
import { tempDir } from "./helpers/guests.ts";

const O = FLAGS.open;
const refused = (run: () => unknown): void => assert.throws(run, (error: unknown) => error instanceof SysError && error.errnoName === "EHOSTUNREACH");

test("without its lease an export refuses every change and still serves reads", () => {
  const root = tempDir("onebox-export-lease");
  let leased = true;
  const exportDir = new ExportDir(root, Infinity, () => leased);
  const fd = exportDir.open("log", O.O_WRITE.value | O.O_CREATE.value | O.O_APPEND.value);
  assert.equal(exportDir.write(fd, new TextEncoder().encode("1\n"), null), 2);
  exportDir.mkdir("dir");
  leased = false;
  refused(() => exportDir.write(fd, new TextEncoder().encode("2\n"), null));
  refused(() => exportDir.truncate(fd, 0));
  refused(() => exportDir.open("other", O.O_WRITE.value | O.O_CREATE.value));
  refused(() => exportDir.open("log", O.O_READ.value | O.O_TRUNC.value));
  refused(() => exportDir.mkdir("dir2"));
  refused(() => exportDir.unlink("log", "file"));
  refused(() => exportDir.rename("log", "moved"));
  refused(() => exportDir.symlink("log", "link"));
  refused(() => exportDir.hardlink("log", "hard", false));
  refused(() => exportDir.utimes("log", true, "now", "now"));
  assert.equal(fs.readFileSync(path.join(root, "log"), "utf8"), "1\n");
  assert.deepEqual(fs.readdirSync(root).sort(), ["dir", "log"]);
  // Reads go on: what the node holds may still be read, by its own processes and others.
  const reader = exportDir.open("log", O.O_READ.value);
  const into = new Uint8Array(8);
  assert.equal(exportDir.readInto(reader, into, 0), 2);
  exportDir.close(reader);
  exportDir.close(fd);
});
