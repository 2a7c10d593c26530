import fs from "node:fs";

/**
 * What the CLI and the etcd launcher know of a process they started in the background:
 * whether it still runs, and what its log said last (the reason it died, usually).
 */
export const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The last `count` lines of a log, joined on one line for an error message. */
export function logTail(file: string, count: number): string {
  try {
    return fs.readFileSync(file, "utf8").trim().split("\n").slice(-count).join(" | ");
  } catch {
    return "(no log)";
  }
}
