import { FLAGS } from "../../../abi/abi.ts";
import { exitInfo, fail, ProcessEnd, reasonCode, type ExitInfo } from "../errors.ts";
import type { Process } from "../process.ts";
import type { HandlerTable } from "./dispatch.ts";

const WAIT_ANY = FLAGS.special.WAIT_ANY.value;

/** NUL-terminated strings back to back, as spawn takes args and env. */
export function splitStrings(text: string): string[] {
  if (text === "") return [];
  const parts = text.split("\0");
  if (parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** A child that wait reaped. */
export interface Reaped {
  readonly pid: number;
  readonly info: ExitInfo;
}

/**
 * The process calls without guest pointers: the logic both the core-module handlers
 * below and the component adapter (component-calls.ts) run.
 */
export const processOps = {
  exit(status: number): never {
    throw new ProcessEnd(exitInfo("NORMAL", "exit", status));
  },

  /**
   * Reap child `pid` (or any, with WAIT_ANY), waiting for it to end if it has not, and
   * hand it to `take`: in the wake-up itself, not in a .then after it.
   */
  wait<R>(proc: Process, pid: number, take: (child: Reaped) => R): R | Promise<R> {
    const reap = (child: number): R => {
      const info = proc.zombies.get(child)!;
      proc.zombies.delete(child);
      return take({ pid: child, info });
    };
    if (pid === WAIT_ANY) {
      const first = proc.zombies.keys().next();
      if (!first.done) return reap(first.value);
      if (proc.children.size === 0) fail("ECHILD", "no children");
    } else {
      if (proc.zombies.has(pid)) return reap(pid);
      if (!proc.children.has(pid)) fail("ECHILD", `${pid} is not a child of ${proc.pid}`);
    }
    return proc.suspend<R>((resume) => {
      proc.childWaiter = (child) => {
        if (pid !== WAIT_ANY && child !== pid) return;
        proc.childWaiter = undefined;
        resume(reap(child));
      };
    });
  },
};

export const processCalls = {
  spawn(proc, pathPtr, pathLen, argsPtr, argsLen, envPtr, envLen, nodePtr, nodeLen) {
    const m = proc.memory;
    const path = m.string(pathPtr, pathLen);
    const args = splitStrings(m.string(argsPtr, argsLen));
    const env = splitStrings(m.string(envPtr, envLen));
    const node = m.string(nodePtr, nodeLen);
    return proc.kernel.spawnChild(proc, { path, args, env, node });
  },

  exit(_proc, status) {
    return processOps.exit(status);
  },

  wait(proc, pid, statusPtr) {
    proc.memory.probe(statusPtr, 8);
    return processOps.wait(proc, pid, (child) => {
      proc.memory.setI32(statusPtr, child.info.status);
      proc.memory.setI32(statusPtr + 4, reasonCode(child.info.reason));
      return child.pid;
    });
  },

  kill(proc, pid) {
    return proc.kernel.kill(proc, pid);
  },

  getpid(proc) {
    return proc.pid;
  },

  getppid(proc) {
    return proc.ppid;
  },

  lamport(proc, timePtr) {
    proc.memory.probe(timePtr, 8);
    proc.memory.setU64(timePtr, BigInt(proc.kernel.lamport.tick()));
    return 0;
  },

  memlimit(proc, pages) {
    proc.limitChildMemory(pages);
    return 0;
  },

  sleep(proc, ms) {
    if (ms < 0) fail("EINVAL", "negative sleep");
    return new Promise<number>((resolve) => proc.timeout(ms, () => resolve(0)));
  },

  yield(proc) {
    return new Promise<number>((resolve) => proc.kernel.clock.setImmediate(() => resolve(0)));
  },

  monitor(proc, pid) {
    return proc.kernel.monitor(proc, pid);
  },

  demonitor(proc, ref) {
    proc.kernel.demonitor(proc, ref);
    return 0;
  },
} satisfies Partial<HandlerTable>;
