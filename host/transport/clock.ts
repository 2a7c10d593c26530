/**
 * Time as the mesh reads it: now and one-shot timers. Production uses the real clock;
 * the simulated network and its nodes take one clock so a simulation can own time
 * (the step towards exact replay of a seed, see docs/ARCHITECTURE.md "Mesh").
 */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimeout(run: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}

/** Opaque to the caller: only the clock that made it can clear it. */
export type ClockTimer = { readonly __clockTimer: never } | NodeJS.Timeout;

export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};
