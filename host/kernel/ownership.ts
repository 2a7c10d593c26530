import { fail } from "./errors.ts";
import type { Process } from "./process.ts";

/**
 * A process that runs for a user (`owner`) may end only processes of the same user: a
 * guest cannot kill another user's work on any node. A process without an owner (an
 * --insecure cluster, an embedded run) is not limited.
 */
export function checkMayKill(owner: string | undefined, target: Process): void {
  if (owner && target.owner !== owner) fail("EPERM", `process ${target.pid} does not run for '${owner}'`);
}
