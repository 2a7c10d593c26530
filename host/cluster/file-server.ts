import { fail } from "../kernel/errors.ts";
import type { FileService } from "../kernel/file-service.ts";
import { toBytes, toNumber, type Bodies, type Body, type BodyName } from "../transport/wire.ts";

/** One remote read is capped so a guest's huge buffer cannot make a huge frame. */
const MAX_READ = 4 * 1024 * 1024;
const OK: Body = { empty: {} };

/** Serve another node's file call on this node's export (the other half of RemoteFiles). */
async function serveFile(files: FileService, kind: BodyName, m: Partial<Bodies>): Promise<Body> {
  switch (kind) {
    case "fOpen":
      return { count: { n: await files.open(m.fOpen!.rel, m.fOpen!.flags) } };
    case "fRead": {
      const buf = new Uint8Array(Math.min(m.fRead!.len, MAX_READ));
      const n = await files.readInto(m.fRead!.handle, buf, toNumber(m.fRead!.pos));
      return { bytes: { data: buf.subarray(0, n) } };
    }
    case "fWrite": {
      const pos = toNumber(m.fWrite!.pos);
      return { count: { n: await files.write(m.fWrite!.handle, toBytes(m.fWrite!.data), pos < 0 ? null : pos) } };
    }
    case "fSize":
      return { count: { n: await files.size(m.fSize!.handle) } };
    case "fClose":
      await files.close(m.fClose!.handle);
      return OK;
    case "fStat": {
      const st = await files.stat(m.fStat!.rel);
      return { stat: { size: st.size, mtimeNs: st.mtimeNs.toString(), kind: st.kind } };
    }
    case "fReaddir":
      return { names: { names: await files.readdir(m.fReaddir!.rel) } };
    case "fMkdir":
      await files.mkdir(m.fMkdir!.rel);
      return OK;
    case "fUnlink":
      await files.unlink(m.fUnlink!.rel);
      return OK;
    case "fRename":
      await files.rename(m.fRename!.from, m.fRename!.to);
      return OK;
    case "fReadFile":
      return { bytes: { data: await files.readFile(m.fReadFile!.rel) } };
    default:
      fail("ENOTSUP", `${kind} is not a file call`);
  }
}

/**
 * Serves other nodes' file calls and remembers which node opened each handle, so that a
 * node going down leaves none of its processes' files open here.
 */
export class ExportServer {
  private readonly files: FileService;
  /** Open handle -> the node that opened it. */
  private readonly owners = new Map<number, number>();

  constructor(files: FileService) {
    this.files = files;
  }

  /** A call from node `nodeId` (undefined for a client that is not a member). */
  async serve(kind: BodyName, m: Partial<Bodies>, nodeId: number | undefined): Promise<Body> {
    // Forgotten before the close: the descriptor may be handed out again at once.
    if (kind === "fClose") this.owners.delete(m.fClose!.handle);
    const reply = await serveFile(this.files, kind, m);
    if (kind === "fOpen" && nodeId !== undefined && "count" in reply) this.owners.set(toNumber(reply.count.n), nodeId);
    return reply;
  }

  nodeDown(nodeId: number): void {
    for (const [handle, owner] of this.owners) {
      if (owner !== nodeId) continue;
      this.owners.delete(handle);
      void Promise.resolve()
        .then(() => this.files.close(handle))
        .catch(() => {});
    }
  }

  /** How many handles node `nodeId` has open here (what the tests check). */
  openBy(nodeId: number): number {
    let n = 0;
    for (const owner of this.owners.values()) if (owner === nodeId) n++;
    return n;
  }
}
