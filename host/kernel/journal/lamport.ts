/**
 * The node's Lamport clock. All of a node's processes run on one event loop, so the node
 * is one sequential process in Lamport's sense and one counter serves them all: each
 * journaled call and each guest's `lamport` read ticks it, every frame a node sends
 * carries it (Batch.lamport), and every frame it receives advances it past the stamp.
 * Then a send is below the recv that takes its message and a spawn below the child's
 * first call, on any nodes.
 */
export class LamportClock {
  private time = 0;

  /** The time of the last event here (0 before any). */
  get now(): number {
    return this.time;
  }

  /** A new event here: its time. */
  tick(): number {
    const next = this.time + 1;
    if (!(next > this.time && next <= Number.MAX_SAFE_INTEGER)) throw new Error(`lamport: clock ${this.time} cannot advance`);
    return (this.time = next);
  }

  /** A message stamped `stamp` arrived: this node's next events come after it (max + 1). */
  observe(stamp: number): void {
    if (!(Number.isSafeInteger(stamp) && stamp >= 0 && stamp <= MAX_LAMPORT)) throw new RangeError(`lamport: stamp ${stamp} out of range`);
    if (stamp >= this.time) this.time = stamp + 1;
  }
}

/**
 * The highest time a stamp may carry: a peer's stamp above it is refused. A clock that a
 * hostile peer pushed up to it still has 2^52 ticks before Number.MAX_SAFE_INTEGER: at a
 * million events a second, over a century.
 */
export const MAX_LAMPORT = 2 ** 52;
