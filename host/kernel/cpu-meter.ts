import { exitInfo } from "./errors.ts";
import type { Process } from "./process.ts";

/**
 * Times a process's guest turns (from a start or wake-up to its next suspension or end)
 * into Process.cpuTimeNs, and ends it once that passes its CPU budget (limits.cpuMs).
 * A turn is at most one fuel slice, so a process overruns its budget by at most one slice.
 * Wall time of the turn stands for CPU time: the node runs one guest at a time on one
 * thread, so a turn's time is the guest's (and its synchronous host calls') own.
 */
export class CpuMeter {
  private readonly proc: Process;
  /** performance.now() at the start of the turn running now; undefined between turns. */
  private turnStart: number | undefined;

  constructor(proc: Process) {
    this.proc = proc;
  }

  begin(): void {
    if (this.turnStart !== undefined) throw new Error(`cpu meter: pid ${this.proc.pid} began a turn inside a turn`);
    this.turnStart = performance.now();
  }

  end(): void {
    if (this.turnStart === undefined) throw new Error(`cpu meter: pid ${this.proc.pid} ended a turn it had not begun`);
    const ns = Math.round((performance.now() - this.turnStart) * 1e6);
    this.turnStart = undefined;
    if (!(ns >= 0)) throw new Error(`cpu meter: pid ${this.proc.pid} had a turn of ${ns} ns`);
    this.proc.cpuTimeNs += ns;
  }

  /** At a suspension: a process past its budget ends there, naming the limit. */
  check(): void {
    const budgetMs = this.proc.limits.cpuMs;
    const usedMs = this.proc.cpuTimeNs / 1e6;
    if (usedMs > budgetMs) {
      this.proc.kernel.terminate(this.proc, exitInfo("LIMIT_CPU", `over its CPU-time budget: ${usedMs.toFixed(1)} ms of ${budgetMs} ms`));
    }
  }
}
