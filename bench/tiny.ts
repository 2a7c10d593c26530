import { Bench } from "tinybench";
import type { Measurement } from "./stats.ts";

export interface TaskOptions {
  /** tinybench's time budget for the task, in ms (warm-up gets a quarter of it). */
  readonly timeMs: number;
  /**
   * Operations one task call performs. Above 1, the task is timed as a whole and each
   * sample is the per-operation mean, so tinybench's own overhead per call is amortized.
   */
  readonly opsPerCall?: number;
}

/** Run one host-timed task under tinybench and report per-operation median and p99. */
export async function measureTask(task: () => unknown, options: TaskOptions): Promise<Measurement> {
  const ops = options.opsPerCall ?? 1;
  const bench = new Bench({ time: options.timeMs, warmupTime: options.timeMs / 4, throws: true });
  const batched = async () => {
    const t0 = performance.now();
    await task();
    const ms = performance.now() - t0;
    return { overriddenDuration: ms / ops, overriddenIterationCost: ms };
  };
  bench.add("task", ops === 1 ? task : batched);
  const [done] = await bench.run();
  const result = done!.result;
  if (result.state !== "completed") throw new Error(`tinybench task ended ${result.state}`);
  return { median_ns: result.latency.p50 * 1e6, p99_ns: result.latency.p99 * 1e6 };
}
