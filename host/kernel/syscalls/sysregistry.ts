import { after } from "../file-service.ts";
import type { HandlerTable } from "./dispatch.ts";

export const registryCalls = {
  register(proc, namePtr, nameLen) {
    return after(proc.kernel.coordinator.register(proc.memory.string(namePtr, nameLen), proc.pid), () => 0);
  },

  unregister(proc, namePtr, nameLen) {
    return after(proc.kernel.coordinator.unregister(proc.memory.string(namePtr, nameLen), proc.pid), () => 0);
  },

  whereis(proc, namePtr, nameLen) {
    return proc.kernel.coordinator.whereis(proc.memory.string(namePtr, nameLen));
  },
} satisfies Partial<HandlerTable>;
