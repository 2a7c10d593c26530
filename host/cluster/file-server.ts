import { fail } from "../kernel/errors.ts";
import { checkLockName } from "../kernel/lock-table.ts";
import type { Fence, FileService, FileStat, TimeChange, UnlinkOnly } from "../kernel/file-service.ts";
import { TIME_MODE, toBigint, toBytes, toNumber, type Bodies, type Body, type BodyName, type WireFence, type WireTimes } from "../transport/wire.ts";

/** One remote read or write moves at most this (a short read or write beyond): a guest's huge buffer makes no huge frame. */
export const MAX_FILE_CHUNK_BYTES = 4 * 1024 * 1024;
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

/** A fence from the wire: none without a lock name, and a named one must be a valid lock name. */
function fence(wire: WireFence | undefined | null): Fence | undefined {
  if (!wire?.lock) return undefined;
  checkLockName(wire.lock);
  return { lock: wire.lock, token: toBigint(wire.token) };
}

const changes = (t: WireTimes): [TimeChange, TimeChange] => [timeChange(t.atime, t.atimeNs), timeChange(t.mtime, t.mtimeNs)];

/**
 * Serve another node's file call on this node's export (the other half of RemoteFiles).
 * `fd` turns the caller's handle into this node's descriptor, or fails.
 */
async function serveFile(files: FileService, kind: BodyName, m: Partial<Bodies>, fd: (handle: number) => number): Promise<Body> {
  switch (kind) {
    case "fOpen":
      return { count: { n: await files.open(m.fOpen!.rel, m.fOpen!.flags) } };
    case "fRead": {
      const buf = new Uint8Array(Math.min(m.fRead!.len, MAX_FILE_CHUNK_BYTES));
      const n = await files.readInto(fd(m.fRead!.handle), buf, toNumber(m.fRead!.pos));
      return { bytes: { data: buf.subarray(0, n) } };
    }
    case "fWrite": {
      const pos = toNumber(m.fWrite!.pos);
      return { count: { n: await files.write(fd(m.fWrite!.handle), toBytes(m.fWrite!.data), pos < 0 ? null : pos, fence(m.fWrite!.fence)) } };
    }
    case "fSize":
      return { count: { n: await files.size(fd(m.fSize!.handle)) } };
    case "fStat":
      return statReply(await files.stat(m.fStat!.rel, m.fStat!.follow));
    case "fFstat":
      return statReply(await files.fstat(fd(m.fFstat!.handle)));
    case "fReaddir": {
      const entries = await files.readdir(m.fReaddir!.rel);
      return { entries: { entries: entries.map((e) => ({ name: e.name, ino: e.ino.toString(), kind: e.kind })) } };
    }
    case "fTruncate":
      await files.truncate(fd(m.fTruncate!.handle), toNumber(m.fTruncate!.size), fence(m.fTruncate!.fence));
      return OK;
    case "fSync":
      await files.sync(fd(m.fSync!.handle), m.fSync!.dataOnly);
      return OK;
    case "fFutimes":
      await files.futimes(fd(m.fFutimes!.handle), ...changes(m.fFutimes!));
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

/** A handle another node holds here: the descriptor behind it and the incarnation that opened it. */
interface Opened {
  readonly fd: number;
  readonly nodeId: number;
}

/** Files one node may hold open here at once; more opens get EMFILE. */
export const MAX_HANDLES_PER_NODE = 4096;

/**
 * Serves other nodes' file calls. A handle is this server's own number, never a
 * descriptor and never reused, bound to the node incarnation that opened it: a handle
 * from a node declared down, from another node, or stale after its close finds nothing
 * (EBADF), so a late write can never reach a file someone else opened since. A node
 * going down leaves none of its files open here.
 */
export class ExportServer {
  private readonly files: FileService;
  private readonly opened = new Map<number, Opened>();
  private readonly heldBy = new Map<number, number>();
  /** 2^53 numbers: enough that none is ever handed out twice. */
  private nextHandle = 1;

  constructor(files: FileService) {
    this.files = files;
  }

  /** A call from node `nodeId` (0: a client that is not a member, which has no files here). */
  async serve(kind: BodyName, m: Partial<Bodies>, nodeId: number): Promise<Body> {
    if (nodeId === 0) fail("EACCES", "file calls are served to member nodes only");
    if (kind === "fClose") return this.close(m.fClose!.handle, nodeId);
    const reply = await serveFile(this.files, kind, m, (handle) => this.fd(handle, nodeId));
    if (kind === "fOpen" && "count" in reply) return { count: { n: this.bind(toNumber(reply.count.n), nodeId) } };
    return reply;
  }

  private fd(handle: number, nodeId: number): number {
    const opened = this.opened.get(handle);
    if (opened?.nodeId !== nodeId) fail("EBADF", `handle ${handle} is not open for node ${nodeId}`);
    return opened.fd;
  }

  private bind(fd: number, nodeId: number): number {
    const held = this.heldBy.get(nodeId) ?? 0;
    if (held >= MAX_HANDLES_PER_NODE) {
      void Promise.resolve().then(() => this.files.close(fd)).catch(() => {});
      fail("EMFILE", `node ${nodeId} holds ${MAX_HANDLES_PER_NODE} files open here`);
    }
    const handle = this.nextHandle++;
    this.opened.set(handle, { fd, nodeId });
    this.heldBy.set(nodeId, held + 1);
    return handle;
  }

  /** Forgotten before the descriptor closes: the descriptor may be handed out again at once. */
  private async close(handle: number, nodeId: number): Promise<Body> {
    const fd = this.fd(handle, nodeId);
    this.forget(handle, nodeId);
    await this.files.close(fd);
    return OK;
  }

  private forget(handle: number, nodeId: number): void {
    this.opened.delete(handle);
    const held = (this.heldBy.get(nodeId) ?? 0) - 1;
    if (held < 0) throw new Error(`invariant: node ${nodeId} held no handle, yet ${handle} was its`);
    if (held === 0) this.heldBy.delete(nodeId);
    else this.heldBy.set(nodeId, held);
  }

  nodeDown(nodeId: number): void {
    for (const [handle, opened] of this.opened) {
      if (opened.nodeId !== nodeId) continue;
      this.forget(handle, nodeId);
      void Promise.resolve()
        .then(() => this.files.close(opened.fd))
        .catch(() => {});
    }
    if (this.heldBy.has(nodeId)) throw new Error(`invariant: node ${nodeId} still holds files after going down`);
  }

  /** How many handles node `nodeId` has open here (what the tests check). */
  openBy(nodeId: number): number {
    return this.heldBy.get(nodeId) ?? 0;
  }
}
