import { performance } from "node:perf_hooks";

/**
 * Time as the mesh and the kernel read it: now, one-shot timers and the next turn.
 * Production uses the real clock; a simulation's network, nodes and kernels share one
 * VirtualClock so that a seed replays exactly (docs/ARCHITECTURE.md "Mesh").
 */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimeout(run: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
  /** Run after the current turn's microtasks: how the kernel lets other processes go first. */
  setImmediate(run: () => void): void;
}

/** Opaque to the caller: only the clock that made it can clear it. */
export type ClockTimer = { readonly __clockTimer: never } | NodeJS.Timeout;

export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
  setImmediate: (run) => void setImmediate(run),
};
