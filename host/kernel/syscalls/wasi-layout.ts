// WASI preview1's constants and struct layouts, as wasi_snapshot_preview1's witx defines
// them (typenames.witx). They are WASI's, not onebox's: wasi-libc's <wasi/api.h> has its
// own copy, so abi/abi.ts does not generate them.
import { FLAGS } from "../../../abi/abi.ts";
import { fail } from "../errors.ts";
import type { FileStat, TimeChange } from "../file-service.ts";
import type { GuestMemory } from "../guest-memory.ts";
import type { Rights } from "../process.ts";

export const FILETYPE = { UNKNOWN: 0, BLOCK_DEVICE: 1, CHARACTER_DEVICE: 2, DIRECTORY: 3, REGULAR_FILE: 4, SOCKET_DGRAM: 5, SOCKET_STREAM: 6, SYMBOLIC_LINK: 7 } as const;

export const RIGHT = {
  FD_DATASYNC: 1n << 0n, FD_READ: 1n << 1n, FD_SEEK: 1n << 2n, FD_FDSTAT_SET_FLAGS: 1n << 3n,
  FD_SYNC: 1n << 4n, FD_TELL: 1n << 5n, FD_WRITE: 1n << 6n, FD_ADVISE: 1n << 7n,
  FD_ALLOCATE: 1n << 8n, PATH_CREATE_DIRECTORY: 1n << 9n, PATH_CREATE_FILE: 1n << 10n, PATH_LINK_SOURCE: 1n << 11n,
  PATH_LINK_TARGET: 1n << 12n, PATH_OPEN: 1n << 13n, FD_READDIR: 1n << 14n, PATH_READLINK: 1n << 15n,
  PATH_RENAME_SOURCE: 1n << 16n, PATH_RENAME_TARGET: 1n << 17n, PATH_FILESTAT_GET: 1n << 18n, PATH_FILESTAT_SET_SIZE: 1n << 19n,
  PATH_FILESTAT_SET_TIMES: 1n << 20n, FD_FILESTAT_GET: 1n << 21n, FD_FILESTAT_SET_SIZE: 1n << 22n, FD_FILESTAT_SET_TIMES: 1n << 23n,
  PATH_SYMLINK: 1n << 24n, PATH_REMOVE_DIRECTORY: 1n << 25n, PATH_UNLINK_FILE: 1n << 26n, POLL_FD_READWRITE: 1n << 27n,
  SOCK_SHUTDOWN: 1n << 28n, SOCK_ACCEPT: 1n << 29n,
} as const;

/** Rights that mean something on a regular file. */
export const FILE_RIGHTS = RIGHT.FD_DATASYNC | RIGHT.FD_READ | RIGHT.FD_SEEK | RIGHT.FD_FDSTAT_SET_FLAGS | RIGHT.FD_SYNC
  | RIGHT.FD_TELL | RIGHT.FD_WRITE | RIGHT.FD_ADVISE | RIGHT.FD_ALLOCATE | RIGHT.FD_FILESTAT_GET
  | RIGHT.FD_FILESTAT_SET_SIZE | RIGHT.FD_FILESTAT_SET_TIMES | RIGHT.POLL_FD_READWRITE;

/** Rights that mean something on a directory. */
export const DIR_RIGHTS = RIGHT.FD_FDSTAT_SET_FLAGS | RIGHT.FD_SYNC | RIGHT.FD_ADVISE | RIGHT.PATH_CREATE_DIRECTORY
  | RIGHT.PATH_CREATE_FILE | RIGHT.PATH_LINK_SOURCE | RIGHT.PATH_LINK_TARGET | RIGHT.PATH_OPEN | RIGHT.FD_READDIR
  | RIGHT.PATH_READLINK | RIGHT.PATH_RENAME_SOURCE | RIGHT.PATH_RENAME_TARGET | RIGHT.PATH_FILESTAT_GET
  | RIGHT.PATH_FILESTAT_SET_SIZE | RIGHT.PATH_FILESTAT_SET_TIMES | RIGHT.FD_FILESTAT_GET | RIGHT.FD_FILESTAT_SET_TIMES
  | RIGHT.PATH_SYMLINK | RIGHT.PATH_REMOVE_DIRECTORY | RIGHT.PATH_UNLINK_FILE;

/** A file opened by onebox's own open, and what a directory hands down to what it opens. */
export const allFileRights = (): Rights => ({ base: FILE_RIGHTS, inheriting: 0n });
export const allDirRights = (): Rights => ({ base: DIR_RIGHTS, inheriting: DIR_RIGHTS | FILE_RIGHTS });

export const LOOKUP_SYMLINK_FOLLOW = 1;
export const OFLAGS = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 } as const;
export const FDFLAGS = { APPEND: 1, DSYNC: 2, NONBLOCK: 4, RSYNC: 8, SYNC: 16 } as const;
export const FSTFLAGS = { ATIM: 1, ATIM_NOW: 2, MTIM: 4, MTIM_NOW: 8 } as const;
export const ADVICE_MAX = 5;
export const PREOPENTYPE_DIR = 0;
export const SIGNAL_MAX = 30;

/** Struct layouts: offsets in bytes, little-endian. */
export const IOVEC_SIZE = 8;
export const FDSTAT = { size: 24, filetype: 0, flags: 2, rightsBase: 8, rightsInheriting: 16 } as const;
export const FILESTAT = { size: 64, dev: 0, ino: 8, filetype: 16, nlink: 24, fileSize: 32, atim: 40, mtim: 48, ctim: 56 } as const;
export const DIRENT = { size: 24, next: 0, ino: 8, namlen: 16, type: 20 } as const;
export const PRESTAT = { size: 8, tag: 0, nameLen: 4 } as const;
export const SUBSCRIPTION = { size: 48, userdata: 0, tag: 8, clockId: 16, timeout: 24, precision: 32, clockFlags: 40, fd: 16 } as const;
export const EVENT = { size: 32, userdata: 0, error: 8, type: 10, nbytes: 16, flags: 24 } as const;
export const EVENTTYPE = { CLOCK: 0, FD_READ: 1, FD_WRITE: 2 } as const;
export const SUBCLOCKFLAGS_ABSTIME = 1;

/**
 * EFAULT unless `count` structs of `size` bytes at `ptr` are in memory. The byte count is
 * checked before it is narrowed to 32 bits, where a huge count could wrap to a small one.
 */
export function probeArray(memory: GuestMemory, ptr: number, count: number, size: number): void {
  const bytes = (count >>> 0) * size;
  if (bytes > memory.byteLength) fail("EFAULT", `${count >>> 0} entries of ${size} bytes`);
  memory.probe(ptr, bytes);
}

/** As POSIX's IOV_MAX: more iovecs in one call are EINVAL, so a call's work is bounded. */
export const IOV_MAX = 1024;

/** The guest buffers an iovec array names, each bounds-checked. */
export function iovecs(memory: GuestMemory, ptr: number, count: number): Uint8Array[] {
  probeArray(memory, ptr, count, IOVEC_SIZE);
  if (count >>> 0 > IOV_MAX) fail("EINVAL", `${count >>> 0} iovecs, more than ${IOV_MAX}`);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < count >>> 0; i++) parts.push(memory.view8(memory.i32(ptr + IOVEC_SIZE * i), memory.i32(ptr + IOVEC_SIZE * i + 4)));
  return parts;
}

/** ENOTCAPABLE unless `rights` include `right`. */
export function need(rights: Rights, right: bigint, what: string): void {
  if ((rights.base & right) === 0n) fail("ENOTCAPABLE", `${what} needs a right this descriptor lacks`);
}

const FILETYPE_OF_KIND: Record<number, number> = {
  [FLAGS.fileKind.KIND_FILE.value]: FILETYPE.REGULAR_FILE,
  [FLAGS.fileKind.KIND_DIR.value]: FILETYPE.DIRECTORY,
  [FLAGS.fileKind.KIND_SYMLINK.value]: FILETYPE.SYMBOLIC_LINK,
};

/** WASI's filetype for onebox's file kind. */
export const filetypeOf = (kind: number): number => FILETYPE_OF_KIND[kind] ?? FILETYPE.UNKNOWN;

export function writeFilestat(memory: GuestMemory, ptr: number, st: FileStat): void {
  memory.setU64(ptr + FILESTAT.dev, st.dev);
  memory.setU64(ptr + FILESTAT.ino, st.ino);
  memory.setU64(ptr + FILESTAT.filetype, 0);
  memory.setU8(ptr + FILESTAT.filetype, filetypeOf(st.kind));
  memory.setU64(ptr + FILESTAT.nlink, st.nlink);
  memory.setU64(ptr + FILESTAT.fileSize, st.size);
  memory.setU64(ptr + FILESTAT.atim, st.atimeNs);
  memory.setU64(ptr + FILESTAT.mtim, st.mtimeNs);
  memory.setU64(ptr + FILESTAT.ctim, st.ctimeNs);
}

/** fstflags as the two time changes; a time together with its _NOW is EINVAL. */
export function timeChanges(atim: bigint, mtim: bigint, fstFlags: number): [TimeChange, TimeChange] {
  const F = FSTFLAGS;
  if ((fstFlags & ~(F.ATIM | F.ATIM_NOW | F.MTIM | F.MTIM_NOW)) !== 0) fail("EINVAL", `fstflags 0x${fstFlags.toString(16)}`);
  const one = (time: bigint, set: number, now: number): TimeChange => {
    if ((fstFlags & set) && (fstFlags & now)) fail("EINVAL", "a time and _NOW together");
    return fstFlags & now ? "now" : fstFlags & set ? BigInt.asUintN(64, time) : null;
  };
  return [one(atim, F.ATIM, F.ATIM_NOW), one(mtim, F.MTIM, F.MTIM_NOW)];
}
