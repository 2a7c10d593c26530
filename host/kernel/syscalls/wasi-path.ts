// WASI's path_* calls: each path is relative to a directory descriptor, whose namespace
// path it is joined to, and then served by the same fileOps as onebox's own calls.
import { FLAGS } from "../../../abi/abi.ts";
import { fail } from "../errors.ts";
import { after } from "../file-service.ts";
import { encodeUtf8 } from "../guest-memory.ts";
import type { Process } from "../process.ts";
import type { HandlerTable } from "./dispatch.ts";
import { absolute, fileOps, openDir } from "./sysfile.ts";
import { FDFLAGS, FILESTAT, LOOKUP_SYMLINK_FOLLOW, need, OFLAGS, RIGHT, timeChanges, writeFilestat } from "./wasi-layout.ts";

const O = FLAGS.open;
const KNOWN_OFLAGS = Object.values(OFLAGS).reduce((all, f) => all | f, 0);
const KNOWN_FDFLAGS = Object.values(FDFLAGS).reduce((all, f) => all | f, 0);
/** Rights that make wasmtime open a file for reading, and for writing. */
const READ_RIGHTS = RIGHT.FD_READ | RIGHT.FD_READDIR;
const WRITE_RIGHTS = RIGHT.FD_DATASYNC | RIGHT.FD_WRITE | RIGHT.FD_ALLOCATE | RIGHT.FD_FILESTAT_SET_SIZE;

/**
 * The namespace path a WASI path names under directory `fd`, which must hold `right`.
 * WASI paths are relative: an absolute one is ENOTCAPABLE, as in wasmtime.
 */
function under(proc: Process, fd: number, ptr: number, len: number, right: bigint, call: string): string {
  const path = proc.memory.string(ptr, len);
  const dir = openDir(proc, fd);
  need(dir.rights, right, call);
  if (path.startsWith("/")) fail("ENOTCAPABLE", `${call}: absolute path ${path}`);
  return absolute(path, dir.path);
}

const done = (): number => 0;

/** onebox open flags for WASI's oflags, fdflags and rights. */
function openFlags(dirflags: number, oflags: number, base: bigint, fdflags: number): number {
  if ((oflags & ~KNOWN_OFLAGS) !== 0) fail("EINVAL", `oflags 0x${oflags.toString(16)}`);
  if ((fdflags & ~KNOWN_FDFLAGS) !== 0) fail("EINVAL", `fdflags 0x${fdflags.toString(16)}`);
  if (oflags & OFLAGS.DIRECTORY && oflags & (OFLAGS.CREAT | OFLAGS.TRUNC)) fail("EINVAL", "a directory cannot be created or truncated by path_open");
  const write = (base & WRITE_RIGHTS) !== 0n || (oflags & OFLAGS.TRUNC) !== 0;
  // With neither right the host still needs a mode: reading, which the rights then refuse.
  const read = (base & READ_RIGHTS) !== 0n || !write;
  let flags = (read ? O.O_READ.value : 0) | (write ? O.O_WRITE.value : 0);
  if (oflags & OFLAGS.CREAT) flags |= O.O_CREATE.value;
  if (oflags & OFLAGS.EXCL) flags |= O.O_EXCL.value;
  if (oflags & OFLAGS.TRUNC) flags |= O.O_TRUNC.value;
  if (fdflags & FDFLAGS.APPEND) flags |= O.O_APPEND.value;
  if (fdflags & FDFLAGS.DSYNC) flags |= O.O_DSYNC.value;
  // Linux's O_RSYNC is O_SYNC.
  if (fdflags & (FDFLAGS.SYNC | FDFLAGS.RSYNC)) flags |= O.O_SYNC.value;
  if ((dirflags & LOOKUP_SYMLINK_FOLLOW) === 0) flags |= O.O_NOFOLLOW.value;
  return flags;
}

export const wasiPathCalls = {
  path_open(proc, fd, dirflags, pathPtr, pathLen, oflags, base, inheriting, fdflags, fdPtr) {
    const path = under(proc, fd, pathPtr, pathLen, RIGHT.PATH_OPEN, "path_open");
    proc.memory.probe(fdPtr, 4);
    const dir = openDir(proc, fd);
    const rights = { base: base & dir.rights.inheriting, inheriting: inheriting & dir.rights.inheriting };
    const flags = openFlags(dirflags, oflags, rights.base, fdflags);
    return after(fileOps.open(proc, path, flags, { directory: (oflags & OFLAGS.DIRECTORY) !== 0, rights, fdflags }), (opened) => {
      proc.memory.setU32(fdPtr, opened);
      return 0;
    });
  },

  path_create_directory: (proc, fd, pathPtr, pathLen) =>
    after(fileOps.mkdir(proc, under(proc, fd, pathPtr, pathLen, RIGHT.PATH_CREATE_DIRECTORY, "path_create_directory")), done),

  path_remove_directory: (proc, fd, pathPtr, pathLen) =>
    after(fileOps.unlink(proc, under(proc, fd, pathPtr, pathLen, RIGHT.PATH_REMOVE_DIRECTORY, "path_remove_directory"), "dir"), done),

  path_unlink_file: (proc, fd, pathPtr, pathLen) =>
    after(fileOps.unlink(proc, under(proc, fd, pathPtr, pathLen, RIGHT.PATH_UNLINK_FILE, "path_unlink_file"), "file"), done),

  path_rename(proc, fd, oldPtr, oldLen, newFd, newPtr, newLen) {
    const from = under(proc, fd, oldPtr, oldLen, RIGHT.PATH_RENAME_SOURCE, "path_rename");
    const to = under(proc, newFd, newPtr, newLen, RIGHT.PATH_RENAME_TARGET, "path_rename");
    return after(fileOps.rename(proc, from, to), done);
  },

  path_symlink(proc, oldPtr, oldLen, fd, newPtr, newLen) {
    const target = proc.memory.string(oldPtr, oldLen);
    const path = under(proc, fd, newPtr, newLen, RIGHT.PATH_SYMLINK, "path_symlink");
    return after(fileOps.symlink(proc, target, path), done);
  },

  path_readlink(proc, fd, pathPtr, pathLen, bufPtr, bufLen, bufusedPtr) {
    const path = under(proc, fd, pathPtr, pathLen, RIGHT.PATH_READLINK, "path_readlink");
    proc.memory.probe(bufPtr, bufLen);
    proc.memory.probe(bufusedPtr, 4);
    return after(fileOps.readlink(proc, path), (target) => {
      const bytes = encodeUtf8(target).subarray(0, bufLen >>> 0);
      proc.memory.write(bufPtr, bytes);
      proc.memory.setU32(bufusedPtr, bytes.byteLength);
      return 0;
    });
  },

  path_link(proc, oldFd, oldFlags, oldPtr, oldLen, newFd, newPtr, newLen) {
    const from = under(proc, oldFd, oldPtr, oldLen, RIGHT.PATH_LINK_SOURCE, "path_link");
    const to = under(proc, newFd, newPtr, newLen, RIGHT.PATH_LINK_TARGET, "path_link");
    return after(fileOps.link(proc, from, to, (oldFlags & LOOKUP_SYMLINK_FOLLOW) !== 0), done);
  },

  path_filestat_get(proc, fd, flags, pathPtr, pathLen, bufPtr) {
    const path = under(proc, fd, pathPtr, pathLen, RIGHT.PATH_FILESTAT_GET, "path_filestat_get");
    proc.memory.probe(bufPtr, FILESTAT.size);
    return after(fileOps.stat(proc, path, (flags & LOOKUP_SYMLINK_FOLLOW) !== 0), (st) => {
      writeFilestat(proc.memory, bufPtr, st);
      return 0;
    });
  },

  path_filestat_set_times(proc, fd, flags, pathPtr, pathLen, atim, mtim, fstFlags) {
    const path = under(proc, fd, pathPtr, pathLen, RIGHT.PATH_FILESTAT_SET_TIMES, "path_filestat_set_times");
    const [atime, mtime] = timeChanges(atim, mtim, fstFlags);
    return after(fileOps.utimes(proc, path, (flags & LOOKUP_SYMLINK_FOLLOW) !== 0, atime, mtime), done);
  },
} satisfies Partial<HandlerTable>;
