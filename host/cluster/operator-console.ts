import { fail } from "../kernel/errors.ts";
import { InputBuffer } from "../kernel/input-buffer.ts";
import type { Kernel } from "../kernel/kernel.ts";
import type { OutputSink, Process } from "../kernel/process.ts";
import type { Channel } from "../transport/channel.ts";
import type { Bodies, Body } from "../transport/wire.ts";
import { loadForRun, rootSetOf, pushInput, remoteOutput, startHere, toExitNote } from "./process-server.ts";
import { ProcessLogs, type LogLimits } from "./process-logs.ts";

/**
 * A detached process's output goes nowhere but its log (the node keeps every process's
 * output there), and so does its children's: each is in its own log.
 */
const LOG_ONLY: OutputSink = { write: () => {} };

/** A detached process's fd 0, fed by the one client attached to it at a time. */
class DetachedInput {
  readonly buffer = new InputBuffer((n) => this.taken(n));
  attached: Channel | undefined;
  /** Bytes the attached client sent that the process has not read yet: all it may be credited. */
  private owed = 0;
  /** Set once the process is started with this input. */
  pid = 0;

  feed(m: Bodies["input"]): void {
    this.owed += pushInput(this.buffer, m);
  }

  detach(): void {
    this.attached = undefined;
    this.owed = 0;
  }

  /** Credit back what the process read, but never another client's bytes (an earlier attach's). */
  private taken(n: number): void {
    const credit = Math.min(n, this.owed);
    this.owed -= credit;
    if (credit > 0) this.attached?.cast({ inputTaken: { n: credit } });
  }
}

/**
 * What an operator does with this node's processes besides start and kill them: run one
 * detached, read or follow its kept output (onebox logs), and attach to it. Each client
 * connection streams at most one process at a time.
 */
export class OperatorConsole {
  readonly logs: ProcessLogs;
  private readonly kernel: Kernel;
  private readonly detached = new Map<number, DetachedInput>();
  /** The detached input each attached connection feeds. */
  private readonly attachments = new WeakMap<Channel, DetachedInput>();
  /** Connections streaming a process, and how to stop it. */
  private readonly streams = new WeakMap<Channel, () => void>();
  /** Connections whose close stops their stream (told once, however many they stream in turn). */
  private readonly watched = new WeakSet<Channel>();

  constructor(kernel: Kernel, limits?: Partial<LogLimits>) {
    this.kernel = kernel;
    this.logs = new ProcessLogs(() => kernel.clock.now(), limits);
    kernel.onOutput = (proc, fd, data) => this.logs.write(proc.pid, fd, data);
  }

  /** The node's kernel.onExit calls this for every process that ends here. */
  exited(proc: Process): void {
    this.logs.exited(proc.pid, proc.exit!);
    this.detached.get(proc.pid)?.detach();
    this.detached.delete(proc.pid);
  }

  /** `run -d`: a root process that outlives the client that started it. */
  async runDetached(run: Bodies["run"]): Promise<number> {
    const module = await loadForRun(this.kernel, run.module);
    const input = new DetachedInput();
    const proc = startHere(this.kernel, module, { argv: run.argv, env: run.env, ppid: 0, home: this.kernel.nodeName, owner: run.owner }, LOG_ONLY, input.buffer, undefined, rootSetOf(this.kernel, run));
    // It runs from the next macrotask on, so it is registered before it can end.
    input.pid = proc.pid;
    this.detached.set(proc.pid, input);
    return proc.pid;
  }

  /**
   * `logs`: the kept output as output casts, then the reply (so it arrives after them);
   * with follow, what the process writes next, then exited. ESRCH if nothing is known of it.
   */
  serveLogs(m: Bodies["logs"], channel: Channel): Body {
    const running = this.kernel.procs.has(m.pid);
    const view = this.logs.read(m.pid);
    // A kept log of an ended process under a pid now reused is not this process's.
    const kept = view && !(running && view.exit) ? view : undefined;
    if (!kept && !running) fail("ESRCH", `no process ${m.pid} on ${this.kernel.nodeName}, and no log of it kept`);
    const out = remoteOutput((body) => channel.cast(body), 0);
    for (const chunk of kept?.chunks ?? []) out.write(chunk.fd, chunk.data);
    if (m.follow && !kept?.exit) this.stream(m.pid, channel);
    return { logInfo: { dropped: kept?.dropped ?? 0, exit: kept?.exit && toExitNote(0, m.pid, kept.exit) } };
  }

  /** `attach`: stream a detached process's output from now on and feed its fd 0; closing the connection detaches. */
  attach(pid: number, channel: Channel): Body {
    const input = this.detached.get(pid);
    if (!input) fail(this.kernel.procs.has(pid) ? "EINVAL" : "ESRCH", this.kernel.procs.has(pid) ? `process ${pid} was not started detached (run -d)` : `no process ${pid} on ${this.kernel.nodeName}`);
    if (input.attached && !input.attached.isClosed) fail("EBUSY", `process ${pid} already has a client attached`);
    this.stream(pid, channel);
    input.attached = channel;
    this.attachments.set(channel, input);
    channel.onClose(() => {
      if (input.attached === channel) input.detach();
    });
    return { empty: {} };
  }

  /** Input on a connection attached to a detached process: fed to it (true); false if the connection attached nothing. */
  feed(channel: Channel, m: Bodies["input"]): boolean {
    const input = this.attachments.get(channel);
    if (!input) return false;
    if (input.attached !== channel) fail("EINVAL", `input for process ${input.pid} after it ended or was detached`);
    input.feed(m);
    return true;
  }

  private stream(pid: number, channel: Channel): void {
    if (this.streams.has(channel)) fail("EBUSY", "this connection already streams a process's output");
    const out = remoteOutput((body) => channel.cast(body), 0);
    const stop = this.logs.follow(pid, {
      output: (fd, data) => out.write(fd, data),
      ended: (info) => {
        this.streams.delete(channel);
        channel.cast({ exited: toExitNote(0, pid, info) });
      },
    });
    this.streams.set(channel, stop);
    if (this.watched.has(channel)) return;
    this.watched.add(channel);
    channel.onClose(() => {
      this.streams.get(channel)?.();
      this.streams.delete(channel);
    });
  }
}
