import type { Process } from "../process.ts";
import { callIndexOf, JOURNAL_ARGS, type Journal } from "./journal.ts";

const SPAWN = callIndexOf("spawn");

/**
 * The journaled call a process waits in, kept on the process (one per process, reused)
 * and recorded by the wake-up that resumes it (Process.suspend), so a journaled wait
 * costs no promise, no microtask and no clock read more than an unjournaled one: its
 * start and duration are the suspension's and the wake-up's reads for the process's CPU time.
 */
export class PendingCall {
  readonly journal: Journal;
  readonly proc: Process;
  active = false;
  call = 0;
  /** A spawn's reserved record (Journal.reserve), else -1. */
  seq = -1;
  readonly args = new Float64Array(JOURNAL_ARGS);

  constructor(journal: Journal, proc: Process) {
    this.journal = journal;
    this.proc = proc;
  }

  /** The call now waits: record it when it wakes (its arguments are in `args`). */
  wait(call: number, seq: number): void {
    if (this.active) throw new Error(`journal: process ${this.proc.pid} waits in two calls at once`);
    if ((call === SPAWN) !== seq >= 0) throw new Error(`journal: call ${call} waits with reserved record ${seq}`);
    this.call = call;
    this.seq = seq;
    this.active = true;
  }

  /** The call returned `value` (its result, or the errno it was turned into). */
  woke(value: unknown): void {
    if (!this.active) return;
    this.active = false;
    this.journal.resumedCall(this, typeof value === "number" ? value : 0);
  }

  /** The process ended while it waited: no record, and a spawn no longer holds the horizon. */
  dropped(): void {
    if (!this.active) return;
    this.active = false;
    if (this.call === SPAWN) this.journal.drop(this.seq);
  }
}
