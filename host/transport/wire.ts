import protobuf from "protobufjs";
import { packagePath } from "../package-root.ts";
import type { BodyName, Frame, Msg, U64 } from "./wire-types.ts";

/** The one schema of everything on the wire; its types are generated from it (wire-types.ts, npm run gen). */
const PROTO = packagePath("abi", "wire.proto");
const Frame = protobuf.loadSync(PROTO).lookupType("onebox.wire.Frame");

/** A frame larger than this closes its connection: nothing legitimate is that big. */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export type { Bodies, Body, BodyName, ExitNote, Frame, Hello, Member, Members, MemberState, Msg, ProcInfo, U64 } from "./wire-types.ts";
/** Times.Change in abi/wire.proto: keep, set to the given ns, or set to the server's clock. */
export { Times_Change as TIME_MODE } from "./wire-types.ts";
/** The times a futimes or utimes call sets. */
export type { Times as WireTimes } from "./wire-types.ts";
/** The lock token a fenced write or truncate carries. */
export type { Fence as WireFence } from "./wire-types.ts";

export const encodeFrame = (frame: Frame): Uint8Array => Frame.encode(frame as unknown as protobuf.Message).finish();

/** Throws on bytes that are not a Frame: the caller closes that connection. */
export function decodeFrame(bytes: Uint8Array): Frame {
  const message = Frame.decode(bytes) as unknown as { kind?: string };
  if (!message.kind) throw new Error("frame with no kind");
  if (message.kind === "batch") for (const msg of (message as { batch: { msgs: Msg[] } }).batch.msgs) bodyName(msg);
  return message as unknown as Frame;
}

const HEADER = new Set(["id", "replyTo", "errno", "detail"]);

/** The one body a decoded Msg carries: the only own field that is not a header. */
export function bodyName(msg: Msg): BodyName {
  let name: string | undefined;
  for (const key of Object.keys(msg)) {
    if (HEADER.has(key)) continue;
    if (name !== undefined) throw new Error(`message with two bodies: ${name}, ${key}`);
    name = key;
  }
  if (name === undefined) throw new Error("message with no body");
  return name as BodyName;
}

/** A bytes field: protobufjs decodes an empty one as its shared default, not a Uint8Array. */
export const toBytes = (v: Uint8Array | undefined): Uint8Array => (v instanceof Uint8Array ? v : new Uint8Array());

export const toNumber = (v: U64): number => (typeof v === "number" ? v : Number(v.toString()));
export const toBigint = (v: U64): bigint => BigInt.asUintN(64, BigInt(typeof v === "number" ? v : v.toString()));
