import { after } from "../file-service.ts";
import type { Process } from "../process.ts";
import type { HandlerTable } from "./dispatch.ts";

function acquire(proc: Process, namePtr: number, nameLen: number, timeoutMs: number, tokenPtr: number): number | Promise<number> {
  const name = proc.memory.string(namePtr, nameLen);
  proc.memory.view8(tokenPtr, 8);
  return after(proc.kernel.coordinator.lock(name, proc.pid, timeoutMs), (token) => {
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
    return after(proc.kernel.coordinator.unlock(proc.memory.string(namePtr, nameLen), proc.pid), () => 0);
  },
} satisfies Partial<HandlerTable>;
