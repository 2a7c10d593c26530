import { fail } from "../kernel/errors.ts";
import type { FileService } from "../kernel/file-service.ts";
import { toBytes, toNumber, type Bodies, type Body, type BodyName } from "../transport/wire.ts";

/** One remote read is capped so a guest's huge buffer cannot make a huge frame. */
const MAX_READ = 4 * 1024 * 1024;
const OK: Body = { empty: {} };

/** Serve another node's file call on this node's export (the other half of RemoteFiles). */
export async function serveFile(files: FileService, kind: BodyName, m: Partial<Bodies>): Promise<Body> {
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
