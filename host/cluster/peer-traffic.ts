import { invariant } from "../kernel/invariant.ts";
import { noTraffic, type Traffic } from "../transport/channel.ts";

/** Peers recorded apart; the rest share one record, so a stream of new client names cannot grow the map. */
export const MAX_PEERS_COUNTED = 1024;
const OTHERS = "(others)";

/**
 * Messages and bytes exchanged with each peer (a node or a client, by the name it gave
 * in the handshake), over every connection to it, kept after those connections close:
 * the node's metrics and the dashboard's message flow read it.
 */
export class PeerTraffic {
  private readonly peers = new Map<string, Traffic>();

  /** The record a new channel to `peer` counts into. */
  of(peer: string): Traffic {
    const known = this.peers.get(peer);
    if (known) return known;
    // One slot stays for the shared record.
    const key = this.peers.size < MAX_PEERS_COUNTED - 1 ? peer : OTHERS;
    let traffic = this.peers.get(key);
    if (!traffic) this.peers.set(key, (traffic = noTraffic()));
    invariant(this.peers.size <= MAX_PEERS_COUNTED, () => `${this.peers.size} peers counted, over ${MAX_PEERS_COUNTED}`);
    return traffic;
  }

  entries(): IterableIterator<[string, Traffic]> {
    return this.peers.entries();
  }
}
