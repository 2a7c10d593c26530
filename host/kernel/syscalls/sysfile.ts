import { FLAGS, LAYOUTS } from "../../../abi/abi.ts";
import { fail, SysError } from "../errors.ts";
import { after, recover, type DirEntry, type FileStat, type TimeChange, type UnlinkOnly } from "../file-service.ts";
import { checkLockName } from "../lock-table.ts";
import { checkMakeDir, checkPath } from "../capabilities.ts";
import { normalize } from "../namespace.ts";
import type { OpenDir, OpenFile, Process, Rights } from "../process.ts";
import type { HandlerTable } from "./dispatch.ts";
import { allDirRights, allFileRights, FDFLAGS } from "./wasi-layout.ts";
import { invariant } from "../invariant.ts";

const O = FLAGS.open;
const W = FLAGS.whence;
const KIND = FLAGS.fileKind;
const STAT = LAYOUTS.stat.fields;
/** Open flags that may change a file: with none of them, a directory opens as a directory. */
const CHANGES = O.O_WRITE.value | O.O_APPEND.value | O.O_TRUNC.value | O.O_CREATE.value;

export function openFile(proc: Process, fd: number): OpenFile {
  const file = proc.files.get(fd);
  if (!file) fail("EBADF", proc.dirs.has(fd) ? `fd ${fd} is a directory` : `fd ${fd}`);
  return file;
}

export function openDir(proc: Process, fd: number): OpenDir {
  const dir = proc.dirs.get(fd);
  if (!dir) fail(proc.files.has(fd) ? "ENOTDIR" : "EBADF", `fd ${fd}`);
  return dir;
}

/** The absolute namespace path of `path`, or of `path` under directory `dir`: `..` stops at `/`, as everywhere. */
export const absolute = (path: string, dir = "/"): string => "/" + normalize(`${dir}/${path}`).join("/");

/**
 * The node serving a namespace path, and the path inside that node's export: EACCES if
 * the process's capability set does not reach it (for changing it, when `write`).
 */
function locate(proc: Process, path: string, write: boolean) {
  const where = proc.kernel.resolvePath(proc, path);
  checkPath(proc.capabilities, where, write, path);
  return { files: proc.kernel.fileService(where.node), node: where.node, rel: where.rel };
}

/** EMFILE if the process has its limit of open files and directories (the preopen is not counted: every process has it). */
function roomForFd(proc: Process): void {
  const limit = proc.limits.openFiles;
  let open = proc.files.size;
  for (const dir of proc.dirs.values()) if (!dir.preopen) open++;
  if (open >= limit) fail("EMFILE", `limit ${limit}`);
}

/** A free descriptor number, within the limit. */
function allocFd(proc: Process): number {
  roomForFd(proc);
  const fd = proc.nextFd++;
  invariant(!proc.files.has(fd) && !proc.dirs.has(fd), () => `fd ${fd} handed out twice`);
  return fd;
}

/** What only WASI's path_open says: rights, fdflags, and whether it must be a directory. */
export interface OpenHow {
  readonly directory: boolean;
  readonly rights: Rights;
  readonly fdflags: number;
}

const positionOf = (pos: bigint): number => {
  if (pos < 0n || pos > BigInt(Number.MAX_SAFE_INTEGER)) fail("EINVAL", `position ${pos}`);
  return Number(pos);
};

/**
 * The file calls without guest pointers: the logic onebox's own handlers below, WASI's
 * (wasi-files.ts) and the component adapter (component-calls.ts) all run. Buffers passed
 * in are the guest's own memory for a core module, so implementations write into them in place.
 */
export const fileOps = {
  open(proc: Process, path: string, flags: number, how?: OpenHow): number | Promise<number> {
    roomForFd(proc);
    const { files, node, rel } = locate(proc, path, (flags & CHANGES) !== 0);
    const follow = (flags & O.O_NOFOLLOW.value) === 0;
    const asDir = () =>
      after(files.stat(rel, follow), (st) => {
        if (st.kind === KIND.KIND_SYMLINK.value) fail("ELOOP", path);
        if (st.kind !== KIND.KIND_DIR.value) fail("ENOTDIR", path);
        const fd = allocFd(proc);
        proc.dirs.set(fd, { path: absolute(path), preopen: false, rights: how?.rights ?? allDirRights() });
        return fd;
      });
    if (how?.directory) return asDir();
    return recover(
      () =>
        after(files.open(rel, flags), (handle) => {
          const fd = allocFd(proc);
          const append = (flags & O.O_APPEND.value) !== 0;
          const fdflags = how?.fdflags ?? (append ? FDFLAGS.APPEND : 0);
          proc.files.set(fd, { node, handle, append, fdflags, rights: how?.rights ?? allFileRights(), pos: 0 });
          return fd;
        }),
      (error) => {
        // WASI opens a directory to list or stat it: nothing asks to change it, so it is one.
        if (how && error instanceof SysError && error.errnoName === "EISDIR" && (flags & CHANGES) === 0) return asDir();
        throw error;
      },
    );
  },

  /** Read at the file position and advance it, or at `at` without moving it (pread). */
  read(proc: Process, fd: number, target: Uint8Array, at?: bigint): number | Promise<number> {
    const file = openFile(proc, fd);
    const pos = at === undefined ? file.pos : positionOf(at);
    return after(proc.kernel.fileService(file.node).readInto(file.handle, target, pos), (n) => {
      if (at === undefined) file.pos += n;
      return n;
    });
  },

  /** Write at the file position (the end, with O_APPEND) and advance it, or at `at` without moving it (pwrite). */
  write(proc: Process, fd: number, data: Uint8Array, at?: bigint): number | Promise<number> {
    const file = openFile(proc, fd);
    const files = proc.kernel.fileService(file.node);
    if (at !== undefined) return files.write(file.handle, data, positionOf(at), file.fence);
    return after(files.write(file.handle, data, file.append ? null : file.pos, file.fence), (n) =>
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
      file.pos = positionOf(pos);
      return pos;
    });
  },

  tell: (proc: Process, fd: number): number => openFile(proc, fd).pos,

  close(proc: Process, fd: number): void | Promise<void> {
    if (proc.dirs.delete(fd)) return;
    const file = openFile(proc, fd);
    proc.files.delete(fd);
    return proc.kernel.fileService(file.node).close(file.handle);
  },

  /** Metadata of an open file or directory. */
  fstat(proc: Process, fd: number): FileStat | Promise<FileStat> {
    const dir = proc.dirs.get(fd);
    if (dir) return fileOps.stat(proc, dir.path, true);
    const file = openFile(proc, fd);
    return proc.kernel.fileService(file.node).fstat(file.handle);
  },

  truncate(proc: Process, fd: number, size: bigint): void | Promise<void> {
    if (proc.dirs.has(fd)) fail("EISDIR", `fd ${fd}`);
    const file = openFile(proc, fd);
    return proc.kernel.fileService(file.node).truncate(file.handle, positionOf(size), file.fence);
  },

  /** Extend a file to at least `end` bytes. */
  allocate(proc: Process, fd: number, end: bigint): void | Promise<void> {
    if (proc.dirs.has(fd)) fail("EISDIR", `fd ${fd}`);
    const file = openFile(proc, fd);
    const files = proc.kernel.fileService(file.node);
    const want = positionOf(end);
    return after(files.size(file.handle), (size) => (size < want ? files.truncate(file.handle, want, file.fence) : undefined));
  },

  /** Bind lock `lock`'s token to `fd`: the export checks it on every later write and truncate. */
  fence(proc: Process, fd: number, lock: string, token: bigint): void {
    const file = openFile(proc, fd);
    checkLockName(lock);
    file.fence = { lock, token: BigInt.asUintN(64, token) };
  },

  /** A directory is a namespace path, not a host handle: there is nothing of its own to sync. */
  sync(proc: Process, fd: number, dataOnly: boolean): void | Promise<void> {
    if (proc.dirs.has(fd)) return;
    const file = openFile(proc, fd);
    return proc.kernel.fileService(file.node).sync(file.handle, dataOnly);
  },

  futimes(proc: Process, fd: number, atime: TimeChange, mtime: TimeChange): void | Promise<void> {
    const dir = proc.dirs.get(fd);
    if (dir) return fileOps.utimes(proc, dir.path, true, atime, mtime);
    const file = openFile(proc, fd);
    return proc.kernel.fileService(file.node).futimes(file.handle, atime, mtime);
  },

  stat(proc: Process, path: string, follow = true): FileStat | Promise<FileStat> {
    const { files, rel } = locate(proc, path, false);
    return files.stat(rel, follow);
  },

  utimes(proc: Process, path: string, follow: boolean, atime: TimeChange, mtime: TimeChange): void | Promise<void> {
    const { files, rel } = locate(proc, path, true);
    return files.utimes(rel, follow, atime, mtime);
  },

  readdir(proc: Process, path: string): DirEntry[] | Promise<DirEntry[]> {
    const { files, rel } = locate(proc, path, false);
    return files.readdir(rel);
  },

  names: (proc: Process, path: string): string[] | Promise<string[]> => after(fileOps.readdir(proc, path), (entries) => entries.map((e) => e.name)),

  mkdir(proc: Process, path: string): void | Promise<void> {
    const where = proc.kernel.resolvePath(proc, path);
    checkMakeDir(proc.capabilities, where, path);
    return proc.kernel.fileService(where.node).mkdir(where.rel);
  },

  unlink(proc: Process, path: string, only: UnlinkOnly = "any"): void | Promise<void> {
    const { files, rel } = locate(proc, path, true);
    return files.unlink(rel, only);
  },

  rename(proc: Process, fromPath: string, toPath: string): void | Promise<void> {
    const { from, to } = sameNode(proc, fromPath, toPath, "rename");
    return from.files.rename(from.rel, to.rel);
  },

  symlink(proc: Process, target: string, path: string): void | Promise<void> {
    // A link's target is followed inside the export, past the caller's subtrees: a
    // process confined to some of the namespace could reach the rest through one.
    if (proc.capabilities.paths !== undefined) fail("EACCES", `${path}: a process confined to part of the namespace may not make symbolic links`);
    const { files, rel } = locate(proc, path, true);
    return files.symlink(target, rel);
  },

  readlink(proc: Process, path: string): string | Promise<string> {
    const { files, rel } = locate(proc, path, false);
    return files.readlink(rel);
  },

  link(proc: Process, fromPath: string, toPath: string, follow: boolean): void | Promise<void> {
    const { from, to } = sameNode(proc, fromPath, toPath, "link");
    return from.files.hardlink(from.rel, to.rel, follow);
  },
};

/** Both paths of a rename or link, which one node's export must hold; both change (a link shares the file's data). */
function sameNode(proc: Process, fromPath: string, toPath: string, op: string) {
  const from = locate(proc, fromPath, true);
  const to = locate(proc, toPath, true);
  if (from.node !== to.node) fail("EXDEV", `${op} across nodes`);
  return { from, to };
}

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
    return after(fileOps.names(proc, path), (names) => {
      const listing = new TextEncoder().encode(names.map((n) => `${n}\0`).join(""));
      if (listing.byteLength <= bufLen >>> 0) proc.memory.write(bufPtr, listing);
      return listing.byteLength;
    });
  },

  mkdir: (proc, pathPtr, pathLen) => after(fileOps.mkdir(proc, proc.memory.string(pathPtr, pathLen)), () => 0),

  unlink: (proc, pathPtr, pathLen) => after(fileOps.unlink(proc, proc.memory.string(pathPtr, pathLen)), () => 0),

  fence(proc, fd, namePtr, nameLen, token) {
    fileOps.fence(proc, fd, proc.memory.string(namePtr, nameLen), token);
    return 0;
  },

  rename: (proc, fromPtr, fromLen, toPtr, toLen) =>
    after(fileOps.rename(proc, proc.memory.string(fromPtr, fromLen), proc.memory.string(toPtr, toLen)), () => 0),
} satisfies Partial<HandlerTable>;
