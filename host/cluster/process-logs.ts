import type { ExitInfo } from "../kernel/errors.ts";
import { fail } from "../kernel/errors.ts";

/** What a node keeps of its processes' output (docs/OPERATIONS.md lists them). */
export interface LogLimits {
  /** Bytes of output kept per process: its oldest go first (a ring). */
  readonly processBytes: number;
  /** Bytes kept for all processes together: ended processes' logs go first, then the writer's own oldest. */
  readonly nodeBytes: number;
  /** Ended processes whose logs are kept; the longest ended goes first. */
  readonly endedKept: number;
  /** How long an ended process's log is kept, in ms. */
  readonly endedKeptMs: number;
  /** Clients following one process's output (logs --follow, attach) at once. */
  readonly followers: number;
}

export const DEFAULT_LOG_LIMITS: LogLimits = {
  processBytes: 256 * 1024,
  nodeBytes: 64 * 1024 * 1024,
  endedKept: 1000,
  endedKeptMs: 60 * 60 * 1000,
  followers: 16,
};

/** What one kept chunk costs besides its bytes (its object and array slot): a flood of 1-byte writes is bounded too. */
export const CHUNK_OVERHEAD_BYTES = 64;

export interface LogChunk {
  readonly fd: 1 | 2;
  readonly data: Uint8Array;
}

/** A client streaming a process's output: each write as it happens, then the end. */
export interface LogFollower {
  output(fd: 1 | 2, data: Uint8Array): void;
  ended(info: ExitInfo): void;
}

/** What `read` finds of a process: its kept output, bytes dropped to stay in bounds, its end if it ended. */
export interface LogView {
  readonly chunks: readonly LogChunk[];
  readonly dropped: number;
  readonly exit: ExitInfo | undefined;
}

class ProcessLog {
  readonly chunks: LogChunk[] = [];
  /** Cost of the chunks: their bytes plus CHUNK_OVERHEAD_BYTES each. */
  cost = 0;
  dropped = 0;
  exit: ExitInfo | undefined;
  endedAt = 0;
  readonly followers = new Set<LogFollower>();
  readonly pid: number;
  constructor(pid: number) {
    this.pid = pid;
  }
}

const costOf = (data: Uint8Array): number => data.byteLength + CHUNK_OVERHEAD_BYTES;

/**
 * The stdout and stderr of this node's processes, kept per process in a bounded ring and
 * under a node-wide budget, and for a while after a process ends, so `onebox logs` can
 * read what a detached (or finished) process wrote, and followers see what it writes next.
 */
export class ProcessLogs {
  private readonly logs = new Map<number, ProcessLog>();
  /** Logs of ended processes, in the order they ended. */
  private readonly ended: ProcessLog[] = [];
  private totalCost = 0;
  private readonly now: () => number;
  readonly limits: LogLimits;

  constructor(now: () => number, limits: Partial<LogLimits> = {}) {
    this.now = now;
    this.limits = { ...DEFAULT_LOG_LIMITS, ...limits };
  }

  /** Bytes (with chunk overhead) kept for all processes. */
  get bytes(): number {
    return this.totalCost;
  }

  /** Process `pid` wrote `data` (which it no longer changes) to fd 1 or 2. */
  write(pid: number, fd: 1 | 2, data: Uint8Array): void {
    if (data.byteLength === 0) return;
    const log = this.live(pid);
    for (const follower of log.followers) follower.output(fd, data);
    log.chunks.push({ fd, data });
    log.cost += costOf(data);
    this.totalCost += costOf(data);
    this.trim(log, log.cost - this.limits.processBytes);
    this.expire();
    while (this.totalCost > this.limits.nodeBytes && this.ended.length > 0) this.forget(this.ended[0]!);
    this.trim(log, this.totalCost - this.limits.nodeBytes);
    if (log.cost > this.limits.processBytes || this.totalCost > this.limits.nodeBytes) throw new Error(`log of pid ${pid} over its bounds after a write`);
  }

  /** Process `pid` ended: its followers are told, its log kept for a while. */
  exited(pid: number, info: ExitInfo): void {
    const log = this.live(pid);
    log.exit = info;
    log.endedAt = this.now();
    this.ended.push(log);
    const followers = [...log.followers];
    log.followers.clear();
    for (const follower of followers) follower.ended(info);
    this.expire();
  }

  /** What is kept of `pid`, or undefined if nothing is (it never ran here, or its log expired). */
  read(pid: number): LogView | undefined {
    this.expire();
    const log = this.logs.get(pid);
    return log && { chunks: [...log.chunks], dropped: log.dropped, exit: log.exit };
  }

  /**
   * Stream live process `pid`'s output to `follower` from now on; call the result to stop.
   * EAGAIN past the followers limit.
   */
  follow(pid: number, follower: LogFollower): () => void {
    const log = this.live(pid);
    if (log.followers.size >= this.limits.followers) fail("EAGAIN", `process ${pid} already has ${log.followers.size} followers, the limit`);
    log.followers.add(follower);
    return () => void log.followers.delete(follower);
  }

  /** The log of a process that runs: a pid reused after an ended one starts afresh. */
  private live(pid: number): ProcessLog {
    let log = this.logs.get(pid);
    if (log?.exit) {
      this.forget(log);
      log = undefined;
    }
    if (!log) this.logs.set(pid, (log = new ProcessLog(pid)));
    return log;
  }

  /** Drop at least `excess` of the log's cost from its oldest output (part of a chunk if that is enough). */
  private trim(log: ProcessLog, excess: number): void {
    while (excess > 0 && log.chunks.length > 0) {
      const head = log.chunks[0]!;
      // Part of a chunk is dropped as a copy of its tail, so the head's buffer is freed.
      const dropped = head.data.byteLength > excess ? excess : head.data.byteLength;
      const cost = dropped === head.data.byteLength ? costOf(head.data) : dropped;
      if (dropped === head.data.byteLength) log.chunks.shift();
      else log.chunks[0] = { fd: head.fd, data: head.data.slice(dropped) };
      log.cost -= cost;
      this.totalCost -= cost;
      log.dropped += dropped;
      excess -= cost;
    }
  }

  /** Ended logs past their count or age leave. */
  private expire(): void {
    const oldest = this.now() - this.limits.endedKeptMs;
    while (this.ended.length > 0 && (this.ended.length > this.limits.endedKept || this.ended[0]!.endedAt <= oldest)) this.forget(this.ended[0]!);
  }

  private forget(log: ProcessLog): void {
    const at = this.ended.indexOf(log);
    if (at !== -1) this.ended.splice(at, 1);
    if (this.logs.get(log.pid) === log) this.logs.delete(log.pid);
    this.totalCost -= log.cost;
    log.chunks.length = 0;
    log.cost = 0;
    if (this.totalCost < 0) throw new Error("node log byte count went negative");
  }
}
