import fs from "node:fs";

/** Descriptors kept back from guests' files: peers' connections, module reads, logs, etcd. */
const RESERVE_FRACTION = 4;
const MIN_RESERVE = 256;
/** What a node assumes when it cannot read its limit (not Linux): the common default soft limit. */
const ASSUMED_LIMIT = 1024;

/** The soft RLIMIT_NOFILE of this process (Node raises it to the hard limit at start), from /proc. */
function openFileLimit(): number {
  try {
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(fs.readFileSync("/proc/self/limits", "utf8"));
    if (!match) return ASSUMED_LIMIT;
    return match[1] === "unlimited" ? Number.MAX_SAFE_INTEGER : Number(match[1]);
  } catch {
    return ASSUMED_LIMIT;
  }
}

/**
 * How many files the node's export may hold open for processes: `ulimit -n` less a
 * reserve (a quarter, at least 256), so guests meet ENFILE before the node itself runs
 * out of descriptors for its connections and its own files. At least 16.
 */
export function descriptorBudget(limit = openFileLimit()): number {
  return Math.max(16, limit - Math.max(MIN_RESERVE, Math.floor(limit / RESERVE_FRACTION)));
}
