import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import { BufferedConn, type CertificateSubject, type Conn, type Listener, type Transport } from "./transport.ts";
import { MAX_FRAME_BYTES } from "./wire.ts";

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  /** The cluster's CA: with it, TLS is mutual and each side's certificate must be signed by it. */
  readonly caFile?: string;
}

/** The subject of a socket's verified peer certificate; undefined without one. */
function peerSubject(socket: unknown): CertificateSubject | undefined {
  const tls = socket as Partial<TLSSocket>;
  if (!tls.authorized || typeof tls.getPeerCertificate !== "function") return undefined;
  const { subject, valid_from: validFrom } = tls.getPeerCertificate();
  const one = (value: string | string[] | undefined): string => (Array.isArray(value) ? "" : (value ?? ""));
  return subject ? { name: one(subject.CN), unit: one(subject.OU), issuedAt: Math.floor(Date.parse(validFrom) / 1000) } : undefined;
}

class WsConn extends BufferedConn {
  readonly remote: string;
  readonly peerCertificate: CertificateSubject | undefined;
  private readonly socket: WebSocket;

  constructor(socket: WebSocket, remote: string, peerCertificate?: CertificateSubject) {
    super();
    this.socket = socket;
    this.remote = remote;
    this.peerCertificate = peerCertificate;
    socket.binaryType = "nodebuffer";
    socket.on("message", (data: RawData, isBinary: boolean) => {
      if (!isBinary) return this.close("text frame on a binary protocol");
      this.received(data as Buffer);
    });
    // 1009 is ws's answer to a frame above maxPayload: that connection only.
    socket.on("close", (code, reason) => this.closed(reason.toString() || (code === 1009 ? "frame too large" : `closed (${code})`)));
    socket.on("error", (error) => this.closed(error.message));
  }

  send(frame: Uint8Array): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(frame, { binary: true });
  }

  close(reason: string): void {
    // Close reasons are limited to 123 bytes by the protocol.
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(1000, reason.slice(0, 120));
    else this.socket.terminate();
    this.closed(reason);
  }
}

function parseAddress(address: string): { host: string; port: number } {
  const match = /^(.*):(\d+)$/.exec(address);
  if (!match) throw new Error(`listen address must be HOST:PORT, got '${address}'`);
  return { host: match[1]!.replace(/^\[|\]$/g, ""), port: Number(match[2]) };
}

/** Bounds on plain HTTP requests to a node's port (ws's upgrades pass them too). */
const HTTP_LIMITS = { maxHeaderSize: 8192, headersTimeout: 10_000, requestTimeout: 30_000 };

/** Without a handler, an HTTP request that is not an upgrade still gets an answer. */
const WEBSOCKET_ONLY: http.RequestListener = (_req, res) => {
  res.writeHead(426, { "content-type": "text/plain", connection: "close" });
  res.end("onebox node: WebSocket only\n");
};

/**
 * WebSocket connections; wss when a certificate and key are given, and mutual TLS when
 * the CA is given too: both ends of a link present a certificate the CA signed, and each
 * Conn carries the peer's subject. Host names are not checked: a node is known by the name
 * in its certificate, which the handshake compares with the name it claims. Plain HTTP
 * requests on the same port (metrics, health, the dashboard) need no client certificate:
 * the TLS layer asks for one but lets the connection on, and only a WebSocket upgrade is
 * refused without a certificate the CA signed.
 */
export class WsTransport implements Transport {
  private readonly tls: { cert: Buffer; key: Buffer; ca?: Buffer } | undefined;
  private readonly serveHttp: http.RequestListener;

  /** `serveHttp` answers plain HTTP requests on the same port (the node's metrics, health, dashboard). */
  constructor(tls?: TlsFiles, serveHttp: http.RequestListener = WEBSOCKET_ONLY) {
    this.tls = tls && { cert: fs.readFileSync(tls.certFile), key: fs.readFileSync(tls.keyFile), ca: tls.caFile === undefined ? undefined : fs.readFileSync(tls.caFile) };
    this.serveHttp = serveHttp;
  }

  private get mutual(): boolean {
    return this.tls?.ca !== undefined;
  }

  async listen(address: string, accept: (conn: Conn) => void): Promise<Listener> {
    const { host, port } = parseAddress(address);
    const server = this.tls
      ? https.createServer({ ...this.tls, ...HTTP_LIMITS, requestCert: this.mutual, rejectUnauthorized: false }, this.serveHttp)
      : http.createServer(HTTP_LIMITS, this.serveHttp);
    // Under mutual TLS a link needs a certificate the CA signed; plain HTTP requests do not.
    const verifyClient = this.mutual ? (info: { req: http.IncomingMessage }) => (info.req.socket as TLSSocket).authorized === true : undefined;
    const wss = new WebSocketServer({ server, maxPayload: MAX_FRAME_BYTES, verifyClient });
    wss.on("connection", (socket, request) => {
      accept(new WsConn(socket, `${request.socket.remoteAddress}:${request.socket.remotePort}`, peerSubject(request.socket)));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    const bound = (server.address() as AddressInfo).port;
    const url = `${this.tls ? "wss" : "ws"}://${host.includes(":") ? `[${host}]` : host}:${bound}`;
    return {
      url,
      close: () =>
        new Promise<void>((resolve) => {
          for (const client of wss.clients) client.terminate();
          wss.close(() => {
            server.close(() => resolve());
            server.closeAllConnections(); // HTTP requests still open (a dashboard's keep-alive)
          });
        }),
    };
  }

  connect(url: string): Promise<Conn> {
    return new Promise((resolve, reject) => {
      // A zero mask makes ws skip masking: masking guards browsers' traffic through
      // proxies (RFC 6455) and buys nothing between nodes that authenticate each other,
      // while it cost the sending node 12% of its time under a stream of small messages.
      const tls = this.mutual ? { ...this.tls, checkServerIdentity: () => undefined } : {};
      const socket = new WebSocket(url, { maxPayload: MAX_FRAME_BYTES, generateMask: (mask) => void mask.fill(0), ...tls });
      let peer: CertificateSubject | undefined;
      // Only a CA the cluster chose vouches for a name; a server's certificate under one-way TLS does not.
      if (this.mutual) socket.once("upgrade", (response) => void (peer = peerSubject(response.socket)));
      socket.once("open", () => {
        socket.off("error", reject);
        resolve(new WsConn(socket, url, peer));
      });
      socket.once("error", reject);
    });
  }
}
