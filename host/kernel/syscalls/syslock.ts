import { checkLockPrefix } from "../capabilities.ts";
import { fail } from "../errors.ts";
import { after } from "../file-service.ts";
import type { Process } from "../process.ts";
import type { HandlerTable } from "./dispatch.ts";

/** The lock calls without guest pointers, for both kinds of guest. */
export const lockOps = {
  /** The fencing token of the acquired lock; ENOLCK while the caller holds its limit of names. */
  lock(proc: Process, name: string, timeoutMs: number): bigint | Promise<bigint> {
    checkLockPrefix(proc.capabilities, name);
    const limit = proc.limits.locks;
    if (proc.locksHeld.size >= limit) fail("ENOLCK", `holds ${proc.locksHeld.size} lock names, its limit of ${limit}`);
    return after(proc.kernel.coordinator.lock(name, proc.pid, timeoutMs), (token) => {
      proc.locksHeld.add(name);
      return token;
    });
  },

  unlock: (proc: Process, name: string): void | Promise<void> => after(proc.kernel.coordinator.unlock(name, proc.pid), () => void proc.locksHeld.delete(name)),
};

function acquire(proc: Process, namePtr: number, nameLen: number, timeoutMs: number, tokenPtr: number): number | Promise<number> {
  const name = proc.memory.string(namePtr, nameLen);
  proc.memory.probe(tokenPtr, 8);
  return after(lockOps.lock(proc, name, timeoutMs), (token) => {
    proc.memory.setU64(tokenPtr, token);
    return 0;
  });
}

export const lockCalls = {
  lock: acquire,

  trylock(proc, namePtr, nameLen, tokenPtr) {
    return acquire(proc, namePtr, nameLen, 0, tokenPtr);
  },

  unlock(proc, namePtr, nameLen) {
    return after(lockOps.unlock(proc, proc.memory.string(namePtr, nameLen)), () => 0);
  },
} satisfies Partial<HandlerTable>;
