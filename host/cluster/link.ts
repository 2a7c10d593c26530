import { RemoteError, type Channel } from "../transport/channel.ts";
import type { Body, Bodies, BodyName, Msg } from "../transport/wire.ts";
import { SysError } from "../kernel/errors.ts";
import { ERRNO, type ErrnoName } from "../../abi/abi.ts";
import { SendCredits } from "./flow-control.ts";

/** A remote failure as the kernel's error, so a guest sees the errno the owner chose. */
export function toSysError(error: unknown): unknown {
  if (!(error instanceof RemoteError)) return error;
  const name = (error.errno in ERRNO ? error.errno : "EIO") as ErrnoName;
  return new SysError(name, error.detail);
}

/** The reply's body, checked to be the kind the call expects. */
export async function expectReply<K extends BodyName>(reply: Promise<Msg>, kind: K): Promise<Bodies[K]> {
  let msg: Msg;
  try {
    msg = await reply;
  } catch (error) {
    throw toSysError(error);
  }
  const body = (msg as unknown as Record<string, unknown>)[kind];
  if (body === undefined || body === null) throw new SysError("EIO", `expected a ${kind} reply`);
  return body as Bodies[K];
}

/**
 * This node's way to one peer: one outbound connection, dialled on first use. Casts made
 * while it dials wait in order, so a sender's messages keep their order from the start.
 */
export class Link {
  readonly peer: string;
  /** Send credit toward the peer's processes; tied to this connection, as the peer's ledger is. */
  readonly credits = new SendCredits();
  private readonly dial: () => Promise<Channel>;
  private channel: Channel | undefined;
  private connecting: Promise<Channel> | undefined;
  private backlog: Body[] = [];
  private closedWith: string | undefined;
  private abortDial: ((error: Error) => void) | undefined;

  constructor(peer: string, dial: () => Promise<Channel>) {
    this.peer = peer;
    this.dial = dial;
  }

  get isClosed(): boolean {
    return this.closedWith !== undefined;
  }

  private ready(): Promise<Channel> {
    if (this.closedWith !== undefined) return Promise.reject(new SysError("EHOSTUNREACH", `${this.peer}: ${this.closedWith}`));
    // A link closed while it dials (its node declared down) fails its waiters at once.
    this.connecting ??= new Promise<Channel>((resolve, reject) => {
      this.abortDial = reject;
      this.dial().then((channel) => {
        if (this.closedWith !== undefined) channel.close(this.closedWith);
        resolve(channel);
      }, reject);
    }).then(
      (channel) => {
        this.channel = channel;
        channel.onClose((reason) => this.close(reason));
        for (const body of this.backlog.splice(0)) channel.cast(body);
        return channel;
      },
      (error: unknown) => {
        this.close((error as Error).message);
        throw new SysError("EHOSTUNREACH", `${this.peer}: ${(error as Error).message}`);
      },
    );
    return this.connecting;
  }

  /** Whether `channel` is this link's connection (a grant from an older one is stale). */
  carries(channel: Channel): boolean {
    return this.channel === channel;
  }

  cast(body: Body): void {
    if (this.closedWith !== undefined) return;
    if (this.channel) return this.channel.cast(body);
    this.backlog.push(body);
    this.ready().catch(() => {});
  }

  async call<K extends BodyName>(body: Body, kind: K): Promise<Bodies[K]> {
    const channel = this.channel ?? (await this.ready());
    return expectReply(channel.call(body), kind);
  }

  /** Pending calls fail with EHOSTUNREACH; the owner makes a new Link to try again. */
  close(reason: string): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = reason;
    this.backlog = [];
    this.abortDial?.(new Error(reason));
    if (this.channel && !this.channel.isClosed) this.channel.close(reason);
  }
}
