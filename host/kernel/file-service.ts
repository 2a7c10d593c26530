/** A file's metadata as stat reports it. */
export interface FileStat {
  readonly size: number;
  readonly mtimeNs: bigint;
  readonly kind: number;
}

/**
 * File operations on one node's export, by paths relative to it. The local ExportDir
 * answers synchronously; a remote node's proxy answers with promises. Buffers passed in
 * are views into a suspended guest's memory: valid until the guest resumes, so an
 * implementation that keeps data past its return must copy it.
 */
export interface FileService {
  open(rel: string, flags: number): number | Promise<number>;
  readInto(handle: number, target: Uint8Array, pos: number): number | Promise<number>;
  write(handle: number, data: Uint8Array, pos: number | null): number | Promise<number>;
  size(handle: number): number | Promise<number>;
  close(handle: number): void | Promise<void>;
  stat(rel: string): FileStat | Promise<FileStat>;
  readdir(rel: string): string[] | Promise<string[]>;
  mkdir(rel: string): void | Promise<void>;
  unlink(rel: string): void | Promise<void>;
  rename(from: string, to: string): void | Promise<void>;
  readFile(rel: string): Uint8Array | Promise<Uint8Array>;
}

/** Continue with `next` now if `value` is ready, or when it is. */
export function after<T, R>(value: T | Promise<T>, next: (v: T) => R | Promise<R>): R | Promise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}
