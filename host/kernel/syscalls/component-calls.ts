import { SYSCALLS, type Syscall } from "../../../abi/abi.ts";
import { jsName, WIT_CALLS, witErrno, type WitCallName } from "../../../abi/wit.ts";
import { reasonCode, type SysError } from "../errors.ts";
import { after } from "../file-service.ts";
import type { Message } from "../mailbox.ts";
import type { Process } from "../process.ts";
import { SAMPLE_EVERY, syscallIndex } from "../kernel-stats.ts";
import { traced, sysErrorOf, type Tracer } from "./dispatch.ts";
import type { Journal } from "../journal/journal.ts";
import { recordComponentCall } from "../journal/recorder.ts";
import { fileOps } from "./sysfile.ts";
import { lockOps } from "./syslock.ts";
import { messageOps, takeMessage } from "./sysmsg.ts";
import { processCalls, processOps } from "./sysproc.ts";
import { registryOps } from "./sysregistry.ts";
import { envOps } from "./wasi.ts";
import { recordOps } from "../replay/child-recording.ts";

type Ops = { [K in WitCallName]: (proc: Process, ...args: never[]) => unknown };

const done = (): undefined => undefined;

/**
 * Each call of abi/onebox.wit as the same kernel operation a core module's import
 * reaches: the pointer-free ops of syscalls/*.ts, given WIT values instead of memory.
 * Records come back shaped as jco lifts them (camelCase fields, bigint for u64).
 */
const OPS: Ops = {
  spawn: (proc, path: string, args: string[], env: string[], node: string) => proc.kernel.spawnChild(proc, { path, args, env, node }),
  exit: (_proc, status: number) => processOps.exit(status),
  wait: (proc, pid: number) =>
    processOps.wait(proc, pid, (child) => ({ pid: child.pid, status: child.info.status, reason: reasonCode(child.info.reason) })),
  kill: (proc, pid: number) => after(proc.kernel.kill(proc, pid), done),
  getpid: (proc) => proc.pid,
  getppid: (proc) => proc.ppid,
  lamport: (proc) => BigInt(proc.kernel.lamport.tick()),
  memlimit: (proc, pages: number) => void proc.limitChildMemory(pages),
  record: (proc, path: string) => recordOps.record(proc, path),
  childlimit: (proc, kind: number, value: number) => processOps.childlimit(proc, kind, value),
  childcap: (proc, kind: number, text: string) => processOps.childcap(proc, kind, text),
  capgive: (proc, pid: number, kind: number, text: string) => proc.kernel.giveCapability(proc, pid, kind, text),
  sleep: (proc, ms: number) => after(processCalls.sleep(proc, ms), done),
  yield: (proc) => after(processCalls.yield(proc), done),
  monitor: (proc, pid: number) => proc.kernel.monitor(proc, pid),
  demonitor: (proc, ref: number) => proc.kernel.demonitor(proc, ref),
  "spawn-opt": (proc, path: string, args: string[], env: string[], node: string, flags: number) =>
    processOps.spawnOpt(proc, { path, args, env, node }, flags, (pid, ref) => ({ pid, ref })),
  "proc-link": (proc, pid: number) => after(proc.kernel.links.link(proc, pid), done),
  "proc-unlink": (proc, pid: number) => proc.kernel.links.unlink(proc, pid),
  "trap-exit": (proc, on: number) => proc.kernel.links.trapExit(proc, on),
  send: (proc, pid: number, tag: number, data: Uint8Array) => messageOps.send(proc, pid, tag, data),
  recv: (proc, tags: Int32Array, timeoutMs: number) =>
    messageOps.recv(proc, [...tags], timeoutMs, (index): Message => takeMessage(proc, index)),
  open: (proc, path: string, flags: number) => fileOps.open(proc, path, flags),
  read: (proc, fd: number, maxLen: number) => {
    const target = new Uint8Array(maxLen);
    return after(fileOps.read(proc, fd, target), (n) => target.subarray(0, n));
  },
  write: (proc, fd: number, data: Uint8Array) => fileOps.write(proc, fd, data),
  seek: (proc, fd: number, offset: bigint, whence: number) => fileOps.seek(proc, fd, offset, whence),
  close: (proc, fd: number) => fileOps.close(proc, fd),
  stat: (proc, path: string) => after(fileOps.stat(proc, path), (st) => ({ size: BigInt(st.size), mtimeNs: st.mtimeNs, kind: st.kind })),
  readdir: (proc, path: string) => fileOps.names(proc, path),
  mkdir: (proc, path: string) => fileOps.mkdir(proc, path),
  unlink: (proc, path: string) => fileOps.unlink(proc, path),
  rename: (proc, from: string, to: string) => fileOps.rename(proc, from, to),
  fence: (proc, fd: number, name: string, token: bigint) => fileOps.fence(proc, fd, name, token),
  lock: (proc, name: string, timeoutMs: number) => lockOps.lock(proc, name, timeoutMs),
  trylock: (proc, name: string) => lockOps.lock(proc, name, 0),
  unlock: (proc, name: string) => lockOps.unlock(proc, name),
  register: (proc, name: string) => registryOps.register(proc, name),
  unregister: (proc, name: string) => registryOps.unregister(proc, name),
  whereis: (proc, name: string) => registryOps.whereis(proc, name),
  args: (proc) => proc.argv,
  environ: (proc) => proc.env,
  "clock-time": (proc, clockId: number) => envOps.clockNs(proc, clockId),
  "random-bytes": (_proc, len: number) => envOps.random(new Uint8Array(len)),
  "write-output": (proc, fd: number, data: Uint8Array) => envOps.output(proc, fd, data),
};

/** A call that failed, carried through tracing (and recording) to where it is thrown to jco. */
export class Failed {
  readonly error: SysError;
  constructor(error: SysError) {
    this.error = error;
  }
}

/**
 * jco lowers a thrown value with a `payload` into result's err case; the payload is the
 * errno enum's case name. A ProcessEnd (an Error without payload) unwinds the guest.
 */
function unwrap(result: unknown): unknown {
  if (result instanceof Failed) throw { payload: witErrno(result.error.errnoName) };
  return result;
}

/** What the journal records: numbers as they are, -errno for a failure, 0 for other values. */
const traceCode = (result: unknown): number =>
  result instanceof Failed ? -result.error.errno : typeof result === "number" ? result : typeof result === "bigint" ? Number(result) : 0;

const defs = new Map<string, Syscall>((SYSCALLS as readonly Syscall[]).map((s) => [s.name, s]));

function bind(name: WitCallName, proc: Process, trace: () => Tracer | undefined, journal: Journal | undefined): Function {
  const def = defs.get(WIT_CALLS[name].abi)!;
  const op = OPS[name] as (proc: Process, ...args: unknown[]) => unknown;
  const run = (args: unknown[]): unknown => {
    proc.syscalls++;
    try {
      const result = op(proc, ...args);
      // Under proc.block, as a core module's call, so kill interrupts a blocked guest.
      return result instanceof Promise ? proc.block(result, (error) => new Failed(sysErrorOf(def, proc, error))) : result;
    } catch (error) {
      return new Failed(sysErrorOf(def, proc, error));
    }
  };
  const attempt = proc.calls ? proc.calls.wrapComponent(name, proc, run) : run;
  const index = syscallIndex(def.name);
  const stats = proc.kernel.stats;
  return (...args: unknown[]) => {
    if (--stats.countdown[index] === 0) {
      stats.countdown[index] = SAMPLE_EVERY;
      stats.rounds[index]++;
    }
    const tracer = trace();
    const run = (): unknown => {
      if (tracer === undefined) return attempt(args);
      const numeric = args.filter((a): a is number | bigint => typeof a === "number" || typeof a === "bigint");
      return traced(tracer, def, proc, numeric, () => attempt(args), traceCode);
    };
    return after(journal === undefined ? run() : recordComponentCall(journal, def, proc, run, traceCode), unwrap);
  };
}

/** The import object for the world's interface, for one process: jco's names for every call. */
export function componentImportsFor(proc: Process, trace: () => Tracer | undefined, journal: Journal | undefined): Record<string, Function> {
  const imports: Record<string, Function> = {};
  for (const name of Object.keys(WIT_CALLS) as WitCallName[]) imports[jsName(name)] = bind(name, proc, trace, journal);
  return imports;
}
