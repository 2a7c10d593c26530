import type { Process } from "../process.ts";
import { callIndexOf, JOURNAL_ARGS, type Journal } from "./journal.ts";

const SPAWN = callIndexOf("spawn");

/**
 * The journaled call a process waits in, kept on the process (one per process, reused)
 * and recorded by the wake-up that resumes it (Process.suspend), so a journaled wait
 * costs no promise and no microtask more than an unjournaled one.
 */
export class PendingCall {
  readonly journal: Journal;
  readonly proc: Process;
  active = false;
  call = 0;
  /** Lamport tick and performance.now() at the call's start. */
  l0 = 0;
  t0 = 0;
  readonly args = new Float64Array(JOURNAL_ARGS);

  constructor(journal: Journal, proc: Process) {
    this.journal = journal;
    this.proc = proc;
  }

  /** The call now waits: record it when it wakes (its arguments are in `args`). */
  wait(call: number, l0: number, t0: number): void {
    if (this.active) throw new Error(`journal: process ${this.proc.pid} waits in two calls at once`);
    this.call = call;
    this.l0 = l0;
    this.t0 = t0;
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
    if (this.call === SPAWN) this.journal.release(this.l0);
  }
}
