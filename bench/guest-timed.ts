import type { ExitInfo } from "../host/kernel/errors.ts";
import type { BenchContext } from "./entry.ts";
import { benchNode, startGuest } from "./local/node.ts";
import { recorderFor } from "../host/kernel/replay/child-recording.ts";
import { MAX_RECORD_BYTES } from "../host/kernel/replay/record-format.ts";
import { fromSamples, type Measurement } from "./stats.ts";

export interface GuestRun {
  /** The guest's mode (see bench/guests/syscalls.ts) and its TARGET arguments. */
  readonly mode: string;
  readonly args?: readonly string[];
  /** Calls per timed batch: enough that the two clock reads around it vanish. */
  readonly calls: number;
  readonly batches: { readonly quick: number; readonly full: number };
  /** Calls made before timing counts (default 20,000): V8 tiers up the hot path only after thousands. */
  readonly warmupCalls?: number;
  /** Run the component bench guest (bench/guests/component.js) instead of the core one. */
  readonly component?: boolean;
  /** Run on the second node of the bench cluster (remote/cluster.ts) instead of a fresh node in this process. */
  readonly remote?: boolean;
  /** Records the fresh node's journal keeps (default: the node's default; 0: no journal). */
  readonly journal?: number;
  /** Record the guest (onebox run --record), with a limit it never reaches, to show what recording costs. */
  readonly recorded?: boolean;
}

/** A node in this process with the bench guest loaded (benchNode). */
export type BenchNode = Awaited<ReturnType<typeof benchNode>>;

/** Run the bench guest with `args` on `node`. */
async function runOn({ kernel, guest }: BenchNode, run: GuestRun, args: readonly string[], line: (text: string) => void): Promise<ExitInfo> {
  const recorder = run.recorded ? recorderFor(guest, args, kernel.limits.memoryPages, MAX_RECORD_BYTES) : undefined;
  const proc = startGuest(kernel, guest, args, line, recorder);
  return kernel.whenExited(proc.pid);
}

/** Run the bench guest with `args` on a fresh node in this process. */
async function runHere(ctx: BenchContext, run: GuestRun, args: readonly string[], line: (text: string) => void): Promise<ExitInfo> {
  const node = await benchNode(ctx, run.component ? ctx.componentGuest() : ctx.guest(), run.journal);
  try {
    return await runOn(node, run, args, line);
  } finally {
    node.kernel.shutdown();
  }
}

/**
 * Run the bench guest in one mode and turn its batch timings into per-call samples (ns):
 * on `node` if given (run.journal is then that node's), else on a fresh node, or on the
 * bench cluster (run.remote). Batches that warm the JIT are run first and dropped.
 */
export async function guestSamples(ctx: BenchContext, run: GuestRun, node?: BenchNode): Promise<number[]> {
  const batches = ctx.quick ? run.batches.quick : run.batches.full;
  const warm = Math.max(2, Math.ceil((run.warmupCalls ?? 20_000) / run.calls));
  const lines: string[] = [];
  const args = [run.mode, String(warm + batches), String(run.calls), ...(run.args ?? [])];
  const collect = (line: string) => void lines.push(line);
  const info = run.remote
    ? await (await ctx.cluster()).run(await ctx.guest(), args, collect)
    : node
      ? await runOn(node, run, args, collect)
      : await runHere(ctx, run, args, collect);
  const failed = lines.find((l) => l.startsWith("error"));
  if (info.reason !== "NORMAL" || info.status !== 0 || failed) {
    throw new Error(`bench guest ${run.mode} ended ${info.reason.toLowerCase()} (${failed ?? info.text})`);
  }
  return lines.slice(warm).map((l) => Number(l) / run.calls);
}

/** guestSamples' median and p99. */
export async function guestTimed(ctx: BenchContext, run: GuestRun): Promise<Measurement> {
  return fromSamples(await guestSamples(ctx, run));
}
