import { FLAGS, LAYOUTS } from "../../../abi/abi.ts";
import { fail } from "../errors.ts";
import { after } from "../file-service.ts";
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
function locate(proc: Process, ptr: number, len: number) {
  const where = proc.kernel.resolvePath(proc, proc.memory.string(ptr, len));
  return { files: proc.kernel.fileService(where.node), node: where.node, rel: where.rel };
}

export const fileCalls = {
  open(proc, pathPtr, pathLen, flags) {
    if (proc.files.size >= proc.kernel.limits.openFiles) fail("EMFILE", `limit ${proc.kernel.limits.openFiles}`);
    const { files, node, rel } = locate(proc, pathPtr, pathLen);
    return after(files.open(rel, flags), (handle) => {
      const fd = proc.nextFd++;
      proc.files.set(fd, { node, handle, append: (flags & FLAGS.open.O_APPEND.value) !== 0, pos: 0 });
      return fd;
    });
  },

  read(proc, fd, bufPtr, bufLen) {
    const file = openFile(proc, fd);
    const target = proc.memory.view8(bufPtr, bufLen);
    return after(proc.kernel.fileService(file.node).readInto(file.handle, target, file.pos), (n) => {
      file.pos += n;
      return n;
    });
  },

  write(proc, fd, dataPtr, dataLen) {
    const file = openFile(proc, fd);
    const data = proc.memory.view8(dataPtr, dataLen);
    const files = proc.kernel.fileService(file.node);
    return after(files.write(file.handle, data, file.append ? null : file.pos), (n) =>
      file.append ? after(files.size(file.handle), (size) => ((file.pos = size), n)) : ((file.pos += n), n),
    );
  },

  seek(proc, fd, offset, whence, posPtr) {
    const file = openFile(proc, fd);
    proc.memory.view8(posPtr, 8);
    const base =
      whence === W.SEEK_SET.value ? 0
      : whence === W.SEEK_CUR.value ? file.pos
      : whence === W.SEEK_END.value ? proc.kernel.fileService(file.node).size(file.handle)
      : fail("EINVAL", `whence ${whence}`);
    return after(base, (from) => {
      const pos = BigInt(from) + offset;
      if (pos < 0n || pos > BigInt(Number.MAX_SAFE_INTEGER)) fail("EINVAL", `position ${pos}`);
      file.pos = Number(pos);
      proc.memory.setU64(posPtr, pos);
      return 0;
    });
  },

  close(proc, fd) {
    const file = openFile(proc, fd);
    proc.files.delete(fd);
    return after(proc.kernel.fileService(file.node).close(file.handle), () => 0);
  },

  stat(proc, pathPtr, pathLen, statPtr) {
    const { files, rel } = locate(proc, pathPtr, pathLen);
    proc.memory.view8(statPtr, LAYOUTS.stat.size);
    return after(files.stat(rel), (st) => {
      proc.memory.setU64(statPtr + STAT.size.offset, st.size);
      proc.memory.setU64(statPtr + STAT.mtime_ns.offset, st.mtimeNs);
      proc.memory.setU32(statPtr + STAT.kind.offset, st.kind);
      return 0;
    });
  },

  readdir(proc, pathPtr, pathLen, bufPtr, bufLen) {
    const { files, rel } = locate(proc, pathPtr, pathLen);
    proc.memory.view8(bufPtr, bufLen);
    return after(files.readdir(rel), (names) => {
      const listing = new TextEncoder().encode(names.map((n) => `${n}\0`).join(""));
      if (listing.byteLength <= bufLen >>> 0) proc.memory.write(bufPtr, listing);
      return listing.byteLength;
    });
  },

  mkdir(proc, pathPtr, pathLen) {
    const { files, rel } = locate(proc, pathPtr, pathLen);
    return after(files.mkdir(rel), () => 0);
  },

  unlink(proc, pathPtr, pathLen) {
    const { files, rel } = locate(proc, pathPtr, pathLen);
    return after(files.unlink(rel), () => 0);
  },

  rename(proc, fromPtr, fromLen, toPtr, toLen) {
    const from = locate(proc, fromPtr, fromLen);
    const to = locate(proc, toPtr, toLen);
    if (from.node !== to.node) fail("ENOTSUP", "rename across nodes");
    return after(from.files.rename(from.rel, to.rel), () => 0);
  },
} satisfies Partial<HandlerTable>;
