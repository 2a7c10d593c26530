import type { Process } from "../process.ts";
import type { Journal } from "./journal.ts";
import { ROW } from "./row-layout.ts";

/** The record of a call that waited, made at its wake-up: the entry's generated `woken` (recorder.ts wokenSource). */
export type WokenRecorder = (pending: PendingCall, result: number) => void;

/**
 * The journaled call a process waits in, kept on the process (one per process, reused)
 * and recorded by the wake-up that resumes it (Process.suspend), so a journaled wait
 * costs no promise, no microtask and no clock read more than an unjournaled one: its
 * start and duration are the suspension's and the wake-up's reads for the process's CPU time.
 */
export class PendingCall {
  readonly journal: Journal;
  readonly proc: Process;
  /** The waiting call's recorder, or undefined when it waits in none. */
  private record: WokenRecorder | undefined;
  /** A spawn's reserved record (Journal.reserve), else -1. */
  seq = -1;
  /** The waiting call's arguments, where its record's row keeps them (row-layout.ts), so the record copies them a double a step. */
  readonly args = new Float64Array(ROW);
  /** `args` as int32s. */
  readonly ints = new Int32Array(this.args.buffer);

  constructor(journal: Journal, proc: Process) {
    this.journal = journal;
    this.proc = proc;
  }

  /** A call now waits: `record` records it when it wakes (its arguments are in `args`; a spawn's reserved row is `seq`). */
  wait(record: WokenRecorder, seq: number): void {
    if (this.record !== undefined) throw new Error(`journal: process ${this.proc.pid} waits in two calls at once`);
    if (!(Number.isSafeInteger(seq) && seq >= -1)) throw new Error(`journal: a call waits with reserved record ${seq}`);
    this.record = record;
    this.seq = seq;
  }

  /**
   * The call returned `value` (its result, or the errno it was turned into). Whether its
   * record took the wake-up's row: then it marks its process's turn, whose start is its
   * end (Journal.startsFrom); a spawn's fills the row it reserved, and the turn needs a note.
   */
  woke(value: unknown): boolean {
    const record = this.record;
    if (record === undefined) return false;
    this.record = undefined;
    record(this, typeof value === "number" ? value : 0);
    return this.seq < 0;
  }

  /** The process ended while it waited: no record, and a spawn no longer holds the horizon. */
  dropped(): void {
    if (this.record === undefined) return;
    this.record = undefined;
    if (this.seq >= 0) this.journal.drop(this.seq);
  }
}
