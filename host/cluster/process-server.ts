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
import { toBytes, type Bodies, type Body, type ExitNote, type ProcInfo } from "../transport/wire.ts";
import type { Authority, Caps } from "../transport/wire-types.ts";

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
  kernel: Kernel, module: LoadedModule, spawn: { argv: string[]; env: string[]; ppid: number; home: string; memoryPages?: number; caps?: Caps | null; authority?: Authority | null; owner?: string | null; monotonicFloorMs?: number | null; ancestors?: number[] | null }, output: OutputSink, input?: InputBuffer, rootSet?: Capabilities,
): Process {
  try {
    // A cap of 0 (or none) is this node's default; one over this node's maximum is EINVAL.
    const memoryPages = spawn.memoryPages || undefined;
    const caps = capsFromWire(kernel.defaultCaps, spawn.caps);
    const authority = rootSet ?? capabilitiesFromWire(spawn.authority);
    const ancestors = ancestorsFromWire(spawn.ppid, spawn.ancestors);
    return kernel.start({ module, argv: spawn.argv, env: spawn.env, ppid: spawn.ppid, namespace: { home: spawn.home }, output, input, memoryPages, caps, authority, ancestors, owner: spawn.owner || undefined, monotonicFloorMs: spawn.monotonicFloorMs ?? undefined });
  } catch (error) {
    if (error instanceof ModuleError) throw new SysError("ENOEXEC", error.message);
    throw error;
  }
}

/** Output travels in pieces of at most this: a guest's one huge write makes no huge frame. */
const OUTPUT_CHUNK_BYTES = 1024 * 1024;

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
  const module = await loadForRun(kernel, run.module);
  const output = remoteOutput((body) => channel.cast(body), 0);
  // What the process reads is credited back, so the CLI never has more than the buffer in flight.
  const input = new InputBuffer((n) => channel.cast({ inputTaken: { n } }));
  const proc = startHere(kernel, module, { argv: run.argv, env: run.env, ppid: 0, home: kernel.nodeName, owner: run.owner }, output, input, rootSetOf(kernel, run));
  runInputs.set(channel, input);
  void kernel.whenExited(proc.pid).then((info) => channel.cast({ exited: toExitNote(0, proc.pid, info) }));
  channel.onClose(() => kernel.terminate(proc, exitInfo("KILLED", "its client disconnected")));
  return proc.pid;
}
