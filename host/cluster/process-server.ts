import { EXIT_REASONS, type ExitReasonName } from "../../abi/abi.ts";
import { exitInfo, fail, SysError, type ExitInfo } from "../kernel/errors.ts";
import { InputBuffer } from "../kernel/input-buffer.ts";
import type { Kernel } from "../kernel/kernel.ts";
import { ModuleError, type LoadedModule } from "../kernel/module-cache.ts";
import type { OutputSink, Process } from "../kernel/process.ts";
import { capsFromWire } from "../kernel/process-limits.ts";
import { ancestorsFromWire, capabilitiesFromWire } from "./capabilities-wire.ts";
import type { Asker } from "../kernel/process-scope.ts";
import type { Capabilities } from "../kernel/capabilities.ts";
import { rootCapabilities } from "../kernel/root-capabilities.ts";
import { resolvePath } from "../kernel/namespace.ts";
import type { Channel } from "../transport/channel.ts";
import { toBytes, toNumber, type Bodies, type Body, type ExitNote, type ProcInfo } from "../transport/wire.ts";
import type { Authority, Caps, RecordTo, U64 } from "../transport/wire-types.ts";
import type { RecordTarget } from "../kernel/replay/child-recording.ts";
import { MAX_RECORD_BYTES } from "../kernel/replay/record-format.ts";

export function toExitNote(to: number, pid: number, info: ExitInfo, ref = 0): ExitNote {
  return { to, pid, reason: info.reason, status: info.status, text: info.text, ref };
}

export function fromExitNote(note: ExitNote): ExitInfo {
  const reason = (note.reason in EXIT_REASONS ? note.reason : "ERROR") as ExitReasonName;
  return exitInfo(reason, note.text, note.status);
}

export function procInfo(node: string, proc: Process): ProcInfo {
  return {
    pid: proc.pid,
    node,
    ppid: proc.ppid,
    // An ended process shows why, e.g. "exited: limit_cpu".
    state: proc.exit ? `${proc.state}: ${proc.exit.reason.toLowerCase()}` : proc.state,
    module: proc.argv[0] ?? "",
    uptimeMs: proc.uptimeMs,
    memoryBytes: proc.memory?.byteLength ?? 0,
    cpuTimeNs: proc.cpuTimeNs,
    syscalls: proc.syscalls,
    mailboxDepth: proc.mailbox.length,
    owner: proc.owner ?? "",
  };
}

/**
 * Start a process here; a module that cannot run is ENOEXEC for the caller. Its set is
 * `authority`, else the one the spawn carries.
 */
export function startHere(
  kernel: Kernel, module: LoadedModule, spawn: { argv: string[]; env: string[]; ppid: number; home: string; memoryPages?: number; caps?: Caps | null; authority?: Authority | null; owner?: string | null; monotonicFloorMs?: number | null; ancestors?: number[] | null }, output: OutputSink, input?: InputBuffer, record?: RecordTarget, rootSet?: Capabilities,
): Process {
  try {
    // A cap of 0 (or none) is this node's default; one over this node's maximum is EINVAL.
    const memoryPages = spawn.memoryPages || undefined;
    const caps = capsFromWire(kernel.defaultCaps, spawn.caps);
    const authority = rootSet ?? capabilitiesFromWire(spawn.authority);
    const ancestors = ancestorsFromWire(spawn.ppid, spawn.ancestors);
    return kernel.start({ module, argv: spawn.argv, env: spawn.env, ppid: spawn.ppid, namespace: { home: spawn.home }, output, input, memoryPages, caps, authority, ancestors, owner: spawn.owner || undefined, monotonicFloorMs: spawn.monotonicFloorMs ?? undefined, record });
  } catch (error) {
    if (error instanceof ModuleError) throw new SysError("ENOEXEC", error.message);
    throw error;
  }
}

/** Output (and a record sent back to run's CLI) travels in pieces of at most this: no huge frame. */
const OUTPUT_CHUNK_BYTES = 1024 * 1024;

/** A record's limit off the wire (Run.record_limit, RecordTo.limit): 0 or absent is none; past 1 GiB is EINVAL. */
export function recordLimitFromWire(limit: U64 | null | undefined): number | undefined {
  const bytes = toNumber(limit ?? 0);
  if (bytes === 0) return undefined;
  if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes > MAX_RECORD_BYTES) fail("EINVAL", `a record limit of ${bytes} bytes: give 1 byte to ${MAX_RECORD_BYTES}`);
  return bytes;
}

/** A Spawn's record target off the wire: a file on a node's export. */
export function recordTargetFromWire(to: RecordTo | null | undefined): RecordTarget | undefined {
  if (!to) return undefined;
  const limit = recordLimitFromWire(to.limit);
  if (limit === undefined) fail("EINVAL", "a record target with no limit");
  return { limit, node: to.node, rel: to.rel };
}

/** Pieces of a record on their way to run's CLI at once: the CLI answers each once it is written. */
const RECORD_PIECES_IN_FLIGHT = 4;

/**
 * `run --record` on a cluster: the whole record back to the CLI, in pieces it acknowledges
 * (each a call, answered once written), at most RECORD_PIECES_IN_FLIGHT unanswered.
 * Rejects if the connection goes.
 */
async function sendRecord(channel: Channel, record: Uint8Array): Promise<void> {
  const inFlight: Promise<unknown>[] = [];
  for (let at = 0; at < record.byteLength; at += OUTPUT_CHUNK_BYTES) {
    if (inFlight.length >= RECORD_PIECES_IN_FLIGHT) await inFlight.shift();
    inFlight.push(channel.call({ recordData: { data: record.subarray(at, at + OUTPUT_CHUNK_BYTES) } }));
  }
  await Promise.all(inFlight);
}

/** A process's output sent to sink `sink` of another node (or the CLI) through `cast`, in pieces. */
export function remoteOutput(cast: (body: Body) => void, sink: number): OutputSink {
  return {
    write: (fd, data) => {
      for (let at = 0; at < data.byteLength; at += OUTPUT_CHUNK_BYTES) cast({ output: { sink, fd, data: data.subarray(at, at + OUTPUT_CHUNK_BYTES) } });
    },
  };
}

/** End a local process for an asker anywhere (a guest on another node, or the operator: pid 0). */
export function killHere(kernel: Kernel, asker: Asker, pid: number): void {
  if (!kernel.end(pid, exitInfo("KILLED", asker.pid ? `killed by ${asker.pid}` : "killed by the operator"), asker)) fail("ESRCH", `no process ${pid}`);
}

/** The set of the process a client's run starts here (root-capabilities.ts): by its owner's role and what it asked. */
export function rootSetOf(kernel: Kernel, run: Bodies["run"]): Capabilities {
  return rootCapabilities(run.owner || undefined, run.role || undefined, run.rootSet ?? undefined, (path) => resolvePath({ home: kernel.nodeName }, kernel.nodeName, path));
}

/** The fd 0 of the process each CLI connection runs. */
const runInputs = new WeakMap<Channel, InputBuffer>();

/**
 * Standard input from a run's CLI. A sender that ignores its credit (more than the buffer
 * in flight), sends after the end, or ran nothing is refused; the process is unaffected.
 */
export function feedInput(channel: Channel, m: Bodies["input"]): void {
  const input = runInputs.get(channel);
  if (!input) fail("EINVAL", "input on a connection that runs no process");
  pushInput(input, m);
}

/** Input from a client into a process's fd 0, refused past its buffer or its end; returns the bytes taken in. */
export function pushInput(input: InputBuffer, m: Bodies["input"]): number {
  if (input.ended) fail("EINVAL", "input after its end");
  const data = toBytes(m.data);
  if (input.buffered + data.byteLength > input.capacity) fail("EAGAIN", `input beyond its ${input.capacity}-byte buffer`);
  input.push(data);
  if (m.end) input.end();
  return data.byteLength;
}

/** A module a client sent to run; one that cannot run is ENOEXEC. */
export async function loadForRun(kernel: Kernel, bytes: Uint8Array): Promise<LoadedModule> {
  try {
    return await kernel.modules.load(bytes);
  } catch (error) {
    if (error instanceof ModuleError) fail("ENOEXEC", error.message);
    throw error;
  }
}

/**
 * The CLI's `run`: start a module here as a root process whose output and end stream back
 * over the CLI's connection. If the CLI goes away, so does its process.
 */
export async function runForClient(kernel: Kernel, run: Bodies["run"], channel: Channel): Promise<number> {
  const recordLimit = recordLimitFromWire(run.recordLimit);
  const module = await loadForRun(kernel, run.module);
  const output = remoteOutput((body) => channel.cast(body), 0);
  // What the process reads is credited back, so the CLI never has more than the buffer in flight.
  const input = new InputBuffer((n) => channel.cast({ inputTaken: { n } }));
  // The record is sent when the process ends (Kernel.finish), before its exit listeners run.
  let recordSent: Promise<void> | undefined;
  const record = recordLimit === undefined ? undefined : { limit: recordLimit, deliver: (bytes: Uint8Array) => (recordSent = sendRecord(channel, bytes)) };
  const proc = startHere(kernel, module, { argv: run.argv, env: run.env, ppid: 0, home: kernel.nodeName, owner: run.owner }, output, input, record, rootSetOf(kernel, run));
  runInputs.set(channel, input);
  // The exited note comes after the whole record: the CLI writes the record when it sees it.
  void kernel.whenExited(proc.pid).then(async (info) => {
    await recordSent?.catch(() => {});
    channel.cast({ exited: toExitNote(0, proc.pid, info) });
  });
  channel.onClose(() => kernel.terminate(proc, exitInfo("KILLED", "its client disconnected")));
  return proc.pid;
}
