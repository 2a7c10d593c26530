import type { Clock } from "../../transport/clock.ts";

/**
 * The kernel's clock on a node whose right to act hangs on a lease: every timer and
 * every scheduling turn checks the lease first, and `guard` fences the node (ends its
 * processes) when the lease can no longer be trusted. A node resumed after a pause thus
 * ends its processes before any of them wakes from a sleep or gets its next turn.
 */
export function guardedClock(clock: Clock, guard: () => void): Clock {
  return {
    now: () => clock.now(),
    setTimeout: (run, ms) =>
      clock.setTimeout(() => {
        guard();
        run();
      }, ms),
    clearTimeout: (timer) => clock.clearTimeout(timer),
    setImmediate: (run) =>
      clock.setImmediate(() => {
        guard();
        run();
      }),
  };
}
