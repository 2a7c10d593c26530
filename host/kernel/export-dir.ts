import fs from "node:fs";
import path from "node:path";
import { FLAGS, type ErrnoName } from "../../abi/abi.ts";
import { fail, SysError } from "./errors.ts";
import { invariant } from "./invariant.ts";
import { FenceTable } from "./fence-table.ts";
import type { DirEntry, Fence, FileService, FileStat, TimeChange, UnlinkOnly } from "./file-service.ts";

/** How long a file must have been unchanged before `identity` vouches for it (FAT's mtime is 2 s coarse). */
export const SETTLE_MS = 2_000;

/** The most entries a directory listing returns (beyond: E2BIG). */
export const MAX_DIR_ENTRIES = 100_000;

const O = FLAGS.open;
const KIND = FLAGS.fileKind;

const HOST_ERRNO: Record<string, ErrnoName> = {
  ENOENT: "ENOENT",
  EEXIST: "EEXIST",
  EISDIR: "EISDIR",
  ENOTDIR: "ENOTDIR",
  ENOTEMPTY: "ENOTEMPTY",
  EACCES: "EACCES",
  EPERM: "EACCES",
  // The OS's limits are the node's (all its processes share the node's descriptors).
  EMFILE: "ENFILE",
  ENFILE: "ENFILE",
  EXDEV: "EXDEV",
  ENAMETOOLONG: "ENAMETOOLONG",
  EINVAL: "EINVAL",
  ELOOP: "ELOOP",
  EBADF: "EBADF",
};

/** Run a host fs call, turning its error into the guest's errno. */
function host<T>(op: () => T): T {
  try {
    return op();
  } catch (error) {
    if (error instanceof SysError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? "";
    throw new SysError(HOST_ERRNO[code] ?? "EIO", (error as Error).message);
  }
}

const KNOWN_OPEN_FLAGS = Object.values(O).reduce((all, f) => all | f.value, 0);

function openFlags(flags: number): number {
  const known = KNOWN_OPEN_FLAGS;
  if ((flags & ~known) !== 0) fail("EINVAL", `unknown open flags 0x${(flags & ~known).toString(16)}`);
  const read = (flags & O.O_READ.value) !== 0;
  const write = (flags & (O.O_WRITE.value | O.O_APPEND.value)) !== 0;
  if (!read && !write) fail("EINVAL", "open needs O_READ or O_WRITE");
  const c = fs.constants;
  let host = read && write ? c.O_RDWR : write ? c.O_WRONLY : c.O_RDONLY;
  if (flags & O.O_CREATE.value) host |= c.O_CREAT;
  if (flags & O.O_TRUNC.value) host |= c.O_TRUNC;
  if (flags & O.O_APPEND.value) host |= c.O_APPEND;
  if (flags & O.O_EXCL.value) host |= c.O_EXCL;
  if (flags & O.O_DSYNC.value) host |= c.O_DSYNC;
  if (flags & O.O_SYNC.value) host |= c.O_SYNC;
  return host | c.O_NOFOLLOW;
}

function realpath(full: string): string | undefined {
  try {
    return fs.realpathSync.native(full);
  } catch {
    return undefined;
  }
}

function kindOf(st: fs.Stats | fs.BigIntStats | fs.Dirent): number {
  if (st.isFile()) return KIND.KIND_FILE.value;
  if (st.isDirectory()) return KIND.KIND_DIR.value;
  if (st.isSymbolicLink()) return KIND.KIND_SYMLINK.value;
  return KIND.KIND_OTHER.value;
}

function fileStat(st: fs.BigIntStats): FileStat {
  return {
    dev: st.dev, ino: st.ino, kind: kindOf(st), nlink: Number(st.nlink), size: Number(st.size),
    atimeNs: st.atimeNs, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs,
  };
}

const NS_PER_S = 1_000_000_000n;

/** A time for utimes: seconds as Node takes them (a double, as libuv and so node:wasi do too). */
function seconds(change: TimeChange, current: bigint): number {
  if (change === "now") return Date.now() / 1000;
  const ns = change ?? current;
  return Number(ns / NS_PER_S) + Number(ns % NS_PER_S) / 1e9;
}

/**
 * One node's exported directory. Every path is relative to the export and is checked,
 * after symlinks are resolved, to stay inside it. Operations are synchronous: on a local
 * disk they take microseconds, far less than a round trip through libuv's thread pool.
 */
export class ExportDir implements FileService {
  readonly root: string;
  private readonly realRoot: string;
  /** Newest token per lock of the fenced writes to this export, from this node's processes and others'. */
  readonly fences = new FenceTable();
  /** Files open through `open` and not yet closed, and the most that may be (ENFILE beyond). */
  private openCount = 0;
  readonly maxOpen: number;

  /**
   * True while this node may still change files (on etcd: its lease is trusted). A node
   * resumed after a pause checks its lease at its next timer or frame, but a guest in the
   * middle of a turn when the node was paused goes on until it suspends: each change to
   * the export asks first, so none lands once the lease may have expired elsewhere.
   */
  private readonly mayChange: () => boolean;

  constructor(root: string, maxOpen = Infinity, mayChange: () => boolean = () => true) {
    this.maxOpen = maxOpen;
    this.mayChange = mayChange;
    fs.mkdirSync(root, { recursive: true });
    this.root = path.resolve(root);
    this.realRoot = fs.realpathSync.native(this.root);
  }

  private change(): void {
    if (!this.mayChange()) fail("EHOSTUNREACH", "this node's lease is lost: its export takes no more changes");
  }

  private inside(real: string): boolean {
    return real === this.realRoot || real.startsWith(this.realRoot + path.sep);
  }

  /**
   * Host path for `rel`, refusing anything whose real location is outside the export.
   * Without `follow`, a symbolic link as the last component is the link itself (lstat,
   * unlink, rename, readlink), and only its directory must be inside.
   */
  resolve(rel: string, follow = true): string {
    const full = path.join(this.realRoot, rel);
    let real = follow || rel === "" ? realpath(full) : undefined;
    if (real === undefined) {
      // Not there yet (a create), or not followed: its parent must be real and inside.
      const parent = host(() => fs.realpathSync.native(path.dirname(full)));
      real = path.join(parent, path.basename(full));
    }
    if (!this.inside(real)) fail("EACCES", `${rel} leads out of the export`);
    return real;
  }

  get openFiles(): number {
    return this.openCount;
  }

  open(rel: string, flags: number): number {
    if ((flags & (O.O_WRITE.value | O.O_APPEND.value | O.O_CREATE.value | O.O_TRUNC.value)) !== 0) this.change();
    if (this.openCount >= this.maxOpen) fail("ENFILE", `the node's export holds ${this.openCount} files open, its limit`);
    const hostFlags = openFlags(flags);
    const follow = (flags & O.O_NOFOLLOW.value) === 0;
    const target = this.resolve(rel, follow);
    const fd = host(() => {
      try {
        return fs.openSync(target, hostFlags, 0o644);
      } catch (error) {
        // A link realpath could not resolve (dangling) may point anywhere: it is not followed.
        if (follow && (error as NodeJS.ErrnoException).code === "ELOOP") fail("EACCES", `${rel} is a link that leads nowhere inside the export`);
        throw error;
      }
    });
    if (host(() => fs.fstatSync(fd)).isDirectory()) {
      fs.closeSync(fd);
      fail("EISDIR", rel);
    }
    this.openCount++;
    return fd;
  }

  /**
   * Which file `rel` is now, as `dev:ino:size:mtime:ctime`, for a cache of what was read
   * from it. Undefined when it cannot be stat'ed, or when it changed within the last
   * SETTLE_MS: timestamps come from a coarse clock (a jiffy, a second on some filesystems),
   * so a rewrite that soon could leave every field as it was. A rewrite later always moves
   * ctime, which no one can set back. One stat, without the export check: an unchanged
   * identity only ever finds bytes read through `readFile` before, so it reaches nothing
   * outside the export.
   */
  identity(rel: string): string | undefined {
    const st = fs.statSync(path.join(this.realRoot, rel), { bigint: true, throwIfNoEntry: false });
    if (!st || Date.now() - Number(st.ctimeMs) < SETTLE_MS) return undefined;
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  }

  readFile(rel: string): Uint8Array {
    const target = this.resolve(rel);
    return host(() => fs.readFileSync(target, { flag: fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW }));
  }

  readInto(handle: number, target: Uint8Array, pos: number): number {
    return host(() => fs.readSync(handle, target, 0, target.byteLength, pos));
  }

  /** The fence check and the write run in one synchronous step: nothing can come between them. */
  write(handle: number, data: Uint8Array, pos: number | null, fence?: Fence): number {
    this.change();
    if (fence) this.fences.admit(fence);
    return host(() => fs.writeSync(handle, data, 0, data.byteLength, pos));
  }

  size(handle: number): number {
    return host(() => fs.fstatSync(handle)).size;
  }

  close(handle: number): void {
    host(() => fs.closeSync(handle));
    this.openCount--;
    invariant(this.openCount >= 0, () => `export: ${this.openCount} files counted open after closing ${handle}`);
  }

  fstat(handle: number): FileStat {
    return fileStat(host(() => fs.fstatSync(handle, { bigint: true })));
  }

  truncate(handle: number, size: number, fence?: Fence): void {
    this.change();
    if (fence) this.fences.admit(fence);
    host(() => fs.ftruncateSync(handle, size));
  }

  sync(handle: number, dataOnly: boolean): void {
    host(() => (dataOnly ? fs.fdatasyncSync(handle) : fs.fsyncSync(handle)));
  }

  futimes(handle: number, atime: TimeChange, mtime: TimeChange): void {
    this.change();
    const st = this.fstat(handle);
    host(() => fs.futimesSync(handle, seconds(atime, st.atimeNs), seconds(mtime, st.mtimeNs)));
  }

  stat(rel: string, follow: boolean): FileStat {
    const target = this.resolve(rel, follow);
    return fileStat(host(() => (follow ? fs.statSync(target, { bigint: true }) : fs.lstatSync(target, { bigint: true }))));
  }

  utimes(rel: string, follow: boolean, atime: TimeChange, mtime: TimeChange): void {
    this.change();
    const st = this.stat(rel, follow);
    const target = this.resolve(rel, follow);
    const [a, m] = [seconds(atime, st.atimeNs), seconds(mtime, st.mtimeNs)];
    host(() => (follow ? fs.utimesSync(target, a, m) : fs.lutimesSync(target, a, m)));
  }

  /** Sorted by name; each entry's inode comes from an lstat, as a listing's reader (wasi-libc's readdir) wants it. */
  readdir(rel: string): DirEntry[] {
    const dir = this.resolve(rel);
    const entries = host(() => fs.readdirSync(dir, { withFileTypes: true }));
    // One listing is one reply frame to another node: bounded, as frames are.
    if (entries.length > MAX_DIR_ENTRIES) fail("E2BIG", `${rel || "/"} has ${entries.length} entries, more than ${MAX_DIR_ENTRIES} can be listed`);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return entries.map((entry) => {
      const st = fs.lstatSync(path.join(dir, entry.name), { bigint: true, throwIfNoEntry: false });
      return { name: entry.name, ino: st?.ino ?? 0n, kind: kindOf(entry) };
    });
  }

  mkdir(rel: string): void {
    this.change();
    host(() => fs.mkdirSync(this.resolve(rel, false)));
  }

  unlink(rel: string, only: UnlinkOnly): void {
    this.change();
    if (rel === "") fail("EACCES", "cannot remove the export's root");
    const target = this.resolve(rel, false);
    const isDir = host(() => fs.lstatSync(target)).isDirectory();
    if (only === "file" && isDir) fail("EISDIR", rel);
    if (only === "dir" && !isDir) fail("ENOTDIR", rel);
    host(() => (isDir ? fs.rmdirSync(target) : fs.unlinkSync(target)));
  }

  rename(from: string, to: string): void {
    this.change();
    if (from === "" || to === "") fail("EACCES", "cannot rename the export's root");
    const source = this.resolve(from, false);
    const target = this.resolve(to, false);
    host(() => fs.renameSync(source, target));
  }

  /** The link's text is kept as given; following it is checked like any path, so it cannot lead out. */
  symlink(target: string, rel: string): void {
    this.change();
    if (target.startsWith("/")) fail("ENOTCAPABLE", `absolute link target ${target}`);
    if (target.includes("\0")) fail("EINVAL", "link target contains NUL");
    const where = this.resolve(rel, false);
    host(() => fs.symlinkSync(target, where));
  }

  readlink(rel: string): string {
    const where = this.resolve(rel, false);
    return host(() => fs.readlinkSync(where));
  }

  hardlink(from: string, to: string, follow: boolean): void {
    this.change();
    const source = this.resolve(from, follow);
    const target = this.resolve(to, false);
    host(() => fs.linkSync(source, target));
  }
}
