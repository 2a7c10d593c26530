import type { Clock } from "../../clock/clock.ts";
import type { Conn, Transport } from "../../transport/transport.ts";

/*
 * A node whose right to act hangs on a lease checks it before anything can wake one of
 * its processes: a timer or scheduling turn of its kernel, or a frame from the network
 * (a message, a reply, a down notice). `guard` fences the node — ends its processes,
 * synchronously — when the lease can no longer be trusted, so a node resumed after a
 * pause ends its processes before any of them runs again.
 */

/** The kernel's clock, with `guard` before every timer and every turn. */
export function guardedClock(clock: Clock, guard: () => void): Clock {
  return {
    now: () => clock.now(),
    setTimeout: (run, ms) =>
      clock.setTimeout(() => {
        guard();
        run();
      }, ms),
    clearTimeout: (timer) => clock.clearTimeout(timer),
    setImmediate: (run) =>
      clock.setImmediate(() => {
        guard();
        run();
      }),
  };
}

/** The node's transport, with `guard` before every frame that arrives, on any connection. */
export function guardedTransport(transport: Transport, guard: () => void): Transport {
  const wrap = (conn: Conn): Conn => ({
    remote: conn.remote,
    // Who the peer is (mutual TLS): without it every peer of a node on etcd was anonymous,
    // as on an --insecure cluster, whatever its certificate said.
    peerCertificate: conn.peerCertificate,
    send: (frame) => conn.send(frame),
    close: (reason) => conn.close(reason),
    setHandlers: (onFrame, onClose) =>
      conn.setHandlers((frame) => {
        guard();
        onFrame(frame);
      }, onClose),
  });
  return {
    listen: (address, accept) => transport.listen(address, (conn) => accept(wrap(conn))),
    connect: async (url) => wrap(await transport.connect(url)),
  };
}
