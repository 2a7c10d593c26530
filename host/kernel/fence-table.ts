import { FLAGS } from "../../abi/abi.ts";
import { fail } from "./errors.ts";
import type { Fence } from "./file-service.ts";
import { invariant } from "./invariant.ts";

/** Lock names a table remembers (ABI limit MAX_FENCED_LOCKS). */
export const MAX_FENCED_LOCKS = FLAGS.limits.MAX_FENCED_LOCKS.value;

/**
 * The newest fencing token an export has seen for each lock name, the storage side of
 * Kleppmann's fencing argument: a write carrying an older token comes from a holder
 * that lost the lock since, and is refused. Names are never forgotten (forgetting one
 * would let that lock's stale holders through again), so the table is bounded by
 * refusing new names once full.
 */
export class FenceTable {
  private readonly newest = new Map<string, bigint>();
  private readonly limit: number;

  constructor(limit: number = MAX_FENCED_LOCKS) {
    this.limit = limit;
  }

  /** Let an operation carrying `fence` through, raising the remembered token, or refuse it (ESTALE, ENOSPC). */
  admit(fence: Fence): void {
    const seen = this.newest.get(fence.lock);
    if (seen === undefined && this.newest.size >= this.limit) fail("ENOSPC", `this export remembers ${this.limit} fenced locks already`);
    if (seen !== undefined && fence.token < seen) fail("ESTALE", `lock ${fence.lock}: token ${fence.token} is older than ${seen}`);
    this.newest.set(fence.lock, fence.token);
    invariant(seen === undefined || this.newest.get(fence.lock)! >= seen, () => `the token of ${fence.lock} went back from ${seen}`);
    invariant(this.newest.size <= this.limit, () => `${this.newest.size} fenced locks, over ${this.limit}`);
  }

  /** The newest token seen for `lock` (what the tests check). */
  seen(lock: string): bigint | undefined {
    return this.newest.get(lock);
  }
}
