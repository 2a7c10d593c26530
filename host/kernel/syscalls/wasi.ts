import { performance } from "node:perf_hooks";
import { randomFillSync } from "node:crypto";
import { fail } from "../errors.ts";
import { encodeUtf8 } from "../guest-memory.ts";
import type { Process } from "../process.ts";
import type { HandlerTable } from "./dispatch.ts";
import { processCalls } from "./sysproc.ts";

const CLOCK_REALTIME = 0;
const CLOCK_MONOTONIC = 1;

/** Write a string list the WASI way: a pointer per entry, then the NUL-terminated bytes. */
function writeStrings(proc: Process, list: readonly string[], ptrsPtr: number, bufPtr: number): number {
  let at = bufPtr;
  list.forEach((entry, i) => {
    proc.memory.setU32(ptrsPtr + 4 * i, at);
    at += proc.memory.writeString(at, entry);
    proc.memory.setU8(at++, 0);
  });
  return 0;
}

function writeSizes(proc: Process, list: readonly string[], countPtr: number, sizePtr: number): number {
  proc.memory.setU32(countPtr, list.length);
  proc.memory.setU32(sizePtr, list.reduce((sum, entry) => sum + encodeUtf8(entry).byteLength + 1, 0));
  return 0;
}

const wallNs = (): bigint => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));

function checkOutput(fd: number): asserts fd is 1 | 2 {
  if (fd !== 1 && fd !== 2) fail("EBADF", `fd ${fd}: a component's output is stdout or stderr`);
}

/** The WASI calls a component also has, without guest pointers (see abi/wit.ts). */
export const envOps = {
  /** Monotonic time is the kernel's clock (offset: Process.monotonicMs), so a simulated guest reads simulated time. */
  clockNs(proc: Process, clockId: number): bigint {
    if (clockId === CLOCK_MONOTONIC) return BigInt(Math.round(proc.monotonicMs * 1e6));
    if (clockId === CLOCK_REALTIME) return wallNs();
    return fail("EINVAL", `clock ${clockId}`);
  },

  random: (target: Uint8Array): Uint8Array => randomFillSync(target),

  output(proc: Process, fd: number, data: Uint8Array): void {
    checkOutput(fd);
    proc.kernel.onOutput?.(proc, fd, data);
    proc.output.write(fd, data);
  },
};

export const wasiCalls = {
  args_sizes_get: (proc, argcPtr, sizePtr) => writeSizes(proc, proc.argv, argcPtr, sizePtr),
  args_get: (proc, argvPtr, bufPtr) => writeStrings(proc, proc.argv, argvPtr, bufPtr),
  environ_sizes_get: (proc, countPtr, sizePtr) => writeSizes(proc, proc.env, countPtr, sizePtr),
  environ_get: (proc, envPtr, bufPtr) => writeStrings(proc, proc.env, envPtr, bufPtr),

  clock_time_get(proc, clockId, _precision, timePtr) {
    proc.memory.setU64(timePtr, envOps.clockNs(proc, clockId));
    return 0;
  },

  clock_res_get(proc, clockId, resPtr) {
    if (clockId !== CLOCK_MONOTONIC && clockId !== CLOCK_REALTIME) fail("EINVAL", `clock ${clockId}`);
    proc.memory.setU64(resPtr, clockId === CLOCK_MONOTONIC ? 1n : 1000n);
    return 0;
  },

  random_get(proc, bufPtr, bufLen) {
    envOps.random(proc.memory.view8(bufPtr, bufLen));
    return 0;
  },

  proc_exit: processCalls.exit,

  sched_yield: processCalls.yield,
} satisfies Partial<HandlerTable>;
