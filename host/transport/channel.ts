import { shown } from "./bounded-log.ts";
import type { Conn } from "./transport.ts";
import { bodyName, decodeFrame, encodeFrame, MAX_FRAME_BYTES, toNumber, type Body, type Msg } from "./wire.ts";

/** A call failed at the other end (errno name and detail), or the connection went. */
export class RemoteError extends Error {
  readonly errno: string;
  readonly detail: string;
  constructor(errno: string, detail: string) {
    super(`${errno}: ${detail}`);
    this.errno = errno;
    this.detail = detail;
  }
}

/** Serves one incoming call or cast. A thrown error with an `errnoName` becomes that errno. */
export type MsgHandler = (msg: Msg, channel: Channel) => Body | void | Promise<Body | void>;

/** Flush early once a batch holds this much, so one burst does not become one huge frame. */
const BATCH_BYTES = 256 * 1024;
/**
 * The most data one message may carry: with the rest of its batch (under BATCH_BYTES) it
 * still fits one frame. A larger one would reset the connection and lose what follows it,
 * so it is refused here instead: a call fails with EMSGSIZE, a reply becomes that error.
 */
export const MAX_MESSAGE_DATA_BYTES = MAX_FRAME_BYTES - 2 * BATCH_BYTES;
/** Calls and casts from the peer being served at once (lock waits last); more fail with EAGAIN. */
export const MAX_CALLS_IN_SERVICE = 16384;

function errnoOf(error: unknown): RemoteError {
  if (error instanceof RemoteError) return error;
  const name = (error as { errnoName?: string } | undefined)?.errnoName;
  const message = (error as Error)?.message ?? String(error);
  return new RemoteError(name ?? "EIO", name && message.startsWith(`${name}: `) ? message.slice(name.length + 2) : message);
}

function sizeOf(msg: Msg): number {
  const body = Object.values(msg)[0] as { data?: Uint8Array } | undefined;
  return 32 + (body?.data?.byteLength ?? 0);
}

/** Messages and bytes a connection carried each way; a node points its channels to one record per peer. */
export interface Traffic {
  msgsIn: number;
  msgsOut: number;
  bytesIn: number;
  bytesOut: number;
}

export const noTraffic = (): Traffic => ({ msgsIn: 0, msgsOut: 0, bytesIn: 0, bytesOut: 0 });

/**
 * Calls, replies and casts over one authenticated connection. Messages sent in one turn
 * of the event loop leave as one Batch frame: a burst of small sends costs one frame.
 * Order is the connection's: whatever is sent first arrives first.
 */
export class Channel {
  readonly conn: Conn;
  readonly peerName: string;
  private readonly handler: MsgHandler;
  /** Where a failed cast is reported (it has no caller to answer): a rate-limited log. */
  private readonly report: (line: string) => void;
  private serving = 0;
  private readonly pending = new Map<number, { resolve: (msg: Msg) => void; reject: (error: RemoteError) => void }>();
  private readonly closeListeners: ((reason: string) => void)[] = [];
  private queue: Msg[] = [];
  private queuedBytes = 0;
  private nextId = 1;
  private sentSeq = 0;
  private seenSeq = 0;
  private closedWith: string | undefined;
  /** What this channel carried (batches after the handshake), counted into its owner's record for the peer. */
  traffic: Traffic = noTraffic();

  constructor(conn: Conn, peerName: string, handler: MsgHandler, report: (line: string) => void = (line) => process.emitWarning(`onebox: ${line}`)) {
    this.conn = conn;
    this.peerName = peerName;
    this.handler = handler;
    this.report = report;
    conn.setHandlers(
      (bytes) => this.receive(bytes),
      (reason) => this.closed(reason),
    );
  }

  get isClosed(): boolean {
    return this.closedWith !== undefined;
  }

  onClose(listener: (reason: string) => void): void {
    if (this.closedWith !== undefined) listener(this.closedWith);
    else this.closeListeners.push(listener);
  }

  call(body: Body): Promise<Msg> {
    if (this.closedWith !== undefined) return Promise.reject(new RemoteError("EHOSTUNREACH", `${this.peerName}: ${this.closedWith}`));
    const oversize = this.oversize(body as Msg);
    if (oversize) return Promise.reject(new RemoteError("EMSGSIZE", oversize));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.enqueue({ ...body, id } as Msg);
    });
  }

  cast(body: Body): void {
    if (this.closedWith !== undefined) return;
    const oversize = this.oversize(body as Msg);
    if (oversize) return this.report(`dropped ${oversize}`);
    this.enqueue(body as Msg);
  }

  /** Why `msg` cannot go in one frame, or undefined when it can. */
  private oversize(msg: Msg): string | undefined {
    const bytes = sizeOf(msg);
    if (bytes <= MAX_MESSAGE_DATA_BYTES) return undefined;
    return `a ${bodyName(msg)} of ${bytes} bytes to ${this.peerName}, over the ${MAX_MESSAGE_DATA_BYTES} one frame can carry`;
  }

  close(reason: string): void {
    this.flush();
    this.conn.close(reason);
    this.closed(reason);
  }

  private enqueue(msg: Msg): void {
    if (this.queue.length === 0) queueMicrotask(() => this.flush());
    this.queue.push(msg);
    this.queuedBytes += sizeOf(msg);
    if (this.queuedBytes >= BATCH_BYTES) this.flush();
  }

  private flush(): void {
    if (this.queue.length === 0 || this.closedWith !== undefined) return;
    const msgs = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    const frame = encodeFrame({ batch: { seq: ++this.sentSeq, msgs } });
    this.traffic.msgsOut += msgs.length;
    this.traffic.bytesOut += frame.byteLength;
    this.conn.send(frame);
  }

  private receive(bytes: Uint8Array): void {
    let frame;
    try {
      frame = decodeFrame(bytes);
      // A repeated handshake frame (a duplicating network) is harmless; anything else is not.
      if (("hello" in frame && frame.hello) || ("proof" in frame && frame.proof) || ("welcome" in frame && frame.welcome)) return;
      if (!("batch" in frame) || !frame.batch) throw new Error("expected a batch");
    } catch (error) {
      return this.close(`malformed frame from ${this.peerName}: ${shown((error as Error).message, 200)}`);
    }
    const seq = toNumber(frame.batch.seq);
    if (seq <= this.seenSeq) return;
    if (seq !== this.seenSeq + 1) return this.close(`lost frames from ${this.peerName} (${this.seenSeq + 1}..${seq - 1})`);
    this.seenSeq = seq;
    this.traffic.msgsIn += frame.batch.msgs.length;
    this.traffic.bytesIn += bytes.byteLength;
    for (const msg of frame.batch.msgs) this.dispatch(msg);
  }

  private dispatch(msg: Msg): void {
    if (msg.replyTo) {
      const waiter = this.pending.get(msg.replyTo);
      this.pending.delete(msg.replyTo);
      if (msg.errno) waiter?.reject(new RemoteError(msg.errno, msg.detail ?? ""));
      else waiter?.resolve(msg);
      return;
    }
    const id = msg.id;
    if (this.serving >= MAX_CALLS_IN_SERVICE) {
      return this.failed(msg, new RemoteError("EAGAIN", `${MAX_CALLS_IN_SERVICE} messages from ${this.peerName} already in service`));
    }
    let result;
    try {
      result = this.handler(msg, this);
    } catch (error) {
      return this.failed(msg, error);
    }
    if (!(result instanceof Promise)) return id ? this.reply(id, result) : undefined;
    this.serving++;
    result.then(
      (body) => {
        this.serving--;
        if (id) this.reply(id, body);
      },
      (error: unknown) => {
        this.serving--;
        this.failed(msg, error);
      },
    );
  }

  /** A call's failure is its caller's answer; a cast's is logged and dropped. Neither ends the node. */
  private failed(msg: Msg, error: unknown): void {
    if (msg.id) return this.replyError(msg.id, error);
    const e = errnoOf(error);
    this.report(`${bodyName(msg)} from ${this.peerName} failed and was dropped: ${e.errno}: ${shown(e.detail, 200)}`);
  }

  private reply(id: number, body: Body | void): void {
    const msg = { ...(body ?? { empty: {} }), replyTo: id } as Msg;
    const oversize = this.oversize(msg);
    if (oversize) return this.replyError(id, new RemoteError("EMSGSIZE", `the reply would be ${oversize}`));
    this.cast(msg);
  }

  private replyError(id: number, error: unknown): void {
    const e = errnoOf(error);
    this.cast({ empty: {}, replyTo: id, errno: e.errno, detail: e.detail } as Msg);
  }

  private closed(reason: string): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = reason;
    this.queue = [];
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const waiter of pending) waiter.reject(new RemoteError("EHOSTUNREACH", `connection to ${this.peerName} lost: ${reason}`));
    for (const listener of this.closeListeners.splice(0)) listener(reason);
  }
}
