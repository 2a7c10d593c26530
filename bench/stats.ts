/** What every entry reports: the cost of one operation, in nanoseconds. */
export interface Measurement {
  readonly median_ns: number;
  readonly p99_ns: number;
  /** Entry-specific figures beside the timing (e.g. capacity, bytes per process). */
  readonly extra?: Readonly<Record<string, number>>;
  /**
   * The ratio to its floor when the entry measured it itself, in pairs with the floor
   * (alternated.ts); else the run divides the two medians.
   */
  readonly ratio?: number;
}

/** The q-quantile (0..1) of ascending `sorted`, interpolated linearly between ranks. */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** The median of `values` (any unit). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("no values");
  return quantile([...values].sort((a, b) => a - b), 0.5);
}

/** Median and p99 of per-operation samples in ns (single calls, or batch means). */
export function fromSamples(samplesNs: readonly number[]): Measurement {
  if (samplesNs.length === 0) throw new Error("no samples");
  const sorted = [...samplesNs].sort((a, b) => a - b);
  return { median_ns: quantile(sorted, 0.5), p99_ns: quantile(sorted, 0.99) };
}
