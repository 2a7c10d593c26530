import type { HandlerTable } from "../syscalls/dispatch.ts";
import { recordOps } from "./child-recording.ts";

export const recordCalls = {
  record(proc, pathPtr, pathLen) {
    recordOps.record(proc, proc.memory.string(pathPtr, pathLen));
    return 0;
  },
} satisfies Partial<HandlerTable>;
