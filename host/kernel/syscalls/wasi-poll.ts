// WASI's poll_oneoff, proc_raise and sock_* calls.
import { ProcessEnd, exitInfo, fail, SysError } from "../errors.ts";
import type { Process } from "../process.ts";
import type { HandlerTable } from "./dispatch.ts";
import { EVENT, EVENTTYPE, iovecs, probeArray, SIGNAL_MAX, SUBCLOCKFLAGS_ABSTIME, SUBSCRIPTION } from "./wasi-layout.ts";
import { envOps } from "./wasi.ts";
import { isStdio } from "./wasi-fd.ts";

/** The longest one timer runs (Node's limit); a later deadline is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Signals whose default action is to be ignored, and job control, which onebox has none of. */
const IGNORED_SIGNALS = new Set([16, 17, 18, 19, 20, 21, 22, 27]);

interface ClockSub {
  readonly userdata: bigint;
  /** On the kernel's clock (ms), so a simulated process waits simulated time. */
  readonly deadline: number;
}

interface Event {
  readonly userdata: bigint;
  readonly errno: number;
  readonly type: number;
}

/** A clock subscription's deadline on the kernel's clock, or its error. */
function clockDeadline(proc: Process, id: number, timeoutNs: bigint, flags: number): number {
  const now = proc.kernel.clock.now();
  let delayNs = timeoutNs;
  // Reading the clock also refuses an unknown id (EINVAL), relative or not.
  const clockNow = envOps.clockNs(proc, id);
  if (flags & SUBCLOCKFLAGS_ABSTIME) delayNs = timeoutNs - clockNow;
  return now + Math.max(0, Number(delayNs) / 1e6);
}

/** Whether an fd subscription is ready now; a bad one is an event with its error. */
function fdReady(proc: Process, fd: number, type: number): { ready: boolean; errno: number } {
  const ok = { ready: true, errno: 0 };
  if (fd === 0) return type === EVENTTYPE.FD_READ ? { ready: !proc.input || proc.input.ready(), errno: 0 } : { ready: true, errno: new SysError("EBADF").errno };
  if (isStdio(fd)) return type === EVENTTYPE.FD_WRITE ? ok : { ready: true, errno: new SysError("EBADF").errno };
  // Files never block; a directory or a closed fd cannot be polled.
  return proc.files.has(fd) ? ok : { ready: true, errno: new SysError("EBADF").errno };
}

export const wasiPollCalls = {
  poll_oneoff(proc, inPtr, outPtr, nsubscriptions, neventsPtr) {
    const m = proc.memory;
    const n = nsubscriptions >>> 0;
    probeArray(m, inPtr, n, SUBSCRIPTION.size);
    probeArray(m, outPtr, n, EVENT.size);
    m.probe(neventsPtr, 4);
    if (n === 0) fail("EINVAL", "no subscriptions");
    const clocks: ClockSub[] = [];
    const fds: { userdata: bigint; fd: number; type: number }[] = [];
    const events: Event[] = [];
    for (let i = 0; i < n; i++) {
      const at = inPtr + i * SUBSCRIPTION.size;
      const view = m.view8(at, SUBSCRIPTION.size);
      const data = new DataView(view.buffer, view.byteOffset, view.byteLength);
      const userdata = data.getBigUint64(SUBSCRIPTION.userdata, true);
      const type = data.getUint8(SUBSCRIPTION.tag);
      if (type === EVENTTYPE.CLOCK) {
        try {
          const deadline = clockDeadline(proc, data.getUint32(SUBSCRIPTION.clockId, true), data.getBigUint64(SUBSCRIPTION.timeout, true), data.getUint16(SUBSCRIPTION.clockFlags, true));
          clocks.push({ userdata, deadline });
        } catch (error) {
          if (!(error instanceof SysError)) throw error;
          events.push({ userdata, errno: error.errno, type });
        }
      } else if (type === EVENTTYPE.FD_READ || type === EVENTTYPE.FD_WRITE) {
        fds.push({ userdata, fd: data.getUint32(SUBSCRIPTION.fd, true), type });
      } else fail("EINVAL", `subscription type ${type}`);
    }

    /**
     * The events due now, if any: then the call returns them. A clock is due only once the
     * kernel's clock has reached its deadline, never because a timer fired: Node's timers
     * count from the event loop's cached time and can fire before that.
     */
    const due = (): Event[] => {
      const now = proc.kernel.clock.now();
      const ready = [...events];
      for (const c of clocks) if (c.deadline <= now) ready.push({ userdata: c.userdata, errno: 0, type: EVENTTYPE.CLOCK });
      for (const f of fds) {
        const state = fdReady(proc, f.fd, f.type);
        if (state.ready) ready.push({ userdata: f.userdata, errno: state.errno, type: f.type });
      }
      return ready;
    };
    const report = (ready: Event[]): number => {
      ready.forEach((event, i) => {
        const at = outPtr + i * EVENT.size;
        m.view8(at, EVENT.size).fill(0);
        m.setU64(at + EVENT.userdata, event.userdata);
        m.setU16(at + EVENT.error, event.errno);
        m.setU8(at + EVENT.type, event.type);
      });
      m.setU32(neventsPtr, ready.length);
      return 0;
    };

    const now = due();
    if (now.length > 0) return report(now);
    // Nothing is ready: wait for the earliest clock or for input, suspending only this process.
    const earliest = clocks.reduce<ClockSub | undefined>((first, c) => (first === undefined || c.deadline < first.deadline ? c : first), undefined);
    const waitsForInput = proc.input !== undefined && fds.some((f) => f.fd === 0 && f.type === EVENTTYPE.FD_READ);
    return new Promise<number>((resolve) => {
      let settled = false;
      const finish = () => {
        // Killed while waiting for input: its memory and its suspension are gone.
        if (proc.state === "exited") return;
        const ready = due();
        proc.cancelTimeout(timer);
        if (ready.length === 0) return wait();
        settled = true;
        resolve(report(ready));
      };
      let timer: ReturnType<Process["timeout"]> | undefined;
      const wait = (): void => {
        if (earliest) {
          const left = earliest.deadline - proc.kernel.clock.now();
          // At least a millisecond, so a timer that fired a little early is followed by one that waits.
          const step = Math.min(Math.max(1, Math.ceil(left)), MAX_TIMER_MS);
          timer = proc.timeout(step, finish);
        }
        if (waitsForInput) void proc.input!.whenReady().then(() => settled || finish());
      };
      wait();
    });
  },

  proc_raise(_proc, sig) {
    if (sig < 0 || sig > SIGNAL_MAX) fail("EINVAL", `signal ${sig}`);
    if (sig === 0 || IGNORED_SIGNALS.has(sig)) return 0;
    throw new ProcessEnd(exitInfo("KILLED", `raised signal ${sig}`, 128 + sig));
  },

  sock_accept(proc, fd, _flags, fdPtr) {
    proc.memory.probe(fdPtr, 4);
    return notSocket(proc, fd);
  },

  sock_recv(proc, fd, riDataPtr, riDataLen, _riFlags, roDatalenPtr, roFlagsPtr) {
    iovecs(proc.memory, riDataPtr, riDataLen);
    proc.memory.probe(roDatalenPtr, 4);
    proc.memory.probe(roFlagsPtr, 2);
    return notSocket(proc, fd);
  },

  sock_send(proc, fd, siDataPtr, siDataLen, _siFlags, soDatalenPtr) {
    iovecs(proc.memory, siDataPtr, siDataLen);
    proc.memory.probe(soDatalenPtr, 4);
    return notSocket(proc, fd);
  },

  sock_shutdown: (proc, fd, _how) => notSocket(proc, fd),
} satisfies Partial<HandlerTable>;

/** No process is given a socket yet: every open descriptor is something else. */
function notSocket(proc: Process, fd: number): never {
  if (isStdio(fd) || proc.files.has(fd) || proc.dirs.has(fd)) fail("ENOTSOCK", `fd ${fd}`);
  fail("EBADF", `fd ${fd}`);
}
