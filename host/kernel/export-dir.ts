import fs from "node:fs";
import path from "node:path";
import { FLAGS, type ErrnoName } from "../../abi/abi.ts";
import { fail, SysError } from "./errors.ts";
import type { FileService, FileStat } from "./file-service.ts";

/** How long a file must have been unchanged before `identity` vouches for it (FAT's mtime is 2 s coarse). */
export const SETTLE_MS = 2_000;

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
  EMFILE: "EMFILE",
  ENFILE: "EMFILE",
  EXDEV: "ENOTSUP",
  ENAMETOOLONG: "ENAMETOOLONG",
  EINVAL: "EINVAL",
  ELOOP: "EACCES",
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

function openFlags(flags: number): number {
  const known = O.O_READ.value | O.O_WRITE.value | O.O_CREATE.value | O.O_TRUNC.value | O.O_APPEND.value | O.O_EXCL.value;
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
  return host | c.O_NOFOLLOW;
}

/**
 * One node's exported directory. Every path is relative to the export and is checked,
 * after symlinks are resolved, to stay inside it. Operations are synchronous: on a local
 * disk they take microseconds, far less than a round trip through libuv's thread pool.
 */
export class ExportDir implements FileService {
  readonly root: string;
  private readonly realRoot: string;

  constructor(root: string) {
    fs.mkdirSync(root, { recursive: true });
    this.root = path.resolve(root);
    this.realRoot = fs.realpathSync.native(this.root);
  }

  private inside(real: string): boolean {
    return real === this.realRoot || real.startsWith(this.realRoot + path.sep);
  }

  /** Host path for `rel`, refusing anything whose real location is outside the export. */
  resolve(rel: string): string {
    const full = path.join(this.realRoot, rel);
    let real: string;
    try {
      real = fs.realpathSync.native(full);
    } catch {
      // Not there yet (a create): its parent must be real and inside.
      const parent = host(() => fs.realpathSync.native(path.dirname(full)));
      real = path.join(parent, path.basename(full));
    }
    if (!this.inside(real)) fail("EACCES", `${rel} leads out of the export`);
    return real;
  }

  open(rel: string, flags: number): number {
    const hostFlags = openFlags(flags);
    const target = this.resolve(rel);
    const fd = host(() => fs.openSync(target, hostFlags, 0o644));
    if (host(() => fs.fstatSync(fd)).isDirectory()) {
      fs.closeSync(fd);
      fail("EISDIR", rel);
    }
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

  write(handle: number, data: Uint8Array, pos: number | null): number {
    return host(() => fs.writeSync(handle, data, 0, data.byteLength, pos));
  }

  size(handle: number): number {
    return host(() => fs.fstatSync(handle)).size;
  }

  close(handle: number): void {
    host(() => fs.closeSync(handle));
  }

  stat(rel: string): FileStat {
    const st = host(() => fs.statSync(this.resolve(rel), { bigint: true }));
    const kind = st.isFile() ? KIND.KIND_FILE.value : st.isDirectory() ? KIND.KIND_DIR.value : KIND.KIND_OTHER.value;
    return { size: Number(st.size), mtimeNs: st.mtimeNs, kind };
  }

  readdir(rel: string): string[] {
    return host(() => fs.readdirSync(this.resolve(rel))).sort();
  }

  mkdir(rel: string): void {
    host(() => fs.mkdirSync(this.resolve(rel)));
  }

  unlink(rel: string): void {
    if (rel === "") fail("EACCES", "cannot remove the export's root");
    const target = this.resolve(rel);
    const isDir = host(() => fs.lstatSync(target)).isDirectory();
    host(() => (isDir ? fs.rmdirSync(target) : fs.unlinkSync(target)));
  }

  rename(from: string, to: string): void {
    if (from === "" || to === "") fail("EACCES", "cannot rename the export's root");
    const source = this.resolve(from);
    const target = this.resolve(to);
    host(() => fs.renameSync(source, target));
  }
}
