// WASI's fd_* calls. Files and directories are onebox's (fileOps in sysfile.ts, one
// implementation for both ABIs); fd 0, 1 and 2 are the process's input and output.
import { fail } from "../errors.ts";
import { after } from "../file-service.ts";
import { encodeUtf8, type GuestMemory } from "../guest-memory.ts";
import type { Process, Rights } from "../process.ts";
import type { HandlerTable } from "./dispatch.ts";
import { fileOps, openDir, openFile } from "./sysfile.ts";
import {
  ADVICE_MAX, DIRENT, FDFLAGS, FDSTAT, FILESTAT, FILETYPE, filetypeOf, iovecs, need, PRESTAT, PREOPENTYPE_DIR, RIGHT, timeChanges, writeFilestat,
} from "./wasi-layout.ts";
import { envOps } from "./wasi.ts";
import { invariant } from "../invariant.ts";

/** The most one call with several iovecs moves through a host buffer; a short count says the rest. */
export const MAX_GATHER = 1 << 20;
/** wasi-libc's isatty is "a character device without seek or tell": stdio then line-buffers. */
const STDIO_RIGHTS = 0xffff_ffff_ffff_ffffn & ~(RIGHT.FD_SEEK | RIGHT.FD_TELL);
const KNOWN_FDFLAGS = Object.values(FDFLAGS).reduce((all, f) => all | f, 0);
export const isStdio = (fd: number): boolean => fd >= 0 && fd <= 2;

/** An open file's rights, after EBADF for what is not one. */
function fileRights(proc: Process, fd: number): Rights {
  return openFile(proc, fd).rights;
}

/** One buffer for the iovecs' bytes: the only one when there is one, else a copy of their start. */
function gather(parts: readonly Uint8Array[], copy: boolean): Uint8Array {
  if (parts.length === 1) return copy ? parts[0]!.slice() : parts[0]!;
  const total = Math.min(parts.reduce((sum, part) => sum + part.byteLength, 0), MAX_GATHER);
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    if (at >= total) break;
    const take = part.subarray(0, total - at);
    out.set(take, at);
    at += take.byteLength;
  }
  return out;
}

/** Read into the iovecs through `read`: in place for one, through a bounded buffer for several. */
function scatter(parts: readonly Uint8Array[], read: (target: Uint8Array) => number | Promise<number>): number | Promise<number> {
  if (parts.length === 1) return read(parts[0]!);
  const total = Math.min(parts.reduce((sum, part) => sum + part.byteLength, 0), MAX_GATHER);
  const buffer = new Uint8Array(total);
  return after(read(buffer), (n) => {
    let at = 0;
    for (const part of parts) {
      if (at >= n) break;
      const take = buffer.subarray(at, Math.min(n, at + part.byteLength));
      part.set(take);
      at += take.byteLength;
    }
    return n;
  });
}

/** fd 0: what the owner forwards, or at its end at once if it forwards nothing. */
function readInput(proc: Process, target: Uint8Array): number | Promise<number> {
  if (!proc.input || target.byteLength === 0) return 0;
  return after(proc.input.read(target.byteLength), (data) => {
    target.set(data);
    return data.byteLength;
  });
}

function reply(memory: GuestMemory, ptr: number, value: number | Promise<number>): number | Promise<number> {
  return after(value, (n) => {
    memory.setU32(ptr, n);
    return 0;
  });
}

function fdstat(memory: GuestMemory, ptr: number, filetype: number, flags: number, rights: Rights): number {
  memory.setU64(ptr, 0);
  memory.setU8(ptr + FDSTAT.filetype, filetype);
  memory.setU16(ptr + FDSTAT.flags, flags);
  memory.setU64(ptr + FDSTAT.rightsBase, rights.base);
  memory.setU64(ptr + FDSTAT.rightsInheriting, rights.inheriting);
  return 0;
}

/** The preopen at `fd`, whose name is its namespace path. */
function preopen(proc: Process, fd: number): Uint8Array {
  const dir = proc.dirs.get(fd);
  if (!dir?.preopen) fail("EBADF", `fd ${fd} is not a preopened directory`);
  return encodeUtf8(dir.path);
}

export const wasiFdCalls = {
  fd_read(proc, fd, iovsPtr, iovsLen, nreadPtr) {
    const parts = iovecs(proc.memory, iovsPtr, iovsLen);
    proc.memory.probe(nreadPtr, 4);
    if (fd === 0) return reply(proc.memory, nreadPtr, scatter(parts, (target) => readInput(proc, target)));
    if (isStdio(fd)) fail("EBADF", `fd ${fd} is an output`);
    need(fileRights(proc, fd), RIGHT.FD_READ, "fd_read");
    return reply(proc.memory, nreadPtr, scatter(parts, (target) => fileOps.read(proc, fd, target)));
  },

  fd_pread(proc, fd, iovsPtr, iovsLen, offset, nreadPtr) {
    const parts = iovecs(proc.memory, iovsPtr, iovsLen);
    proc.memory.probe(nreadPtr, 4);
    if (isStdio(fd)) fail("ESPIPE", `fd ${fd} is a stream`);
    need(fileRights(proc, fd), RIGHT.FD_READ, "fd_pread");
    return reply(proc.memory, nreadPtr, scatter(parts, (target) => fileOps.read(proc, fd, target, offset)));
  },

  fd_write(proc, fd, iovsPtr, iovsLen, nwrittenPtr) {
    const parts = iovecs(proc.memory, iovsPtr, iovsLen);
    proc.memory.probe(nwrittenPtr, 4);
    if (fd === 1 || fd === 2) {
      // The sink may keep the bytes past this call (a stream, a message to another node).
      const data = gather(parts, true);
      envOps.output(proc, fd, data);
      proc.memory.setU32(nwrittenPtr, data.byteLength);
      return 0;
    }
    if (fd === 0) fail("EBADF", "fd 0 is an input");
    need(fileRights(proc, fd), RIGHT.FD_WRITE, "fd_write");
    return reply(proc.memory, nwrittenPtr, fileOps.write(proc, fd, gather(parts, false)));
  },

  fd_pwrite(proc, fd, iovsPtr, iovsLen, offset, nwrittenPtr) {
    const parts = iovecs(proc.memory, iovsPtr, iovsLen);
    proc.memory.probe(nwrittenPtr, 4);
    if (isStdio(fd)) fail("ESPIPE", `fd ${fd} is a stream`);
    need(fileRights(proc, fd), RIGHT.FD_WRITE, "fd_pwrite");
    return reply(proc.memory, nwrittenPtr, fileOps.write(proc, fd, gather(parts, false), offset));
  },

  fd_seek(proc, fd, offset, whence, posPtr) {
    proc.memory.probe(posPtr, 8);
    if (isStdio(fd)) fail("ESPIPE", `fd ${fd} is a stream`);
    need(fileRights(proc, fd), RIGHT.FD_SEEK, "fd_seek");
    return after(fileOps.seek(proc, fd, offset, whence), (pos) => {
      proc.memory.setU64(posPtr, pos);
      return 0;
    });
  },

  fd_tell(proc, fd, posPtr) {
    proc.memory.probe(posPtr, 8);
    if (isStdio(fd)) fail("ESPIPE", `fd ${fd} is a stream`);
    need(fileRights(proc, fd), RIGHT.FD_TELL, "fd_tell");
    proc.memory.setU64(posPtr, fileOps.tell(proc, fd));
    return 0;
  },

  fd_close(proc, fd) {
    return isStdio(fd) ? 0 : after(fileOps.close(proc, fd), () => 0);
  },

  fd_renumber(proc, fd, to) {
    const file = proc.files.get(fd);
    const dir = proc.dirs.get(fd);
    if (!file && !dir && !isStdio(fd)) fail("EBADF", `fd ${fd}`);
    if (isStdio(fd) || isStdio(to)) fail("ENOTSUP", "stdin, stdout and stderr cannot be renumbered");
    if (!proc.files.has(to) && !proc.dirs.has(to)) fail("EBADF", `fd ${to}`);
    if (fd === to) return 0;
    proc.files.delete(fd);
    proc.dirs.delete(fd);
    return after(fileOps.close(proc, to), () => {
      invariant(!proc.files.has(to) && !proc.dirs.has(to), () => `fd ${to} still open after its close`);
      if (file) proc.files.set(to, file);
      if (dir) proc.dirs.set(to, dir);
      return 0;
    });
  },

  fd_fdstat_get(proc, fd, statPtr) {
    proc.memory.probe(statPtr, FDSTAT.size);
    if (isStdio(fd)) return fdstat(proc.memory, statPtr, FILETYPE.CHARACTER_DEVICE, 0, { base: STDIO_RIGHTS, inheriting: STDIO_RIGHTS });
    const dir = proc.dirs.get(fd);
    if (dir) return fdstat(proc.memory, statPtr, FILETYPE.DIRECTORY, 0, dir.rights);
    const file = openFile(proc, fd);
    return fdstat(proc.memory, statPtr, FILETYPE.REGULAR_FILE, file.fdflags, file.rights);
  },

  fd_fdstat_set_flags(proc, fd, flags) {
    if (!isStdio(fd) && !proc.dirs.has(fd)) openFile(proc, fd);
    if ((flags & ~KNOWN_FDFLAGS) !== 0) fail("EINVAL", `fdflags 0x${flags.toString(16)}`);
    const file = proc.files.get(fd);
    const fixed = ~FDFLAGS.NONBLOCK;
    if ((flags & fixed) !== ((file?.fdflags ?? 0) & fixed)) fail("ENOTSUP", "APPEND, DSYNC, RSYNC and SYNC are chosen at open");
    if (file) file.fdflags = flags;
    return 0;
  },

  fd_fdstat_set_rights(proc, fd, base, inheriting) {
    if (isStdio(fd)) fail("ENOTSUP", "stdin, stdout and stderr keep their rights");
    const rights = proc.dirs.get(fd)?.rights ?? fileRights(proc, fd);
    if ((base & ~rights.base) !== 0n || (inheriting & ~rights.inheriting) !== 0n) fail("ENOTCAPABLE", "rights only narrow");
    rights.base = base;
    rights.inheriting = inheriting;
    return 0;
  },

  fd_filestat_get(proc, fd, bufPtr) {
    proc.memory.probe(bufPtr, FILESTAT.size);
    if (isStdio(fd)) {
      proc.memory.view8(bufPtr, FILESTAT.size).fill(0);
      proc.memory.setU8(bufPtr + FILESTAT.filetype, FILETYPE.CHARACTER_DEVICE);
      return 0;
    }
    return after(fileOps.fstat(proc, fd), (st) => {
      writeFilestat(proc.memory, bufPtr, st);
      return 0;
    });
  },

  fd_filestat_set_size(proc, fd, size) {
    if (isStdio(fd)) fail("EINVAL", `fd ${fd} is a stream`);
    if (!proc.dirs.has(fd)) need(fileRights(proc, fd), RIGHT.FD_FILESTAT_SET_SIZE, "fd_filestat_set_size");
    return after(fileOps.truncate(proc, fd, size), () => 0);
  },

  fd_filestat_set_times(proc, fd, atim, mtim, fstFlags) {
    if (isStdio(fd)) fail("ENOTSUP", `fd ${fd} is a stream`);
    const [atime, mtime] = timeChanges(atim, mtim, fstFlags);
    return after(fileOps.futimes(proc, fd, atime, mtime), () => 0);
  },

  fd_allocate(proc, fd, offset, len) {
    if (isStdio(fd)) fail("EINVAL", `fd ${fd} is a stream`);
    if (offset < 0n || len < 0n) fail("EINVAL", "negative offset or length");
    if (!proc.dirs.has(fd)) need(fileRights(proc, fd), RIGHT.FD_ALLOCATE, "fd_allocate");
    return after(fileOps.allocate(proc, fd, offset + len), () => 0);
  },

  fd_advise(proc, fd, offset, len, advice) {
    if (!isStdio(fd) && !proc.dirs.has(fd)) openFile(proc, fd);
    if (offset < 0n || len < 0n || advice < 0 || advice > ADVICE_MAX) fail("EINVAL", `advice ${advice} over [${offset}, +${len})`);
    return 0;
  },

  fd_sync(proc, fd) {
    if (isStdio(fd)) fail("EINVAL", `fd ${fd} is a stream`);
    return after(fileOps.sync(proc, fd, false), () => 0);
  },

  fd_datasync(proc, fd) {
    if (isStdio(fd)) fail("EINVAL", `fd ${fd} is a stream`);
    return after(fileOps.sync(proc, fd, true), () => 0);
  },

  fd_readdir(proc, fd, bufPtr, bufLen, cookie, bufusedPtr) {
    const m = proc.memory;
    m.probe(bufPtr, bufLen);
    m.probe(bufusedPtr, 4);
    if (isStdio(fd)) fail("ENOTDIR", `fd ${fd} is a stream`);
    const dir = openDir(proc, fd);
    need(dir.rights, RIGHT.FD_READDIR, "fd_readdir");
    // Cookie 0 lists afresh; later cookies continue that listing, so reading a directory
    // of n entries costs one listing, not one per buffer.
    const listing = cookie === 0n || dir.listing === undefined ? fileOps.readdir(proc, dir.path) : dir.listing;
    return after(listing, (entries) => {
      dir.listing = entries;
      // The cookie is the index of the next entry; past the end there is nothing more.
      const end = bufLen >>> 0;
      let used = 0;
      for (let i = cookie < 0n ? entries.length : Number(cookie); i < entries.length && used < end; i++) {
        const entry = entries[i]!;
        const name = encodeUtf8(entry.name);
        const record = new Uint8Array(DIRENT.size + name.byteLength);
        const view = new DataView(record.buffer);
        view.setBigUint64(DIRENT.next, BigInt(i + 1), true);
        view.setBigUint64(DIRENT.ino, entry.ino, true);
        view.setUint32(DIRENT.namlen, name.byteLength, true);
        record[DIRENT.type] = filetypeOf(entry.kind);
        record.set(name, DIRENT.size);
        const take = record.subarray(0, Math.min(record.byteLength, end - used));
        m.write(bufPtr + used, take);
        used += take.byteLength;
      }
      m.setU32(bufusedPtr, used);
      return 0;
    });
  },

  fd_prestat_get(proc, fd, bufPtr) {
    proc.memory.probe(bufPtr, PRESTAT.size);
    const name = preopen(proc, fd);
    proc.memory.setU64(bufPtr, 0);
    proc.memory.setU8(bufPtr + PRESTAT.tag, PREOPENTYPE_DIR);
    proc.memory.setU32(bufPtr + PRESTAT.nameLen, name.byteLength);
    return 0;
  },

  fd_prestat_dir_name(proc, fd, pathPtr, pathLen) {
    proc.memory.probe(pathPtr, pathLen);
    const name = preopen(proc, fd);
    if (name.byteLength > pathLen >>> 0) fail("ENAMETOOLONG", `the name needs ${name.byteLength} bytes`);
    proc.memory.write(pathPtr, name);
    return 0;
  },
} satisfies Partial<HandlerTable>;
