import { ERRNO, EXIT_REASONS, type ErrnoName, type ExitReasonName } from "../../abi/abi.ts";

/** A syscall failed with an errno; the dispatch point turns it into the return value. */
export class SysError extends Error {
  readonly errno: number;
  readonly errnoName: ErrnoName;
  constructor(name: ErrnoName, detail?: string) {
    super(detail ? `${name}: ${detail}` : name);
    this.errnoName = name;
    this.errno = ERRNO[name].code;
  }
}

/**
 * A host-side problem about one process, reported with process.emitWarning so the kernel
 * needs no logger: the node's log turns it into a line with the pid as a field.
 */
export class ProcessWarning extends Error {
  readonly pid: number;
  constructor(pid: number, message: string) {
    super(message);
    this.name = "ProcessWarning";
    this.pid = pid;
  }
}

export function fail(name: ErrnoName, detail?: string): never {
  throw new SysError(name, detail);
}

/** How a process ended. Exit statuses for abnormal ends follow the shell's 128+signal habit. */
export interface ExitInfo {
  readonly status: number;
  readonly reason: ExitReasonName;
  readonly text: string;
}

export const ABNORMAL_STATUS: Record<ExitReasonName, number> = {
  NORMAL: 0,
  KILLED: 137,
  TRAP: 134,
  NOCONNECTION: 255,
  NOPROC: 255,
  ERROR: 126,
  LINKED: 137,
  // 128 + SIGXCPU, as a shell reports a process over RLIMIT_CPU.
  LIMIT_CPU: 152,
  LIMIT_MEMORY: 137,
};

export function exitInfo(reason: ExitReasonName, text: string, status = ABNORMAL_STATUS[reason]): ExitInfo {
  return { status, reason, text };
}

/**
 * Thrown into a guest's stack to unwind it: exit, kill, or preemption of a killed process.
 * Guests have no handler for JS exceptions, so it travels up to the process's run loop.
 */
export class ProcessEnd extends Error {
  readonly info: ExitInfo;
  constructor(info: ExitInfo) {
    super(`process ended: ${info.reason}`);
    this.info = info;
  }
}

export const reasonCode = (reason: ExitReasonName): number => EXIT_REASONS[reason].code;
