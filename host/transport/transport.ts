/**
 * What the cluster needs from a network: byte frames over ordered, reliable connections
 * (WebSocket in production, a seeded simulation in tests). Everything above, from the
 * handshake to batching, is written once against this.
 */
export interface Conn {
  /** Who is at the other end, for log lines. */
  readonly remote: string;
  /** The subject of the peer's certificate, verified against the cluster's CA (mutual TLS only). */
  readonly peerCertificate?: CertificateSubject;
  send(frame: Uint8Array): void;
  /** Close with a reason; the other end sees its connection close. */
  close(reason: string): void;
  /** Frames and the close arrive here; anything that came before a handler was set is replayed. */
  setHandlers(onFrame: (frame: Uint8Array) => void, onClose: (reason: string) => void): void;
}

/** Who a verified certificate names: its CN and its OU. */
export interface CertificateSubject {
  readonly name: string;
  readonly unit: string;
  /** When it was issued (its notBefore), Unix seconds: a revocation refuses credentials issued before it. */
  readonly issuedAt: number;
}

export interface Listener {
  /** The URL peers connect to. */
  readonly url: string;
  close(): Promise<void>;
}

export interface Transport {
  /** Accept connections on `address` (host:port for ws, any name for the simulation). */
  listen(address: string, accept: (conn: Conn) => void): Promise<Listener>;
  connect(url: string): Promise<Conn>;
}

/** The buffering every Conn needs between its creation and its owner's handlers. */
export abstract class BufferedConn implements Conn {
  abstract readonly remote: string;
  private onFrame: ((frame: Uint8Array) => void) | undefined;
  private onClose: ((reason: string) => void) | undefined;
  private early: Uint8Array[] = [];
  private closedWith: string | undefined;

  abstract send(frame: Uint8Array): void;
  abstract close(reason: string): void;

  setHandlers(onFrame: (frame: Uint8Array) => void, onClose: (reason: string) => void): void {
    this.onFrame = onFrame;
    this.onClose = onClose;
    const early = this.early;
    this.early = [];
    for (const frame of early) onFrame(frame);
    if (this.closedWith !== undefined) onClose(this.closedWith);
  }

  protected received(frame: Uint8Array): void {
    if (this.closedWith !== undefined) return;
    if (this.onFrame) this.onFrame(frame);
    else this.early.push(frame);
  }

  protected closed(reason: string): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = reason;
    this.onClose?.(reason);
  }

  get isClosed(): boolean {
    return this.closedWith !== undefined;
  }
}
