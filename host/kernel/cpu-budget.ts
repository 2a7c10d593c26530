import { exitInfo } from "./errors.ts";
import { invariant } from "./invariant.ts";
import type { Process } from "./process.ts";

/**
 * At a suspension: a process whose guest turns (Process.cpuTimeNs) took more than its CPU
 * budget (limits.cpuMs) ends there, with a reason naming the limit. A turn lasts at most
 * one fuel slice, so a process overruns its budget by at most one slice. A turn's wall
 * time stands for CPU time: the node runs one guest at a time on one thread.
 */
export function checkCpuBudget(proc: Process): void {
  const budgetMs = proc.limits.cpuMs;
  const usedMs = proc.cpuTimeNs / 1e6;
  invariant(usedMs >= 0, () => `pid ${proc.pid} counted ${proc.cpuTimeNs} ns of CPU time`);
  if (usedMs > budgetMs) proc.kernel.terminate(proc, exitInfo("LIMIT_CPU", `over its CPU-time budget: ${usedMs.toFixed(1)} ms of ${budgetMs} ms`));
}
