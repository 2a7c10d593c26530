import type { BenchContext } from "./entry.ts";
import { guestSamples, type BenchNode, type GuestRun } from "./guest-timed.ts";
import { benchNode } from "./local/node.ts";
import { fromSamples, median, type Measurement } from "./stats.ts";

/**
 * Rounds of the pair: each a short run of each side, so the two runs of a round see the
 * machine alike. On the 2-core VM the speed of the same code moved by a third within
 * seconds; the ratio of medians pooled over six rounds of fresh nodes spanned 0.8-1.5x.
 */
const ROUNDS = 30;

/**
 * One guest run measured on a node without a journal (`off`) and on one with its default
 * journal (`on`), in ROUNDS rounds, the side that goes first swapped every round: each
 * round runs a fresh guest on each of the two nodes, which live through all rounds, with
 * a share of the batches (the first round also warms the JIT, the others only the new
 * processes). Each side's median and p99 are over all its samples; the ratio of the pair
 * (Measurement.ratio) is the median over rounds of the round's on/off ratio of medians,
 * which the machine's speed moving between rounds does not bias. Both entries of a pair
 * read one measurement, made once per suite run.
 */
export function alternated(run: GuestRun): { off(ctx: BenchContext): Promise<Measurement>; on(ctx: BenchContext): Promise<Measurement> } {
  const share = { quick: Math.ceil(run.batches.quick / ROUNDS), full: Math.ceil(run.batches.full / ROUNDS) };
  const measure = async (ctx: BenchContext): Promise<{ off: Measurement; on: Measurement }> => {
    const nodes: { off?: BenchNode; on?: BenchNode } = {};
    try {
      nodes.off = await benchNode(ctx, ctx.guest(), 0);
      nodes.on = await benchNode(ctx, ctx.guest());
      const samples = { off: [] as number[], on: [] as number[] };
      const ratios: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const medians = { off: 0, on: 0 };
        for (const side of round % 2 === 0 ? (["off", "on"] as const) : (["on", "off"] as const)) {
          const got = await guestSamples(ctx, { ...run, batches: share, ...(round === 0 ? {} : { warmupCalls: 0 }) }, nodes[side]);
          samples[side].push(...got);
          medians[side] = median(got);
        }
        ratios.push(medians.on / medians.off);
      }
      return { off: fromSamples(samples.off), on: { ...fromSamples(samples.on), ratio: median(ratios) } };
    } finally {
      nodes.off?.kernel.shutdown();
      nodes.on?.kernel.shutdown();
    }
  };
  const made = new WeakMap<BenchContext, Promise<{ off: Measurement; on: Measurement }>>();
  const pair = (ctx: BenchContext) => {
    let measured = made.get(ctx);
    if (measured === undefined) made.set(ctx, (measured = measure(ctx)));
    return measured;
  };
  return { off: async (ctx) => (await pair(ctx)).off, on: async (ctx) => (await pair(ctx)).on };
}
