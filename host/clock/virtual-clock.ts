import type { Clock, ClockTimer } from "./clock.ts";

interface Task {
  readonly at: number;
  /** Ties at one instant go in the order they were set: what makes the order a function of the seed. */
  readonly seq: number;
  readonly kind: "timer" | "immediate";
  readonly run: () => void;
  cancelled: boolean;
}

/** A real macrotask: by the time it runs, every microtask queued before it has run. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Simulated time for a seeded simulation. Nothing fires on its own: `run` or `drive`
 * fires one task at a time, the earliest first, and lets the event loop finish
 * everything that task set off (microtasks, JSPI resumptions) before the next. Given
 * the same seed the tasks, their order and their times are the same, so the run is.
 * Real I/O is outside it: only simulation work may be pending while it is driven.
 */
export class VirtualClock implements Clock {
  /** Told of every task as it fires, with the virtual time: the replay's trace. */
  trace: ((event: string) => void) | undefined;
  private time = 0;
  private seq = 0;
  /** Sorted by (at, seq). */
  private readonly tasks: Task[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(run: () => void, ms: number): ClockTimer {
    return this.add(this.time + Math.max(0, ms), "timer", run) as unknown as ClockTimer;
  }

  clearTimeout(timer: ClockTimer): void {
    (timer as unknown as Task).cancelled = true;
  }

  setImmediate(run: () => void): void {
    this.add(this.time, "immediate", run);
  }

  /**
   * Fire tasks until `done()` holds after one has settled, or the next is later than
   * `until` (then time stops at `until`).
   */
  async run(until: number, done: () => boolean = () => false): Promise<void> {
    for (;;) {
      await nextTurn();
      if (done()) return;
      const task = this.tasks[0];
      if (task === undefined || task.at > until) {
        this.time = Math.max(this.time, until);
        return;
      }
      this.tasks.shift();
      if (task.cancelled) continue;
      this.time = task.at;
      this.trace?.(`${task.kind} ${task.seq}`);
      task.run();
    }
  }

  /** Fire tasks until `work` settles; fails if it has not within `limitMs` of virtual time. */
  async drive<T>(work: Promise<T>, limitMs = 60_000): Promise<T> {
    let settled = false;
    const mark = (): void => void (settled = true);
    work.then(mark, mark);
    await this.run(this.time + limitMs, () => settled);
    if (!settled) throw new Error(`not settled within ${limitMs} ms of simulated time`);
    return work;
  }

  private add(at: number, kind: Task["kind"], run: () => void): Task {
    const task: Task = { at, seq: this.seq++, kind, run, cancelled: false };
    let i = this.tasks.length;
    while (i > 0 && this.tasks[i - 1]!.at > at) i--;
    this.tasks.splice(i, 0, task);
    return task;
  }
}
