import { checkNamePrefix } from "../capabilities.ts";
import { after } from "../file-service.ts";
import type { Process } from "../process.ts";
import type { HandlerTable } from "./dispatch.ts";

/** The registry calls without guest pointers, for both kinds of guest. */
export const registryOps = {
  register(proc: Process, name: string): void | Promise<void> {
    checkNamePrefix(proc.capabilities, name);
    return proc.kernel.coordinator.register(name, proc.pid);
  },
  unregister: (proc: Process, name: string): void | Promise<void> => proc.kernel.coordinator.unregister(name, proc.pid),
  whereis: (proc: Process, name: string): number | Promise<number> => proc.kernel.coordinator.whereis(name),
};

export const registryCalls = {
  register(proc, namePtr, nameLen) {
    return after(registryOps.register(proc, proc.memory.string(namePtr, nameLen)), () => 0);
  },

  unregister(proc, namePtr, nameLen) {
    return after(registryOps.unregister(proc, proc.memory.string(namePtr, nameLen)), () => 0);
  },

  whereis(proc, namePtr, nameLen) {
    return registryOps.whereis(proc, proc.memory.string(namePtr, nameLen));
  },
} satisfies Partial<HandlerTable>;
