import { setImmediate as turn } from "node:timers/promises";
import { ModuleError } from "../../host/kernel/module-cache.ts";
import { SysError } from "../../host/kernel/errors.ts";
import type { BenchContext } from "../entry.ts";
import { fromSamples, type Measurement } from "../stats.ts";
import { benchNode, startGuest } from "./node.ts";

const BATCH = 500;

/**
 * Start parked guests (blocked in recv) on one node until it refuses one or the cap is
 * reached. Samples are the per-process cost of starting a batch and running it until
 * every process blocks; memory per process is the growth of the node's RSS.
 */
export async function processesPerNode(ctx: BenchContext): Promise<Measurement> {
  const { kernel, guest } = await benchNode(ctx);
  const cap = ctx.quick ? 10_000 : 30_000;
  const rssBefore = process.memoryUsage().rss;
  const samples: number[] = [];
  let live = 0;
  let refused = "";
  try {
    while (live < cap && !refused) {
      const t0 = performance.now();
      let started = 0;
      for (; started < BATCH && live + started < cap; started++) {
        try {
          startGuest(kernel, guest, ["park"], () => {});
        } catch (error) {
          // Refused: a module error, or the node's memory budget (EAGAIN).
          if (!(error instanceof ModuleError || error instanceof SysError)) throw error;
          refused = error.message;
          break;
        }
      }
      await turn();
      if (started > 0) samples.push(((performance.now() - t0) * 1e6) / started);
      live += started;
      if (live % 2_500 === 0) ctx.progress(`processes-per-node: ${live} live`);
    }
    const bytes = (process.memoryUsage().rss - rssBefore) / live;
    if (refused) ctx.progress(`processes-per-node: node refused process ${live + 1}: ${refused}`);
    return { ...fromSamples(samples), extra: { capacity: live, bytes_per_process: Math.round(bytes) } };
  } finally {
    kernel.shutdown();
  }
}
