import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { ABI_VERSION } from "../../abi/abi.ts";
import { shown } from "./bounded-log.ts";
import type { Clock } from "../clock/clock.ts";
import type { Conn } from "./transport.ts";
import { decodeFrame, encodeFrame, type Frame } from "./wire.ts";

/** Who this end is and what a peer must prove to talk to it. */
export interface Identity {
  readonly cluster: string;
  readonly name: string;
  readonly secret: Uint8Array;
  /** Where refusals are reported, on both sides. */
  readonly log: (line: string) => void;
  /** What the handshake's timeout is measured in: the node's clock. */
  readonly clock: Clock;
  /** This end's node id, told to the peer (absent or 0: not a member). */
  readonly nodeId?: () => number;
}

/** Who passed the handshake: a member's node name and incarnation (0 for a client). */
export interface Peer {
  readonly name: string;
  readonly nodeId: number;
}

export class HandshakeError extends Error {}

/** Each handshake frame must arrive within this; a peer that stalls is refused and closed. */
export const HANDSHAKE_TIMEOUT_MS = 5000;
/** No handshake frame is larger: a hello is a few hundred bytes. */
export const MAX_HANDSHAKE_FRAME_BYTES = 4096;
/** Cluster and node names, in bytes of UTF-8. */
export const MAX_NAME_BYTES = 255;
const NONCE_BYTES = 32;

const mac = (secret: Uint8Array, role: string, nonce: Uint8Array): Buffer =>
  createHmac("sha256", secret).update(role).update(nonce).digest();

function sameMac(a: Uint8Array | null | undefined, b: Buffer): boolean {
  return a !== undefined && a !== null && a.byteLength === b.byteLength && timingSafeEqual(a, b);
}

/** The last handshake frame read per connection: a repeat of it is a duplicate, not a step. */
const lastRead = new WeakMap<Conn, Buffer>();

/** The next frame on a connection that has no other reader yet. */
function nextFrame(me: Identity, conn: Conn): Promise<Frame> {
  return new Promise((resolve, reject) => {
    const timer = me.clock.setTimeout(() => reject(new HandshakeError("handshake timed out")), HANDSHAKE_TIMEOUT_MS);
    conn.setHandlers(
      (bytes) => {
        if (bytes.byteLength > MAX_HANDSHAKE_FRAME_BYTES) {
          me.clock.clearTimeout(timer);
          return reject(new HandshakeError(`handshake frame of ${bytes.byteLength} bytes, over the limit of ${MAX_HANDSHAKE_FRAME_BYTES}`));
        }
        const previous = lastRead.get(conn);
        if (previous?.equals(bytes)) return;
        lastRead.set(conn, Buffer.from(bytes));
        me.clock.clearTimeout(timer);
        try {
          resolve(decodeFrame(bytes));
        } catch (error) {
          reject(new HandshakeError(`malformed handshake frame: ${(error as Error).message}`));
        }
      },
      (reason) => {
        me.clock.clearTimeout(timer);
        reject(new HandshakeError(`connection closed during handshake: ${reason}`));
      },
    );
  });
}

function checkName(what: string, name: string): void {
  if (name === "" || Buffer.byteLength(name) > MAX_NAME_BYTES) throw new HandshakeError(`${what} must be 1..${MAX_NAME_BYTES} bytes, got ${Buffer.byteLength(name)}`);
}

/** A hello whose every field has its size, before anything uses it. */
function checkHello(me: Identity, conn: Conn, frame: Frame): NonNullable<Extract<Frame, { hello: unknown }>["hello"]> {
  if ("refuse" in frame && frame.refuse) throw new HandshakeError(`refused: ${shown(frame.refuse.reason, 200)}`);
  if (!("hello" in frame) || !frame.hello) throw new HandshakeError("expected a hello");
  const hello = frame.hello;
  checkName("cluster name", hello.cluster);
  checkName("node name", hello.name);
  if (!(hello.nonce instanceof Uint8Array) || hello.nonce.byteLength !== NONCE_BYTES) {
    throw new HandshakeError(`nonce must be ${NONCE_BYTES} bytes, got ${hello.nonce instanceof Uint8Array ? hello.nonce.byteLength : 0}`);
  }
  if (hello.cluster !== me.cluster) throw new HandshakeError(`cluster '${shown(hello.cluster)}' is not this cluster '${me.cluster}'`);
  if (hello.abiVersion !== ABI_VERSION) throw new HandshakeError(`ABI version ${hello.abiVersion} is not this node's ${ABI_VERSION}`);
  // Under mutual TLS a peer is who its certificate says: nobody speaks under another's name.
  const certified = conn.peerCertificate;
  if (certified && certified.name !== hello.name) throw new HandshakeError(`'${shown(hello.name)}' presents the certificate of '${shown(certified.name)}'`);
  return hello;
}

/** Refuse on the wire, log it here, and fail the caller. */
function refuse(me: Identity, conn: Conn, who: string, error: unknown): never {
  const reason = error instanceof HandshakeError ? error.message : String(error);
  me.log(`refused connection ${who}: ${reason}`);
  conn.send(encodeFrame({ refuse: { reason } }));
  conn.close(reason);
  throw error instanceof HandshakeError ? error : new HandshakeError(reason);
}

/** Dial side: returns the peer's name once both ends proved the shared secret. */
export async function clientHandshake(me: Identity, conn: Conn): Promise<string> {
  const nonce = randomBytes(NONCE_BYTES);
  conn.send(encodeFrame({ hello: { cluster: me.cluster, abiVersion: ABI_VERSION, nonce, name: me.name, nodeId: me.nodeId?.() ?? 0 } }));
  let hello;
  try {
    hello = checkHello(me, conn, await nextFrame(me, conn));
    if (!sameMac(hello.proof, mac(me.secret, "server", nonce))) throw new HandshakeError("peer does not know the cluster secret (HMAC mismatch)");
  } catch (error) {
    if (error instanceof HandshakeError && error.message.startsWith("refused")) {
      me.log(`${conn.remote} ${error.message}`);
      conn.close(error.message);
      throw error;
    }
    refuse(me, conn, `to ${conn.remote}`, error);
  }
  conn.send(encodeFrame({ proof: { proof: mac(me.secret, "client", hello.nonce) } }));
  let answer: Frame;
  try {
    answer = await nextFrame(me, conn);
  } catch (error) {
    refuse(me, conn, `to ${conn.remote}`, error);
  }
  if ("welcome" in answer && answer.welcome) return hello.name;
  const reason = "refuse" in answer && answer.refuse ? shown(answer.refuse.reason, 200) : "unexpected frame";
  me.log(`${conn.remote} refused us: ${reason}`);
  conn.close(reason);
  throw new HandshakeError(`refused by ${shown(hello.name)}: ${reason}`);
}

/** Accept side: returns who the peer is, or refuses (logged here, told to the peer). */
export async function serverHandshake(me: Identity, conn: Conn): Promise<Peer> {
  const nonce = randomBytes(NONCE_BYTES);
  let hello;
  try {
    hello = checkHello(me, conn, await nextFrame(me, conn));
  } catch (error) {
    refuse(me, conn, `from ${conn.remote}`, error);
  }
  conn.send(encodeFrame({ hello: { cluster: me.cluster, abiVersion: ABI_VERSION, nonce, name: me.name, proof: mac(me.secret, "server", hello.nonce), nodeId: me.nodeId?.() ?? 0 } }));
  try {
    const answer = await nextFrame(me, conn);
    const proof = "proof" in answer && answer.proof ? answer.proof.proof : undefined;
    if (!sameMac(proof, mac(me.secret, "client", nonce))) throw new HandshakeError(`'${shown(hello.name)}' does not know the cluster secret (HMAC mismatch)`);
  } catch (error) {
    refuse(me, conn, `from ${shown(hello.name)} at ${conn.remote}`, error);
  }
  conn.send(encodeFrame({ welcome: {} }));
  return { name: hello.name, nodeId: hello.nodeId ?? 0 };
}
