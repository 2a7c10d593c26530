// How one cap is shared among a module's memories (or tables): the instrumenter
// declares each one's maximum under the node's cap, and the kernel gives each a
// process's own cap the same way when it creates them.

export interface Bounds {
  readonly min: number;
  /** The module's own maximum, if it declares one. */
  readonly max?: number | undefined;
}

/**
 * Maxima summing to at most `cap`: each keeps its minimum and gets an equal share
 * of what the minima leave, or its own smaller maximum. Undefined when the minima
 * alone exceed the cap.
 */
export function shareCap(entries: readonly Bounds[], cap: number): number[] | undefined {
  const needed = minimaOf(entries);
  if (needed > cap) return undefined;
  const share = entries.length > 0 ? Math.floor((cap - needed) / entries.length) : 0;
  const maxima = entries.map((e) => Math.min(e.max ?? Infinity, e.min + share));
  const total = maxima.reduce((sum, m) => sum + m, 0);
  if (total > cap) throw new Error(`shareCap: maxima sum to ${total}, over the cap ${cap}`);
  return maxima;
}

/** Pages (or elements) the minima of `entries` need together. */
export const minimaOf = (entries: readonly Bounds[]): number => entries.reduce((sum, e) => sum + e.min, 0);
