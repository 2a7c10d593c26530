import fs from "node:fs";
import path from "node:path";
import { packagePath } from "../host/package-root.ts";
import { buildGuest } from "../host/toolchain/build.ts";
import { componentBenchGuest } from "./component-guest.ts";
import type { BenchContext, Entry } from "./entry.ts";
import { ENTRIES } from "./entries.ts";
import { thisMachine, type Machine } from "./machine.ts";
import type { Measurement } from "./stats.ts";
import { startBenchCluster, type BenchCluster } from "./remote/cluster.ts";
import { judge, type TargetVerdict } from "./target.ts";
import { FILE_4K, makeWorkdir, MINIMAL_MODULE } from "./workdir.ts";

const GUEST_SOURCE = packagePath("bench", "guests", "syscalls.ts");

/** One row of a report, as --json prints it. Timing fields are null when skipped. */
export interface Result {
  readonly name: string;
  readonly median_ns: number | null;
  readonly p99_ns: number | null;
  readonly ops_per_s: number | null;
  readonly floor: string | null;
  /** median_ns / the floor's median_ns, or the entry's own paired ratio (Measurement.ratio): the figure that matters. */
  readonly ratio: number | null;
  readonly target?: TargetVerdict;
  /** Why there are no figures: the entry is skipped, or it failed. */
  readonly skipped?: string;
  readonly error?: string;
  readonly capacity?: number;
  readonly bytes_per_process?: number;
}

export interface Report {
  readonly date: string;
  readonly quick: boolean;
  readonly machine: Machine;
  readonly results: readonly Result[];
}

export interface SuiteOptions {
  readonly quick: boolean;
  /** Entry names to run (with the floors they name); all when empty. */
  readonly only: readonly string[];
  readonly progress: (text: string) => void;
}

/** The entries to run: those asked for, and the floors they are divided by. */
function select(only: readonly string[]): Entry[] {
  if (only.length === 0) return [...ENTRIES];
  const unknown = only.filter((name) => !ENTRIES.some((e) => e.name === name));
  if (unknown.length > 0) throw new Error(`no bench entry named ${unknown.join(", ")}`);
  const wanted = new Set(only.flatMap((name) => [name, ENTRIES.find((e) => e.name === name)!.floor ?? name]));
  return ENTRIES.filter((e) => wanted.has(e.name));
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

function figures(entry: Entry, m: Measurement, floor: Measurement | undefined): Result {
  const ratio = m.ratio !== undefined ? round(m.ratio, 3) : floor ? round(m.median_ns / floor.median_ns, 3) : null;
  const capacity = m.extra?.capacity;
  return {
    name: entry.name,
    median_ns: round(m.median_ns, 1),
    p99_ns: round(m.p99_ns, 1),
    ops_per_s: Math.round(1e9 / m.median_ns),
    floor: entry.floor ?? null,
    ratio,
    ...(entry.target ? { target: judge(entry.target, { median_ns: m.median_ns, ratio, capacity }) } : {}),
    ...m.extra,
  };
}

const empty = (entry: Entry, why: { skipped: string } | { error: string }): Result => ({
  name: entry.name, median_ns: null, p99_ns: null, ops_per_s: null, floor: entry.floor ?? null, ratio: null, ...why,
});

/** Run the suite; an entry that fails is reported as such and the rest still run. */
export async function runSuite(options: SuiteOptions): Promise<Report> {
  const entries = select(options.only);
  const workdir = makeWorkdir();
  const build = async (): Promise<Uint8Array> => {
    options.progress("building the bench guest");
    return fs.readFileSync((await buildGuest(GUEST_SOURCE, path.join(workdir, "syscalls.wasm"))).out);
  };
  let guest: Promise<Uint8Array> | undefined;
  let componentGuest: Promise<Uint8Array> | undefined;
  let cluster: Promise<BenchCluster> | undefined;
  const ctx: BenchContext = {
    quick: options.quick,
    workdir,
    progress: options.progress,
    guest: () => (guest ??= build()),
    componentGuest: () => (componentGuest ??= componentBenchGuest(options.progress)),
    cluster: () => {
      if (!cluster) options.progress("starting two node processes");
      return (cluster ??= startBenchCluster(workdir, [FILE_4K, MINIMAL_MODULE]));
    },
  };
  const measured = new Map<string, Measurement>();
  const results: Result[] = [];
  try {
    for (const [i, entry] of entries.entries()) {
      const step = `[${i + 1}/${entries.length}] ${entry.name}`;
      if ("skipped" in entry) {
        options.progress(`${step}: skipped: ${entry.skipped}`);
        results.push(empty(entry, { skipped: entry.skipped }));
        continue;
      }
      options.progress(`${step} ...`);
      try {
        const m = await entry.run(ctx);
        measured.set(entry.name, m);
        results.push(figures(entry, m, entry.floor ? measured.get(entry.floor) : undefined));
      } catch (error) {
        options.progress(`${step}: failed: ${(error as Error).stack ?? error}`);
        results.push(empty(entry, { error: (error as Error).message }));
      }
    }
  } finally {
    await cluster?.then((c) => c.stop(), () => {});
    fs.rmSync(workdir, { recursive: true, force: true });
  }
  return { date: new Date().toISOString(), quick: options.quick, machine: thisMachine(), results };
}
