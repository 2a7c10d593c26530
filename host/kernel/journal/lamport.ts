/** The clock's slots in `LamportClock.state`. */
export const CLOCK_COUNT = 0;
export const CLOCK_BASE = 1;
export const CLOCK_SLOTS = 2;

/**
 * The node's Lamport clock. All of a node's processes run on one event loop, so the node
 * is one sequential process in Lamport's sense and one counter serves them all: each
 * journaled call and each guest's `lamport` read ticks it, every frame a node sends
 * carries it (Batch.lamport), and every frame it receives advances it past the stamp.
 * Then a send is below the recv that takes its message and a spawn below the child's
 * first call, on any nodes.
 *
 * The time is two numbers, `count + base`: `count` is the journal's records, each one
 * event, so a journaled call ticks the clock and takes its record's sequence number in
 * one increment (Journal.take), and its Lamport time is derived when it is read; `base`
 * moves only when the clock moves otherwise (a `lamport` read, a stamp from a peer), and
 * each move is told to the journal (`moved`), which keeps them to decode records with.
 * The journal adopts `state` as the first slots of its ring's array, so its hot path
 * touches one typed array.
 */
export class LamportClock {
  state: Float64Array = new Float64Array(CLOCK_SLOTS);
  /** Told every move of `base`, with the count it happened at: the journal's side ring. */
  moved: ((count: number, base: number) => void) | undefined;

  /** The time of the last event here (0 before any). */
  get now(): number {
    return this.state[CLOCK_COUNT]! + this.state[CLOCK_BASE]!;
  }

  /** A new event here that is not a journal record: its time. */
  tick(): number {
    const now = this.now;
    if (!(now + 1 <= Number.MAX_SAFE_INTEGER)) throw new Error(`lamport: clock ${now} cannot advance`);
    this.moveBase(this.state[CLOCK_BASE]! + 1);
    return now + 1;
  }

  /** A message stamped `stamp` arrived: this node's next events come after it (max + 1). */
  observe(stamp: number): void {
    if (!(Number.isSafeInteger(stamp) && stamp >= 0 && stamp <= MAX_LAMPORT)) throw new RangeError(`lamport: stamp ${stamp} out of range`);
    if (stamp >= this.now) this.moveBase(stamp + 1 - this.state[CLOCK_COUNT]!);
  }

  private moveBase(base: number): void {
    const state = this.state;
    if (!(base >= state[CLOCK_BASE]! && Number.isSafeInteger(base))) throw new Error(`lamport: base ${state[CLOCK_BASE]} moved to ${base}`);
    state[CLOCK_BASE] = base;
    this.moved?.(state[CLOCK_COUNT]!, base);
  }
}

/**
 * The highest time a stamp may carry: a peer's stamp above it is refused. A clock that a
 * hostile peer pushed up to it still has 2^52 ticks before Number.MAX_SAFE_INTEGER: at
 * ten million events a second, fourteen years.
 */
export const MAX_LAMPORT = 2 ** 52;
