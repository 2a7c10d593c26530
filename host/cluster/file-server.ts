import { fail } from "../kernel/errors.ts";
import type { FileService, FileStat, TimeChange, UnlinkOnly } from "../kernel/file-service.ts";
import { TIME_MODE, toBigint, toBytes, toNumber, type Bodies, type Body, type BodyName, type WireTimes } from "../transport/wire.ts";

/** One remote read is capped so a guest's huge buffer cannot make a huge frame. */
const MAX_READ = 4 * 1024 * 1024;
const OK: Body = { empty: {} };
const UNLINK_ONLY = new Set<string>(["any", "file", "dir"]);

function statReply(st: FileStat): Body {
  const { size, kind, nlink } = st;
  return { stat: { size, kind, nlink, mtimeNs: st.mtimeNs.toString(), dev: st.dev.toString(), ino: st.ino.toString(), atimeNs: st.atimeNs.toString(), ctimeNs: st.ctimeNs.toString() } };
}

function timeChange(mode: number, ns: WireTimes["atimeNs"]): TimeChange {
  if (mode === TIME_MODE.KEEP) return null;
  if (mode === TIME_MODE.NOW) return "now";
  if (mode === TIME_MODE.SET) return toBigint(ns);
  return fail("EINVAL", `time change ${mode}`);
}

const changes = (t: WireTimes): [TimeChange, TimeChange] => [timeChange(t.atime, t.atimeNs), timeChange(t.mtime, t.mtimeNs)];

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
    case "fStat":
      return statReply(await files.stat(m.fStat!.rel, m.fStat!.follow));
    case "fFstat":
      return statReply(await files.fstat(m.fFstat!.handle));
    case "fReaddir": {
      const entries = await files.readdir(m.fReaddir!.rel);
      return { entries: { entries: entries.map((e) => ({ name: e.name, ino: e.ino.toString(), kind: e.kind })) } };
    }
    case "fTruncate":
      await files.truncate(m.fTruncate!.handle, toNumber(m.fTruncate!.size));
      return OK;
    case "fSync":
      await files.sync(m.fSync!.handle, m.fSync!.dataOnly);
      return OK;
    case "fFutimes":
      await files.futimes(m.fFutimes!.handle, ...changes(m.fFutimes!));
      return OK;
    case "fUtimes":
      await files.utimes(m.fUtimes!.rel, m.fUtimes!.follow, ...changes(m.fUtimes!));
      return OK;
    case "fSymlink":
      await files.symlink(m.fSymlink!.from, m.fSymlink!.to);
      return OK;
    case "fReadlink":
      return { bytes: { data: new TextEncoder().encode(await files.readlink(m.fReadlink!.rel)) } };
    case "fLink":
      await files.hardlink(m.fLink!.from, m.fLink!.to, m.fLink!.follow);
      return OK;
    case "fMkdir":
      await files.mkdir(m.fMkdir!.rel);
      return OK;
    case "fUnlink": {
      const only = m.fUnlink!.only || "any";
      if (!UNLINK_ONLY.has(only)) fail("EINVAL", `unlink of ${only}`);
      await files.unlink(m.fUnlink!.rel, only as UnlinkOnly);
      return OK;
    }
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
