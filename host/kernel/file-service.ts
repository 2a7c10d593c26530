/** A file's metadata as stat reports it: what onebox's stat and WASI's filestat need. */
export interface FileStat {
  readonly dev: bigint;
  readonly ino: bigint;
  /** FLAGS.fileKind. */
  readonly kind: number;
  readonly nlink: number;
  readonly size: number;
  readonly atimeNs: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

/** One name in a directory listing. */
export interface DirEntry {
  readonly name: string;
  readonly ino: bigint;
  /** FLAGS.fileKind, KIND_SYMLINK for a link (entries do not follow links). */
  readonly kind: number;
}

/** New access and modification times: a time in ns, "now" (the serving node's clock), or null to keep it. */
export type TimeChange = bigint | "now" | null;

/** A lock's fencing token that a write or truncate carries (see the ABI's fence). */
export interface Fence {
  readonly lock: string;
  readonly token: bigint;
}

/** Which kinds of entry unlink may remove. */
export type UnlinkOnly = "any" | "file" | "dir";

/**
 * File operations on one node's export, by paths relative to it. The local ExportDir
 * answers synchronously; a remote node's proxy answers with promises. Buffers passed in
 * are views into a suspended guest's memory: valid until the guest resumes, so an
 * implementation that keeps data past its return must copy it. `follow` says whether a
 * symbolic link as the last component is followed (stat) or reported (lstat). A `fence`
 * is checked (and remembered) by the export before the change is made: ESTALE when older
 * than the newest token seen for its lock.
 */
export interface FileService {
  open(rel: string, flags: number): number | Promise<number>;
  readInto(handle: number, target: Uint8Array, pos: number): number | Promise<number>;
  write(handle: number, data: Uint8Array, pos: number | null, fence?: Fence): number | Promise<number>;
  size(handle: number): number | Promise<number>;
  close(handle: number): void | Promise<void>;
  fstat(handle: number): FileStat | Promise<FileStat>;
  truncate(handle: number, size: number, fence?: Fence): void | Promise<void>;
  sync(handle: number, dataOnly: boolean): void | Promise<void>;
  futimes(handle: number, atime: TimeChange, mtime: TimeChange): void | Promise<void>;
  stat(rel: string, follow: boolean): FileStat | Promise<FileStat>;
  utimes(rel: string, follow: boolean, atime: TimeChange, mtime: TimeChange): void | Promise<void>;
  readdir(rel: string): DirEntry[] | Promise<DirEntry[]>;
  mkdir(rel: string): void | Promise<void>;
  unlink(rel: string, only: UnlinkOnly): void | Promise<void>;
  rename(from: string, to: string): void | Promise<void>;
  symlink(target: string, rel: string): void | Promise<void>;
  readlink(rel: string): string | Promise<string>;
  hardlink(from: string, to: string, follow: boolean): void | Promise<void>;
  readFile(rel: string): Uint8Array | Promise<Uint8Array>;
}

/** Continue with `next` now if `value` is ready, or when it is. */
export function after<T, R>(value: T | Promise<T>, next: (v: T) => R | Promise<R>): R | Promise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** Run `work`; if it fails (by throwing or by rejecting), continue with `onError` instead. */
export function recover<T>(work: () => T | Promise<T>, onError: (error: unknown) => T | Promise<T>): T | Promise<T> {
  let value: T | Promise<T>;
  try {
    value = work();
  } catch (error) {
    return onError(error);
  }
  return value instanceof Promise ? value.catch(onError) : value;
}
