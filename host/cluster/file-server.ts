import { fail } from "../kernel/errors.ts";
import { checkLockName } from "../kernel/lock-table.ts";
import type { Fence, FileService, FileStat, TimeChange, UnlinkOnly } from "../kernel/file-service.ts";
import { TIME_MODE, toBigint, toBytes, toNumber, type Bodies, type Body, type BodyName, type WireFence, type WireTimes } from "../transport/wire.ts";
import { invariant } from "../kernel/invariant.ts";

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

/** The frame kinds of file calls served from the export (besides fClose). */
export type FileCallName = "fOpen" | "fRead" | "fWrite" | "fSize" | "fStat" | "fFstat" | "fReaddir" | "fTruncate" | "fSync" | "fFutimes" | "fUtimes" | "fSymlink" | "fReadlink" | "fLink" | "fMkdir" | "fUnlink" | "fRename" | "fReadFile";

const changes = (t: WireTimes): [TimeChange, TimeChange] => [timeChange(t.atime, t.atimeNs), timeChange(t.mtime, t.mtimeNs)];

/** A call's body, the export, and `fd`, which turns the caller's handle into this node's descriptor or fails. */
type FileCall<K extends BodyName> = (files: FileService, body: Bodies[K], fd: (handle: number) => number) => Promise<Body>;

/** Another node's file calls on this node's export, one per frame kind (the other half of RemoteFiles); fClose is ExportServer's own. */
const FILE_CALLS: { readonly [K in FileCallName]: FileCall<K> } = {
  fOpen: async (files, b) => ({ count: { n: await files.open(b.rel, b.flags) } }),
  fRead: async (files, b, fd) => {
    const buf = new Uint8Array(Math.min(b.len, MAX_FILE_CHUNK_BYTES));
    const n = await files.readInto(fd(b.handle), buf, toNumber(b.pos));
    return { bytes: { data: buf.subarray(0, n) } };
  },
  fWrite: async (files, b, fd) => {
    const pos = toNumber(b.pos);
    return { count: { n: await files.write(fd(b.handle), toBytes(b.data), pos < 0 ? null : pos, fence(b.fence)) } };
  },
  fSize: async (files, b, fd) => ({ count: { n: await files.size(fd(b.handle)) } }),
  fStat: async (files, b) => statReply(await files.stat(b.rel, b.follow)),
  fFstat: async (files, b, fd) => statReply(await files.fstat(fd(b.handle))),
  fReaddir: async (files, b) => {
    const entries = await files.readdir(b.rel);
    return { entries: { entries: entries.map((e) => ({ name: e.name, ino: e.ino.toString(), kind: e.kind })) } };
  },
  fTruncate: async (files, b, fd) => after(files.truncate(fd(b.handle), toNumber(b.size), fence(b.fence))),
  fSync: async (files, b, fd) => after(files.sync(fd(b.handle), b.dataOnly)),
  fFutimes: async (files, b, fd) => after(files.futimes(fd(b.handle), ...changes(b))),
  fUtimes: async (files, b) => after(files.utimes(b.rel, b.follow, ...changes(b))),
  fSymlink: async (files, b) => after(files.symlink(b.from, b.to)),
  fReadlink: async (files, b) => ({ bytes: { data: new TextEncoder().encode(await files.readlink(b.rel)) } }),
  fLink: async (files, b) => after(files.hardlink(b.from, b.to, b.follow)),
  fMkdir: async (files, b) => after(files.mkdir(b.rel)),
  fUnlink: async (files, b) => {
    const only = b.only || "any";
    if (!UNLINK_ONLY.has(only)) fail("EINVAL", `unlink of ${only}`);
    return after(files.unlink(b.rel, only as UnlinkOnly));
  },
  fRename: async (files, b) => after(files.rename(b.from, b.to)),
  fReadFile: async (files, b) => ({ bytes: { data: await files.readFile(b.rel) } }),
};

/** The empty reply, once `done` has finished. */
async function after(done: void | Promise<void>): Promise<Body> {
  await done;
  return OK;
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

  /** File call `kind` from node `nodeId` (0: a client that is not a member, which has no files here). */
  async serve<K extends FileCallName | "fClose">(kind: K, body: Bodies[K], nodeId: number): Promise<Body> {
    if (nodeId === 0) fail("EACCES", "file calls are served to member nodes only");
    if (kind === "fClose") return this.close((body as Bodies["fClose"]).handle, nodeId);
    const call = FILE_CALLS[kind as FileCallName] as FileCall<FileCallName>;
    const reply = await call(this.files, body as Bodies[FileCallName], (handle) => this.fd(handle, nodeId));
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
    invariant(held >= 0, () => `node ${nodeId} held no handle, yet ${handle} was its`);
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
    invariant(!this.heldBy.has(nodeId), () => `node ${nodeId} still holds files after going down`);
  }

  /** How many handles node `nodeId` has open here (what the tests check). */
  openBy(nodeId: number): number {
    return this.heldBy.get(nodeId) ?? 0;
  }
}
