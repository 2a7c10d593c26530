import { fail } from "../kernel/errors.ts";
import type { Channel } from "../transport/channel.ts";
import { type Bodies, type Body, type BodyName, type Msg } from "../transport/wire.ts";

/** Where a frame came from: its connection, and the node id that dialled it (0: a client, or a connection this node dialled). */
export interface FrameContext {
  readonly channel: Channel;
  readonly from: number;
}

/** A reply body, nothing (an empty reply, or none to a cast), or either later. */
export type Reply = Body | void | Promise<Body | void>;

export type FrameHandler<K extends BodyName> = (body: Bodies[K], context: FrameContext) => Reply;

/** Bodies that only answer a call, or go to the CLI (exited, inputTaken, recordData): no node serves them. */
export type ReplyName = "empty" | "joined" | "token" | "pid" | "moduleBytes" | "procs" | "exited" | "count" | "bytes" | "stat" | "names" | "entries" | "inputTaken" | "logInfo" | "journalPages" | "recordData";
export type RequestName = Exclude<BodyName, ReplyName>;

/**
 * Who serves each kind of frame a node receives (frames.ts builds the one table). Every
 * body in abi/wire.proto is a request or a ReplyName, so a kind added to the .proto does
 * not type-check until it has a server here or is named a reply.
 */
export type FrameTable = { readonly [K in RequestName]: FrameHandler<K> };

/**
 * Serve one incoming frame, of body `kind` (wire.ts bodyName), through `table`. A kind that is not served here, or a body
 * that is missing, fails the call with an errno: the Channel turns every throw into an
 * error reply (or a logged drop, for a cast), so a peer's bytes never throw past here.
 */
export function dispatch(table: FrameTable, kind: BodyName, msg: Msg, context: FrameContext): Reply {
  const handler = (table as Partial<Record<BodyName, FrameHandler<BodyName>>>)[kind];
  if (!handler) fail("ENOTSUP", `${kind} is not a request this node serves`);
  const body = (msg as unknown as Record<string, unknown>)[kind];
  if (body === undefined || body === null) fail("EINVAL", `${kind} with no body`);
  return handler(body as Bodies[BodyName], context);
}
