import { FLAGS } from "../../abi/abi.ts";
import { fail } from "./errors.ts";
import type { ProcessScope } from "./capabilities.ts";
import { invariant } from "./invariant.ts";

/** Nearest ancestors a process remembers: it is a descendant, for kill, monitor and link, of these only. */
export const MAX_ANCESTORS = FLAGS.limits.MAX_ANCESTORS.value;

/**
 * Who asks to kill, monitor or link a process: its pid (0: the operator, whose rights
 * the node checked from its role), the user it runs for, and its process scope. Frames
 * from other nodes carry it, and the check is made where the target runs, which alone
 * knows the target's ancestors.
 */
export interface Asker {
  readonly pid: number;
  readonly owner: string | undefined;
  readonly scope: ProcessScope;
}

/** The process asked about: what the check reads of it. */
export interface Target {
  readonly pid: number;
  readonly owner?: string;
  /** Its parent's pid, then its parent's nearest ancestors, at most MAX_ANCESTORS. */
  readonly ancestors: readonly number[];
}

/** The ancestors of a child of `parent`: the parent, then the parent's own, nearest first, at most MAX_ANCESTORS. */
export function ancestorsOfChild(parent: Target): number[] {
  return [parent.pid, ...parent.ancestors].slice(0, MAX_ANCESTORS);
}

/** The invariant of a process's ancestors: its parent first (none for a root), bounded, no pid twice, not itself. */
export function checkAncestors(pid: number, ppid: number, ancestors: readonly number[]): void {
  invariant(ancestors.length <= MAX_ANCESTORS, () => `process ${pid} has ${ancestors.length} ancestors, over MAX_ANCESTORS`);
  invariant(ppid === 0 ? ancestors.length === 0 : ancestors[0] === ppid, () => `process ${pid}'s ancestors [${ancestors.join(",")}] do not start with its parent ${ppid}`);
  invariant(new Set(ancestors).size === ancestors.length && !ancestors.includes(pid), () => `process ${pid}'s ancestors [${ancestors.join(",")}] repeat a pid`);
}

/**
 * EPERM unless `asker` may `what` (kill, monitor, link) `target`: itself always; a process
 * of another user never; then within its scope (its descendants by default). The operator
 * (pid 0) is held to the owner alone.
 */
export function checkInScope(asker: Asker, target: Target, what: string): void {
  if (asker.pid === target.pid) return;
  if (asker.owner && target.owner !== asker.owner) fail("EPERM", `process ${target.pid} does not run for '${asker.owner}'`);
  if (asker.pid === 0 || asker.scope === "owner") return;
  if (asker.scope === "children" ? target.ancestors[0] !== asker.pid : !target.ancestors.includes(asker.pid)) {
    fail("EPERM", `process ${asker.pid} may ${what} only its ${asker.scope}, and ${target.pid} is not one of them`);
  }
}
