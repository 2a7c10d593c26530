// How a pid is made, apart from the kernel so the CLI can find a pid's node without loading it.

/** A pid is its node's id above PID_SERIAL_BITS bits of serial number. */
export const PID_SERIAL_BITS = 20;

export const nodeIdOfPid = (pid: number): number => pid >>> PID_SERIAL_BITS;
