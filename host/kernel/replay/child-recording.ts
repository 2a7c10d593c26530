import { FLAGS } from "../../../abi/abi.ts";
import { checkPath } from "../capabilities.ts";
import { fail, ProcessWarning, type ExitInfo } from "../errors.ts";
import type { FileService } from "../file-service.ts";
import type { LoadedModule } from "../module-cache.ts";
import type { Kernel } from "../kernel.ts";
import type { Process } from "../process.ts";
import { Recorder, DEFAULT_RECORD_LIMIT } from "./recorder.ts";
import { invariant } from "../invariant.ts";

/**
 * Where a process's record goes when it ends, and its byte limit. A file on some node's
 * export (the record call: the path the parent named, resolved in its namespace, on any
 * node), or a function given the whole record (`onebox run --record`, embedded, or on a
 * cluster where the node sends it back to the CLI). The node that runs the process
 * records it: that is where its calls happen.
 */
export type RecordTarget =
  | { readonly limit: number; readonly node: string; readonly rel: string }
  | { readonly limit: number; readonly deliver: (record: Uint8Array) => void | Promise<void> };

/** The record file each process asked for its next child (the `record` call), by process. */
const pending = new WeakMap<Process, RecordTarget>();

/** Longest record path a guest may give. */
const MAX_RECORD_PATH = 4096;

/**
 * Bytes of records one node may hold in memory at once, summed over the limits of the
 * processes it records (each holds its record until it ends): 16 records of the default
 * 64 MiB. A start whose limit does not fit is EAGAIN.
 */
export const RECORDING_BUDGET_BYTES = 1024 * 1024 * 1024;
const reserved = new WeakMap<Kernel, number>();

function reserve(kernel: Kernel, bytes: number): void {
  const now = (reserved.get(kernel) ?? 0) + bytes;
  invariant(now >= 0, () => `recordings on ${kernel.nodeName} hold ${now} bytes`);
  if (now > RECORDING_BUDGET_BYTES) fail("EAGAIN", `node ${kernel.nodeName} holds ${now - bytes} bytes of records in memory: one more of ${bytes} passes its ${RECORDING_BUDGET_BYTES}`);
  reserved.set(kernel, now);
}

/** The recording of each recorded process, until its record is delivered. */
const recordings = new WeakMap<Process, { readonly recorder: Recorder; readonly target: RecordTarget }>();

/** A recorder for a module, with the header that identifies it. */
export function recorderFor(module: LoadedModule, argv: readonly string[], memoryPages: number, limit: number): Recorder {
  return new Recorder({ sha256: Buffer.from(module.hash, "hex"), module: module.bytes, memoryPages, argv }, limit);
}

/** The calls without guest pointers, for both kinds of guest. */
export const recordOps = {
  /** `record(path)`: the next child `proc` spawns, on any node, is recorded to `path` (in its namespace); "" cancels. */
  record(proc: Process, path: string): void {
    if (path === "") {
      pending.delete(proc);
      return;
    }
    if (path.length > MAX_RECORD_PATH) fail("ENAMETOOLONG", `a record path of ${path.length} characters, over ${MAX_RECORD_PATH}`);
    const where = proc.kernel.resolvePath(proc, path);
    checkPath(proc.capabilities, where, true, path);
    pending.set(proc, { limit: DEFAULT_RECORD_LIMIT, node: where.node, rel: where.rel });
  },
};

/** At a spawn: where the child's record goes, if its parent asked for one (used once). */
export function takeRecordTarget(parent: Process): RecordTarget | undefined {
  const target = pending.get(parent);
  pending.delete(parent);
  return target;
}

/**
 * At a start with a record target (Kernel.start): reserves the record's room in the
 * node's budget (EAGAIN) and makes its recorder. `started` or `cancel` must follow.
 */
export function beginRecording(kernel: Kernel, module: LoadedModule, argv: readonly string[], memoryPages: number, target: RecordTarget) {
  reserve(kernel, target.limit);
  let recorder: Recorder;
  try {
    recorder = recorderFor(module, argv, memoryPages, target.limit);
  } catch (error) {
    reserve(kernel, -target.limit);
    fail("EINVAL", `cannot record ${argv[0] ?? "the process"}: ${(error as Error).message}`);
  }
  return {
    recorder,
    started(proc: Process): void {
      invariant(!recordings.has(proc), () => `pid ${proc.pid} recorded twice`);
      recordings.set(proc, { recorder, target });
    },
    cancel(): void {
      reserve(kernel, -target.limit);
    },
  };
}

/**
 * The recorded process ended (Kernel.finish, before its parent hears of it): its record is
 * closed and delivered. Resolves once it is written, so a parent's wait returns after
 * the record is in place; a failure is the operator's warning, never the guest's.
 * Undefined for a process not recorded.
 */
export function endRecording(proc: Process, info: ExitInfo): Promise<void> | undefined {
  const recording = recordings.get(proc);
  if (!recording) return undefined;
  recordings.delete(proc);
  const { recorder, target } = recording;
  recorder.ended(info);
  const kernel = proc.kernel;
  const where = "deliver" in target ? "its client" : `${target.rel} on ${target.node}`;
  let delivered: void | Promise<void>;
  try {
    delivered = "deliver" in target ? target.deliver(recorder.contents()) : writeRecord(kernel.fileService(target.node), target.rel, recorder.contents());
  } catch (error) {
    delivered = Promise.reject(error as Error);
  }
  return Promise.resolve(delivered)
    .catch((error: unknown) => {
      process.emitWarning(new ProcessWarning(proc.pid, `onebox: the record of pid ${proc.pid} could not be written to ${where}: ${(error as Error).message}`));
    })
    .finally(() => reserve(kernel, -target.limit));
}

const O = FLAGS.open;

/** Write a whole record into a file of an export, here or on another node (whose writes may be short). */
async function writeRecord(files: FileService, rel: string, bytes: Uint8Array): Promise<void> {
  const handle = await files.open(rel, O.O_WRITE.value | O.O_CREATE.value | O.O_TRUNC.value);
  try {
    for (let at = 0; at < bytes.byteLength; ) {
      const wrote = await files.write(handle, bytes.subarray(at), at);
      if (!(wrote > 0)) fail("EIO", `a write of ${bytes.byteLength - at} bytes of a record wrote ${wrote}`);
      at += wrote;
    }
  } finally {
    await files.close(handle);
  }
}
