import { FLAGS } from "../../../abi/abi.ts";
import { exitInfo, fail, ProcessEnd, reasonCode, SysError, type ExitInfo } from "../errors.ts";
import { after } from "../file-service.ts";
import type { Process } from "../process.ts";
import { capOfKind } from "../process-limits.ts";
import type { SpawnArgs } from "../kernel.ts";
import type { HandlerTable } from "./dispatch.ts";

const WAIT_ANY = FLAGS.special.WAIT_ANY.value;
const SPAWN_LINK = FLAGS.spawn.SPAWN_LINK.value;
const SPAWN_MONITOR = FLAGS.spawn.SPAWN_MONITOR.value;

/**
 * The child a wait for `pid` waits for in the wait-for graph: WAIT_ANY only while there is
 * one child to wait for, and none the caller killed (its end is on its way).
 */
function waitedChild(proc: Process, pid: number): number | undefined {
  const child = pid !== WAIT_ANY ? pid : proc.children.size === 1 && proc.zombies.size === 0 ? proc.children.values().next().value : undefined;
  return child === undefined || proc.killedChildren.has(child) ? undefined : child;
}

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
  /** childlimit: LIMIT_MEMORY_PAGES is memlimit; every other kind narrows a ProcessCaps field. */
  childlimit(proc: Process, kind: number, value: number): void {
    if (kind === FLAGS.limitKind.LIMIT_MEMORY_PAGES.value) return proc.limitChildMemory(value);
    proc.limitChildren(capOfKind(kind), value);
  },

  /** childcap: narrow the capability set of the caller's children; a CAP_PATH_* text is a namespace path. */
  childcap(proc: Process, kind: number, text: string): void {
    proc.narrowChildren(kind, text, () => proc.kernel.resolvePath(proc, text));
  },

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
    // An edge of the wait-for graph for as long as it waits: EDEADLK at once from this
    // node's coordinator, or when the coordinator node answers, if it closes a cycle.
    const coordinator = proc.kernel.coordinator;
    const waited = waitedChild(proc, pid);
    const checked = waited === undefined ? undefined : coordinator.waitFor(proc.pid, waited);
    return proc.suspend<R>((resume, failed) => {
      const waiter = (child: number): void => {
        if (pid !== WAIT_ANY && child !== pid) return;
        stop();
        resume(reap(child));
      };
      const stop = (): void => {
        proc.childWaiter = undefined;
        if (waited !== undefined) coordinator.waitDone(proc.pid);
      };
      proc.childWaiter = waiter;
      // Only EDEADLK ends the wait: a coordinator out of reach leaves it unchecked, not failed.
      checked?.catch((error: unknown) => {
        if (!(error instanceof SysError && error.errnoName === "EDEADLK") || proc.childWaiter !== waiter) return;
        stop();
        failed(error);
      });
    });
  },

  /** spawn_opt: spawn, with a link and a monitor (its ref handed to `monitored`) set before the child runs. */
  spawnOpt<R>(proc: Process, spawn: SpawnArgs, flags: number, monitored: (pid: number, ref: number) => R): R | Promise<R> {
    if ((flags & ~(SPAWN_LINK | SPAWN_MONITOR)) !== 0) fail("EINVAL", `unknown spawn flags ${flags}`);
    const monitorRef = flags & SPAWN_MONITOR ? proc.kernel.newRef() : 0;
    const observe = { link: (flags & SPAWN_LINK) !== 0, monitorRef };
    return after(proc.kernel.spawnChild(proc, { ...spawn, observe }), (pid) => monitored(pid, monitorRef));
  },
};

function spawnArgs(proc: Process, pathPtr: number, pathLen: number, argsPtr: number, argsLen: number, envPtr: number, envLen: number, nodePtr: number, nodeLen: number): SpawnArgs {
  const m = proc.memory;
  return {
    path: m.string(pathPtr, pathLen),
    args: splitStrings(m.string(argsPtr, argsLen)),
    env: splitStrings(m.string(envPtr, envLen)),
    node: m.string(nodePtr, nodeLen),
  };
}

export const processCalls = {
  spawn(proc, pathPtr, pathLen, argsPtr, argsLen, envPtr, envLen, nodePtr, nodeLen) {
    return proc.kernel.spawnChild(proc, spawnArgs(proc, pathPtr, pathLen, argsPtr, argsLen, envPtr, envLen, nodePtr, nodeLen));
  },

  spawn_opt(proc, pathPtr, pathLen, argsPtr, argsLen, envPtr, envLen, nodePtr, nodeLen, flags, refPtr) {
    const spawn = spawnArgs(proc, pathPtr, pathLen, argsPtr, argsLen, envPtr, envLen, nodePtr, nodeLen);
    if (flags & SPAWN_MONITOR) proc.memory.probe(refPtr, 4);
    return processOps.spawnOpt(proc, spawn, flags, (pid, ref) => {
      if (ref !== 0) proc.memory.setI32(refPtr, ref);
      return pid;
    });
  },

  proc_link(proc, pid) {
    return proc.kernel.links.link(proc, pid);
  },

  proc_unlink(proc, pid) {
    proc.kernel.links.unlink(proc, pid);
    return 0;
  },

  trap_exit(proc, on) {
    return proc.kernel.links.trapExit(proc, on);
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

  capgive(proc, pid, kind, textPtr, textLen) {
    proc.kernel.giveCapability(proc, pid, kind, proc.memory.string(textPtr, textLen));
    return 0;
  },

  childcap(proc, kind, textPtr, textLen) {
    processOps.childcap(proc, kind, proc.memory.string(textPtr, textLen));
    return 0;
  },

  childlimit(proc, kind, value) {
    processOps.childlimit(proc, kind, value);
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
