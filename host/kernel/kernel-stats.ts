// What a node's kernel counts for its metrics: cheap enough for the syscall path. A call
// adds one to a typed array; one call in SAMPLE_EVERY of each kind is also timed, through
// the same path a tracer takes. Turning counts into a metrics format is the caller's job
// (host/observe/), at scrape time: the kernel imports nothing of it.
import { EXIT_REASONS, SYSCALLS, type ExitReasonName, type SyscallName } from "../../abi/abi.ts";
import { invariant } from "./invariant.ts";
import type { Tracer } from "./syscalls/dispatch.ts";

/** One call in this many of each kind is timed (and handed to `sampler`). */
export const SAMPLE_EVERY = 64;

/** A syscall's position in abi/abi.ts's list: its slot in the counts. */
const INDEX = new Map<string, number>(SYSCALLS.map((s, i) => [s.name, i]));
invariant(INDEX.size === SYSCALLS.length, "syscall names must be unique: the metrics label calls by name");

export const syscallIndex = (name: SyscallName): number => INDEX.get(name)!;

export class KernelStats {
  /**
   * Calls left before the next timed one, per syscall (by its index in SYSCALLS). It is
   * also the count: a call costs one decrement, and `rounds` one add per SAMPLE_EVERY calls.
   */
  readonly countdown = new Int32Array(SYSCALLS.length).fill(SAMPLE_EVERY);
  /** Times each countdown reached 0 and started over. Float64: exact up to 2^53, never wraps. */
  readonly rounds = new Float64Array(SYSCALLS.length);
  /** Processes started on this node. */
  started = 0;
  /** Processes ended on this node, by reason. */
  readonly exits = Object.fromEntries(Object.keys(EXIT_REASONS).map((r) => [r, 0])) as Record<ExitReasonName, number>;
  /** Gets each timed call; none set, sampled calls go untimed. */
  sampler: Tracer | undefined;

  /** Calls made of the syscall at `index`. */
  calls(index: number): number {
    const left = this.countdown[index]!;
    invariant(left >= 1 && left <= SAMPLE_EVERY, () => `syscall ${index}'s countdown at ${left}`);
    return this.rounds[index]! * SAMPLE_EVERY + (SAMPLE_EVERY - left);
  }

  processStarted(): void {
    this.started++;
  }

  processEnded(reason: ExitReasonName): void {
    invariant(reason in this.exits, () => `exit reason ${reason} not in the ABI`);
    this.exits[reason]++;
    const ended = Object.values(this.exits).reduce((a, b) => a + b, 0);
    invariant(ended <= this.started, () => `${ended} processes ended of ${this.started} started`);
  }
}
