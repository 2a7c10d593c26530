import type { FileService, FileStat } from "../kernel/file-service.ts";
import { toBigint, toBytes, toNumber } from "../transport/wire.ts";
import { MAX_FILE_CHUNK_BYTES } from "./file-server.ts";
import type { Link } from "./link.ts";

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
  async write(handle: number, data: Uint8Array, pos: number | null): Promise<number> {
    const chunk = data.subarray(0, MAX_FILE_CHUNK_BYTES);
    return toNumber((await this.link.call({ fWrite: { handle, pos: pos ?? -1, data: chunk } }, "count")).n);
  }

  async size(handle: number): Promise<number> {
    return toNumber((await this.link.call({ fSize: { handle } }, "count")).n);
  }

  async close(handle: number): Promise<void> {
    await this.link.call({ fClose: { handle } }, "empty");
  }

  async stat(rel: string): Promise<FileStat> {
    const st = await this.link.call({ fStat: { rel } }, "stat");
    return { size: toNumber(st.size), mtimeNs: toBigint(st.mtimeNs), kind: st.kind };
  }

  async readdir(rel: string): Promise<string[]> {
    return (await this.link.call({ fReaddir: { rel } }, "names")).names;
  }

  async mkdir(rel: string): Promise<void> {
    await this.link.call({ fMkdir: { rel } }, "empty");
  }

  async unlink(rel: string): Promise<void> {
    await this.link.call({ fUnlink: { rel } }, "empty");
  }

  async rename(from: string, to: string): Promise<void> {
    await this.link.call({ fRename: { from, to } }, "empty");
  }

  async readFile(rel: string): Promise<Uint8Array> {
    return toBytes((await this.link.call({ fReadFile: { rel } }, "bytes")).data);
  }
}
