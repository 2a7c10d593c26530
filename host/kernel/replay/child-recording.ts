import { FLAGS } from "../../../abi/abi.ts";
import { fail, ProcessWarning } from "../errors.ts";
import type { LoadedModule } from "../module-cache.ts";
import type { Kernel } from "../kernel.ts";
import type { Process } from "../process.ts";
import { Recorder, DEFAULT_RECORD_LIMIT } from "./recorder.ts";
import { invariant } from "../invariant.ts";

/** The record file each process asked for its next child (the `record` call), by process. */
const pending = new WeakMap<Process, string>();

/** Longest record path a guest may give. */
const MAX_RECORD_PATH = 4096;

/**
 * Children one node records at once: each holds its record in memory (up to
 * DEFAULT_RECORD_LIMIT) until it ends, so a spawn past this is EAGAIN.
 */
const MAX_LIVE_RECORDINGS = 16;
const live = new WeakMap<Kernel, number>();

function countLive(kernel: Kernel, change: 1 | -1): void {
  const now = (live.get(kernel) ?? 0) + change;
  invariant(now >= 0 && now <= MAX_LIVE_RECORDINGS, () => `live recordings on ${kernel.nodeName} went to ${now}`);
  live.set(kernel, now);
}

/** A recorder for a module, with the header that identifies it. */
export function recorderFor(module: LoadedModule, argv: readonly string[], memoryPages: number, limit: number): Recorder {
  return new Recorder({ sha256: Buffer.from(module.hash, "hex"), module: module.bytes, memoryPages, argv }, limit);
}

/** The calls without guest pointers, for both kinds of guest. */
export const recordOps = {
  /** `record(path)`: the next child `proc` spawns is recorded to `path` on this node's export; "" cancels. */
  record(proc: Process, path: string): void {
    if (path === "") {
      pending.delete(proc);
      return;
    }
    if (path.length > MAX_RECORD_PATH) fail("ENAMETOOLONG", `a record path of ${path.length} characters, over ${MAX_RECORD_PATH}`);
    const where = proc.kernel.resolvePath(proc, path);
    if (where.node !== proc.kernel.nodeName) fail("EXDEV", `${path} is on node ${where.node}: a record is written on the node its process runs on, ${proc.kernel.nodeName}`);
    pending.set(proc, where.rel);
  },
};

/**
 * At a spawn: the recorder of the child, if its parent asked for one (used once). The
 * child's node writes the record into its export when the child ends.
 */
export function childRecorder(parent: Process, module: LoadedModule, argv: readonly string[], onThisNode: boolean): Recorder | undefined {
  const rel = pending.get(parent);
  if (rel === undefined) return undefined;
  if (!onThisNode) fail("ENOTSUP", "a recorded child runs on its parent's node: spawn it there, or cancel the record with record(\"\")");
  const kernel = parent.kernel;
  if ((live.get(kernel) ?? 0) >= MAX_LIVE_RECORDINGS) fail("EAGAIN", `node ${kernel.nodeName} records ${MAX_LIVE_RECORDINGS} processes already, its limit`);
  const recorder = recorderFor(module, argv, parent.childMemoryCap, DEFAULT_RECORD_LIMIT);
  pending.delete(parent);
  recorder.onStart = (child) => {
    countLive(kernel, 1);
    void kernel.whenExited(child.pid).then((info) => {
      countLive(kernel, -1);
      recorder.ended(info);
      saveRecord(child, rel, recorder.contents());
    });
  };
  return recorder;
}

const O = FLAGS.open;

/** Write a record into the node's export; a failure is the operator's warning, not the guest's. */
function saveRecord(proc: Process, rel: string, bytes: Uint8Array): void {
  const files = proc.kernel.exportDir;
  try {
    const handle = files.open(rel, O.O_WRITE.value | O.O_CREATE.value | O.O_TRUNC.value);
    try {
      files.write(handle, bytes, 0);
    } finally {
      files.close(handle);
    }
  } catch (error) {
    process.emitWarning(new ProcessWarning(proc.pid, `onebox: the record of pid ${proc.pid} could not be written to ${rel}: ${(error as Error).message}`));
  }
}
