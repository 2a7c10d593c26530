import type { BenchCluster } from "./remote/cluster.ts";
import type { Measurement } from "./stats.ts";

/** What a run gives every entry. */
export interface BenchContext {
  readonly quick: boolean;
  /** Scratch directory: the export of every node the suite starts (see workdir.ts). */
  readonly workdir: string;
  /** The bench guest (bench/guests/syscalls.ts), compiled once per run. */
  guest(): Promise<Uint8Array>;
  /** The same as a JavaScript component (bench/guests/component.js), built once per source. */
  componentGuest(): Promise<Uint8Array>;
  /** Two node processes on loopback, started at the first remote entry and stopped when the run ends. */
  cluster(): Promise<BenchCluster>;
  progress(text: string): void;
}

/**
 * A target from issue 4 item 5. `ratio` bounds the median against the floor's median,
 * `median_ns` bounds the median itself, `capacity` is a floor on the extra figure of
 * that name.
 */
export type Target =
  | { readonly of: "ratio"; readonly max: number }
  | { readonly of: "median_ns"; readonly max: number }
  | { readonly of: "capacity"; readonly min: number };

interface EntryInfo {
  /** Fixed: runs compare by name. */
  readonly name: string;
  /** The operation one sample counts, for the docs and --help. */
  readonly op: string;
  /** The floor entry this one is divided by; floors themselves have none. */
  readonly floor?: string;
  readonly target?: Target;
}

/** One row of the suite: measured, or skipped with the reason. */
export type Entry = EntryInfo & ({ run(ctx: BenchContext): Promise<Measurement> } | { readonly skipped: string });
