import { FLAGS } from "../../abi/abi.ts";
import { fail } from "./errors.ts";
import type { Limits } from "./kernel.ts";

/**
 * A process's own limits beside its memory cap (Process.memoryCap): each starts at the
 * node's default, and a child's may only be narrower than its parent's (childlimit,
 * `onebox run --cpu/--files/...`), never wider, so a process cannot escape its limits by
 * spawning.
 */
export interface ProcessCaps {
  /** CPU time its guest turns may take in all, in ms; Infinity: no budget. */
  readonly cpuMs: number;
  /** Open files and directories together (WASI's preopen not counted): one more is EMFILE. */
  readonly openFiles: number;
  /** Live descendants on its node: one more spawn is EAGAIN. */
  readonly descendants: number;
  /** Messages its mailbox queues before senders get EAGAIN. */
  readonly mailboxMessages: number;
  /** Bytes of message data its mailbox queues before senders get EAGAIN. */
  readonly mailboxBytes: number;
  /** Lock names it may hold at once: one more lock is ENOLCK. */
  readonly locks: number;
}

export type CapName = keyof ProcessCaps;

export const CAP_NAMES: readonly CapName[] = ["cpuMs", "openFiles", "descendants", "mailboxMessages", "mailboxBytes", "locks"];

const KIND = FLAGS.limitKind;

/** The cap an ABI LIMIT_* kind names (LIMIT_MEMORY_PAGES is the memory cap, kept apart). */
const CAP_OF_KIND = new Map<number, CapName>([
  [KIND.LIMIT_CPU_MS.value, "cpuMs"],
  [KIND.LIMIT_OPEN_FILES.value, "openFiles"],
  [KIND.LIMIT_DESCENDANTS.value, "descendants"],
  [KIND.LIMIT_MAILBOX_MESSAGES.value, "mailboxMessages"],
  [KIND.LIMIT_MAILBOX_BYTES.value, "mailboxBytes"],
  [KIND.LIMIT_LOCKS.value, "locks"],
]);

/** The cap of LIMIT_* `kind`; EINVAL for an unknown kind. */
export function capOfKind(kind: number): CapName {
  const name = CAP_OF_KIND.get(kind);
  if (name === undefined) fail("EINVAL", `no limit kind ${kind}`);
  return name;
}

/**
 * `base` narrowed to what `asked` asks for. A value over base's (a widening), not a
 * whole number, or not positive is EINVAL: the caller asked for more than it may give.
 */
export function narrowCaps(base: ProcessCaps, asked: Partial<ProcessCaps> | undefined, whose: string): ProcessCaps {
  if (asked === undefined) return base;
  const caps = { ...base };
  for (const name of CAP_NAMES) {
    const value = asked[name];
    if (value === undefined || value === base[name]) continue;
    if (!(Number.isInteger(value) && value > 0)) fail("EINVAL", `${name} of ${value} is not a positive whole number`);
    if (value > base[name]) fail("EINVAL", `${name} of ${value} is over the ${whose} limit of ${base[name]}`);
    caps[name] = value;
  }
  return caps;
}

/** Caps as a spawn to another node carries them (Caps in abi/wire.proto): one not given, or no CPU budget, is 0. */
export function capsOnWire(caps: Partial<ProcessCaps> | undefined): Record<CapName, number> {
  const wire = {} as Record<CapName, number>;
  for (const name of CAP_NAMES) {
    const value = caps?.[name];
    wire[name] = value === undefined || value === Infinity ? 0 : value;
  }
  return wire;
}

/**
 * Caps a spawn from another node asked for, each lowered to `base` (this node's
 * defaults): a remote parent's wider limit never widens this node's. 0 or absent is base's.
 */
export function capsFromWire(base: ProcessCaps, wire: Partial<Record<CapName, number>> | null | undefined): ProcessCaps {
  const caps = { ...base };
  for (const name of CAP_NAMES) {
    const value = wire?.[name];
    if (value !== undefined && value > 0) caps[name] = Math.min(value, base[name]);
  }
  return caps;
}

/** The node's defaults (kernel Limits) as a process's caps. */
export const defaultCaps = (limits: Limits): ProcessCaps => ({
  cpuMs: limits.cpuMs,
  openFiles: limits.openFiles,
  descendants: limits.descendants,
  mailboxMessages: limits.mailbox,
  mailboxBytes: limits.mailboxBytes,
  locks: limits.locks,
});
