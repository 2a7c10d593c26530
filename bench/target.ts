import type { Target } from "./entry.ts";

export interface TargetVerdict {
  /** The target as written, e.g. "<= 2x floor". */
  readonly text: string;
  readonly met: boolean;
  /** How far past the bound (>= 1) when missed, how much room (<= 1) when met. */
  readonly by: number;
}

export interface Figures {
  readonly median_ns: number;
  readonly ratio: number | null;
  readonly capacity?: number;
}

/** Judge one entry's figures against its target. */
export function judge(target: Target, figures: Figures): TargetVerdict {
  switch (target.of) {
    case "ratio": {
      const ratio = figures.ratio ?? Number.NaN;
      return { text: `<= ${target.max}x floor`, met: ratio <= target.max, by: ratio / target.max };
    }
    case "median_ns":
      return { text: `<= ${target.max} ns`, met: figures.median_ns <= target.max, by: figures.median_ns / target.max };
    case "capacity": {
      const capacity = figures.capacity ?? 0;
      return { text: `>= ${target.min} processes`, met: capacity >= target.min, by: target.min / capacity };
    }
  }
}
