import type { DirEntry, Fence, FileService, FileStat, TimeChange, UnlinkOnly } from "../kernel/file-service.ts";
import { TIME_MODE, toBigint, toBytes, toNumber, type Bodies, type WireFence, type WireTimes } from "../transport/wire.ts";
import { MAX_FILE_CHUNK_BYTES } from "./file-server.ts";
import type { Link } from "./link.ts";

/** A time change as the wire's Times message says it. */
function wireTime(change: TimeChange): { mode: number; ns: string } {
  if (change === null) return { mode: TIME_MODE.KEEP, ns: "0" };
  if (change === "now") return { mode: TIME_MODE.NOW, ns: "0" };
  return { mode: TIME_MODE.SET, ns: change.toString() };
}

function times(target: { handle?: number; rel?: string; follow?: boolean }, atime: TimeChange, mtime: TimeChange): WireTimes {
  const a = wireTime(atime);
  const m = wireTime(mtime);
  return { handle: target.handle ?? 0, rel: target.rel ?? "", follow: target.follow ?? false, atime: a.mode, atimeNs: a.ns, mtime: m.mode, mtimeNs: m.ns };
}

function fileStat(st: Bodies["stat"]): FileStat {
  return {
    dev: toBigint(st.dev), ino: toBigint(st.ino), kind: st.kind, nlink: toNumber(st.nlink), size: toNumber(st.size),
    atimeNs: toBigint(st.atimeNs), mtimeNs: toBigint(st.mtimeNs), ctimeNs: toBigint(st.ctimeNs),
  };
}

const wireFence = (fence: Fence | undefined): WireFence | undefined => fence && { lock: fence.lock, token: fence.token.toString() };

/** Another node's export, reached over its link: each operation is one call. */
export class RemoteFiles implements FileService {
  private readonly link: Link;

  constructor(link: Link) {
    this.link = link;
  }

  async open(rel: string, flags: number): Promise<number> {
    return toNumber((await this.link.call({ fOpen: { rel, flags } }, "count")).n);
  }

  async readInto(handle: number, target: Uint8Array, pos: number): Promise<number> {
    const data = toBytes((await this.link.call({ fRead: { handle, pos, len: target.byteLength } }, "bytes")).data);
    target.set(data);
    return data.byteLength;
  }

  /** A short write past MAX_FILE_CHUNK_BYTES, as POSIX allows: one call stays one modest frame. */
  async write(handle: number, data: Uint8Array, pos: number | null, fence?: Fence): Promise<number> {
    const chunk = data.subarray(0, MAX_FILE_CHUNK_BYTES);
    return toNumber((await this.link.call({ fWrite: { handle, pos: pos ?? -1, data: chunk, fence: wireFence(fence) } }, "count")).n);
  }

  async size(handle: number): Promise<number> {
    return toNumber((await this.link.call({ fSize: { handle } }, "count")).n);
  }

  async close(handle: number): Promise<void> {
    await this.link.call({ fClose: { handle } }, "empty");
  }

  async fstat(handle: number): Promise<FileStat> {
    return fileStat(await this.link.call({ fFstat: { handle } }, "stat"));
  }

  async truncate(handle: number, size: number, fence?: Fence): Promise<void> {
    await this.link.call({ fTruncate: { handle, size, fence: wireFence(fence) } }, "empty");
  }

  async sync(handle: number, dataOnly: boolean): Promise<void> {
    await this.link.call({ fSync: { handle, dataOnly } }, "empty");
  }

  async futimes(handle: number, atime: TimeChange, mtime: TimeChange): Promise<void> {
    await this.link.call({ fFutimes: times({ handle }, atime, mtime) }, "empty");
  }

  async stat(rel: string, follow: boolean): Promise<FileStat> {
    return fileStat(await this.link.call({ fStat: { rel, follow } }, "stat"));
  }

  async utimes(rel: string, follow: boolean, atime: TimeChange, mtime: TimeChange): Promise<void> {
    await this.link.call({ fUtimes: times({ rel, follow }, atime, mtime) }, "empty");
  }

  async readdir(rel: string): Promise<DirEntry[]> {
    const { entries } = await this.link.call({ fReaddir: { rel } }, "entries");
    return entries.map((e) => ({ name: e.name, ino: toBigint(e.ino), kind: e.kind }));
  }

  async mkdir(rel: string): Promise<void> {
    await this.link.call({ fMkdir: { rel } }, "empty");
  }

  async unlink(rel: string, only: UnlinkOnly): Promise<void> {
    await this.link.call({ fUnlink: { rel, only } }, "empty");
  }

  async rename(from: string, to: string): Promise<void> {
    await this.link.call({ fRename: { from, to } }, "empty");
  }

  async symlink(target: string, rel: string): Promise<void> {
    await this.link.call({ fSymlink: { from: target, to: rel } }, "empty");
  }

  async readlink(rel: string): Promise<string> {
    return new TextDecoder().decode(toBytes((await this.link.call({ fReadlink: { rel } }, "bytes")).data));
  }

  async hardlink(from: string, to: string, follow: boolean): Promise<void> {
    await this.link.call({ fLink: { from, to, follow } }, "empty");
  }

  async readFile(rel: string): Promise<Uint8Array> {
    return toBytes((await this.link.call({ fReadFile: { rel } }, "bytes")).data);
  }
}
