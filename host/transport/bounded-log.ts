import type { Clock } from "../clock/clock.ts";

/** How much of a peer's string a log line or refusal echoes. */
export const ECHO_CHARS = 64;

/**
 * A peer's string as a log line may show it: at most `max` characters, control characters
 * escaped, so that what a peer chose (a 10 MiB cluster name, a newline) is never more than
 * part of one line.
 */
export function shown(text: string, max = ECHO_CHARS): string {
  const cut = text.length > max ? `${text.slice(0, max)}... (${text.length} chars)` : text;
  return cut.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/**
 * A log that lets through at most `max` lines per window, then says how many it dropped
 * (with the next line after the window): a flood of bad frames or refused peers must not
 * become a flood of log.
 */
export class RateLimitedLog {
  private readonly log: (line: string) => void;
  private readonly clock: Clock;
  private readonly max: number;
  private readonly windowMs: number;
  private windowStart = -Infinity;
  private count = 0;
  private dropped = 0;

  constructor(log: (line: string) => void, clock: Clock, max = 20, windowMs = 10_000) {
    this.log = log;
    this.clock = clock;
    this.max = max;
    this.windowMs = windowMs;
  }

  line(text: string): void {
    const now = this.clock.now();
    if (now - this.windowStart >= this.windowMs) {
      if (this.dropped > 0) this.log(`(${this.dropped} more lines like these were dropped)`);
      this.windowStart = now;
      this.count = 0;
      this.dropped = 0;
    }
    if (this.count++ < this.max) this.log(text);
    else this.dropped++;
  }
}
