import type { BenchContext } from "./entry.ts";
import { guestSamples, type GuestRun } from "./guest-timed.ts";
import { fromSamples, type Measurement } from "./stats.ts";

/** Runs of each side: enough that drift in the machine's load falls on both alike. */
const ROUNDS = 6;

/**
 * One guest run measured on a node without a journal (`off`) and with its default one
 * (`on`), alternately: ROUNDS runs of each, each with a share of the batches, the side
 * that goes first swapped every round; each side's median is over all its rounds'
 * samples. Both entries of a pair read one measurement, made once per suite run, so
 * their ratio (the journal's cost) is not biased by the load moving between them or by
 * which ran first.
 */
export function alternated(run: GuestRun): { off(ctx: BenchContext): Promise<Measurement>; on(ctx: BenchContext): Promise<Measurement> } {
  const share = { quick: Math.ceil(run.batches.quick / ROUNDS), full: Math.ceil(run.batches.full / ROUNDS) };
  const measure = async (ctx: BenchContext): Promise<{ off: Measurement; on: Measurement }> => {
    const off: number[] = [];
    const on: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const journaled of round % 2 === 0 ? [false, true] : [true, false]) {
        const samples = await guestSamples(ctx, { ...run, batches: share, ...(journaled ? {} : { journal: 0 }) });
        (journaled ? on : off).push(...samples);
      }
    }
    return { off: fromSamples(off), on: fromSamples(on) };
  };
  const made = new WeakMap<BenchContext, Promise<{ off: Measurement; on: Measurement }>>();
  const pair = (ctx: BenchContext) => {
    let measured = made.get(ctx);
    if (measured === undefined) made.set(ctx, (measured = measure(ctx)));
    return measured;
  };
  return { off: async (ctx) => (await pair(ctx)).off, on: async (ctx) => (await pair(ctx)).on };
}
