import { FLAGS, LAYOUTS } from "../../../abi/abi.ts";
import { fail } from "../errors.ts";
import { after, type FileStat } from "../file-service.ts";
import type { OpenFile, Process } from "../process.ts";
import type { HandlerTable } from "./dispatch.ts";

const W = FLAGS.whence;
const STAT = LAYOUTS.stat.fields;

function openFile(proc: Process, fd: number): OpenFile {
  const file = proc.files.get(fd);
  if (!file) fail("EBADF", `fd ${fd}`);
  return file;
}

/** The node serving a namespace path, and the path inside that node's export. */
function locate(proc: Process, path: string) {
  const where = proc.kernel.resolvePath(proc, path);
  return { files: proc.kernel.fileService(where.node), node: where.node, rel: where.rel };
}

/**
 * The file calls without guest pointers: the logic both the core-module handlers below
 * and the component adapter (component-calls.ts) run. Buffers passed in are the guest's
 * own memory for a core module, so implementations write into them in place.
 */
export const fileOps = {
  open(proc: Process, path: string, flags: number): number | Promise<number> {
    if (proc.files.size >= proc.kernel.limits.openFiles) fail("EMFILE", `limit ${proc.kernel.limits.openFiles}`);
    const { files, node, rel } = locate(proc, path);
    return after(files.open(rel, flags), (handle) => {
      const fd = proc.nextFd++;
      proc.files.set(fd, { node, handle, append: (flags & FLAGS.open.O_APPEND.value) !== 0, pos: 0 });
      return fd;
    });
  },

  read(proc: Process, fd: number, target: Uint8Array): number | Promise<number> {
    const file = openFile(proc, fd);
    return after(proc.kernel.fileService(file.node).readInto(file.handle, target, file.pos), (n) => {
      file.pos += n;
      return n;
    });
  },

  write(proc: Process, fd: number, data: Uint8Array): number | Promise<number> {
    const file = openFile(proc, fd);
    const files = proc.kernel.fileService(file.node);
    return after(files.write(file.handle, data, file.append ? null : file.pos), (n) =>
      file.append ? after(files.size(file.handle), (size) => ((file.pos = size), n)) : ((file.pos += n), n),
    );
  },

  /** The new position. */
  seek(proc: Process, fd: number, offset: bigint, whence: number): bigint | Promise<bigint> {
    const file = openFile(proc, fd);
    const base =
      whence === W.SEEK_SET.value ? 0
      : whence === W.SEEK_CUR.value ? file.pos
      : whence === W.SEEK_END.value ? proc.kernel.fileService(file.node).size(file.handle)
      : fail("EINVAL", `whence ${whence}`);
    return after(base, (from) => {
      const pos = BigInt(from) + offset;
      if (pos < 0n || pos > BigInt(Number.MAX_SAFE_INTEGER)) fail("EINVAL", `position ${pos}`);
      file.pos = Number(pos);
      return pos;
    });
  },

  close(proc: Process, fd: number): void | Promise<void> {
    const file = openFile(proc, fd);
    proc.files.delete(fd);
    return proc.kernel.fileService(file.node).close(file.handle);
  },

  stat(proc: Process, path: string): FileStat | Promise<FileStat> {
    const { files, rel } = locate(proc, path);
    return files.stat(rel);
  },

  readdir(proc: Process, path: string): string[] | Promise<string[]> {
    const { files, rel } = locate(proc, path);
    return files.readdir(rel);
  },

  mkdir(proc: Process, path: string): void | Promise<void> {
    const { files, rel } = locate(proc, path);
    return files.mkdir(rel);
  },

  unlink(proc: Process, path: string): void | Promise<void> {
    const { files, rel } = locate(proc, path);
    return files.unlink(rel);
  },

  rename(proc: Process, fromPath: string, toPath: string): void | Promise<void> {
    const from = locate(proc, fromPath);
    const to = locate(proc, toPath);
    if (from.node !== to.node) fail("ENOTSUP", "rename across nodes");
    return from.files.rename(from.rel, to.rel);
  },
};

export const fileCalls = {
  open: (proc, pathPtr, pathLen, flags) => fileOps.open(proc, proc.memory.string(pathPtr, pathLen), flags),

  read: (proc, fd, bufPtr, bufLen) => fileOps.read(proc, fd, proc.memory.view8(bufPtr, bufLen)),

  write: (proc, fd, dataPtr, dataLen) => fileOps.write(proc, fd, proc.memory.view8(dataPtr, dataLen)),

  seek(proc, fd, offset, whence, posPtr) {
    proc.memory.probe(posPtr, 8);
    return after(fileOps.seek(proc, fd, offset, whence), (pos) => {
      proc.memory.setU64(posPtr, pos);
      return 0;
    });
  },

  close: (proc, fd) => after(fileOps.close(proc, fd), () => 0),

  stat(proc, pathPtr, pathLen, statPtr) {
    const path = proc.memory.string(pathPtr, pathLen);
    proc.memory.probe(statPtr, LAYOUTS.stat.size);
    return after(fileOps.stat(proc, path), (st) => {
      proc.memory.setU64(statPtr + STAT.size.offset, st.size);
      proc.memory.setU64(statPtr + STAT.mtime_ns.offset, st.mtimeNs);
      proc.memory.setU32(statPtr + STAT.kind.offset, st.kind);
      return 0;
    });
  },

  readdir(proc, pathPtr, pathLen, bufPtr, bufLen) {
    const path = proc.memory.string(pathPtr, pathLen);
    proc.memory.probe(bufPtr, bufLen);
    return after(fileOps.readdir(proc, path), (names) => {
      const listing = new TextEncoder().encode(names.map((n) => `${n}\0`).join(""));
      if (listing.byteLength <= bufLen >>> 0) proc.memory.write(bufPtr, listing);
      return listing.byteLength;
    });
  },

  mkdir: (proc, pathPtr, pathLen) => after(fileOps.mkdir(proc, proc.memory.string(pathPtr, pathLen)), () => 0),

  unlink: (proc, pathPtr, pathLen) => after(fileOps.unlink(proc, proc.memory.string(pathPtr, pathLen)), () => 0),

  rename: (proc, fromPtr, fromLen, toPtr, toLen) =>
    after(fileOps.rename(proc, proc.memory.string(fromPtr, fromLen), proc.memory.string(toPtr, toLen)), () => 0),
} satisfies Partial<HandlerTable>;
