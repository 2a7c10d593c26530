import { invariant } from "../kernel/invariant.ts";

/**
 * Handshakes one remote address may have in flight at once: one host cannot take all of a
 * node's handshake slots (MAX_HANDSHAKES_IN_FLIGHT) and so lock out the other members.
 */
export const MAX_HANDSHAKES_PER_ADDRESS = 8;

/** The address of a connection's remote end, without its port: "10.0.0.3:51234" is "10.0.0.3", "[::1]:80" is "::1". */
export function addressOf(remote: string): string {
  const v6 = /^\[(.*)\]:\d+$/.exec(remote);
  if (v6) return v6[1]!;
  const v4 = /^([^:]*):\d+$/.exec(remote);
  return v4 ? v4[1]! : remote;
}

/**
 * Loopback is not limited: a cluster on one machine (`cluster up`) has every member at
 * 127.0.0.1, and a local user can reach the node's process in worse ways than handshakes.
 */
const isLoopback = (address: string): boolean => /^(127\.|::1$|::ffff:127\.)/.test(address);

/** Counts handshakes in flight per remote address; an address at its limit is refused. */
export class AddressGate {
  private readonly inFlight = new Map<string, number>();
  private readonly limit: number;

  constructor(limit = MAX_HANDSHAKES_PER_ADDRESS) {
    this.limit = limit;
  }

  /** Take a slot for a connection from `remote`; false when its address has none left. */
  take(remote: string): boolean {
    const address = addressOf(remote);
    if (isLoopback(address)) return true;
    const count = this.inFlight.get(address) ?? 0;
    if (count >= this.limit) return false;
    this.inFlight.set(address, count + 1);
    return true;
  }

  /** Its handshake ended (either way): the slot `take` gave is free again. */
  release(remote: string): void {
    const address = addressOf(remote);
    if (isLoopback(address)) return;
    const count = this.inFlight.get(address) ?? 0;
    invariant(count > 0, () => `address gate: ${address} released with no handshake in flight`);
    if (count === 1) this.inFlight.delete(address);
    else this.inFlight.set(address, count - 1);
  }
}
