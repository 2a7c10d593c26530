// The component-model view of the ABI: each call of abi.ts with pointers and lengths
// replaced by WIT values (strings, lists, records), results as result<T, errno>.
// abi/gen.ts writes abi/onebox.wit from it, and the host's component adapter is typed
// by WIT_CALLS, so a call added to SYSCALLS fails to compile until both cover it.
import { ABI_VERSION, ERRNO, MODULE_ONEBOX, SYSCALLS, type Syscall } from "./abi.ts";

export const WIT_PACKAGE = `onebox:guest@${ABI_VERSION}.0.0`;
export const WIT_INTERFACE = "sys";
export const WIT_WORLD = "guest";
/** The import name a component uses for the interface, as jco reports it. */
export const WIT_IMPORT = `onebox:guest/${WIT_INTERFACE}@${ABI_VERSION}.0.0`;
/** The one export of the world: the guest's entry point, as _start is for a core module. */
export const WIT_START = "start";

export interface WitCall {
  /** The ABI call it stands for: same semantics, same handler logic on the host. */
  readonly abi: Syscall["name"];
  /** WIT parameter list, e.g. "pid: s32, tag: s32". */
  readonly params: string;
  /** The ok type ("_" for none); undefined for a call that never returns. */
  readonly ok?: string;
  /** Whether it can fail, i.e. returns result<ok, errno> rather than ok itself. */
  readonly fails: boolean;
}

/** WIT names are kebab-case: the ABI's spawn_opt is WIT's spawn-opt. */
type Kebab<S extends string> = S extends `${infer A}_${infer B}` ? `${A}-${Kebab<B>}` : S;
type OneboxName = Kebab<Extract<Syscall, { module: typeof MODULE_ONEBOX }>["name"]>;

const call = (abi: Syscall["name"], params: string, ok: string | undefined, fails = true): WitCall => ({ abi, params, ok, fails });

/**
 * Every onebox call under its own name, plus the WASI calls a component needs in a form
 * WIT can say (argv, environment, clocks, randomness, output). The WASI size queries
 * and stdio descriptor calls have no component form: lists carry their own length.
 */
export const WIT_CALLS = {
  spawn: call("spawn", "path: string, args: list<string>, env: list<string>, node: string", "s32"),
  exit: call("exit", "status: s32", undefined, false),
  wait: call("wait", "pid: s32", "wait-status"),
  kill: call("kill", "pid: s32", "_"),
  getpid: call("getpid", "", "s32", false),
  getppid: call("getppid", "", "s32", false),
  lamport: call("lamport", "", "u64", false),
  memlimit: call("memlimit", "pages: s32", "_"),
  record: call("record", "path: string", "_"),
  childlimit: call("childlimit", "kind: s32, value: s32", "_"),
  childcap: call("childcap", "kind: s32, text: string", "_"),
  capgive: call("capgive", "pid: s32, kind: s32, text: string", "_"),
  sleep: call("sleep", "ms: s32", "_"),
  yield: call("yield", "", "_", false),
  monitor: call("monitor", "pid: s32", "s32"),
  demonitor: call("demonitor", "ref: s32", "_"),
  "spawn-opt": call("spawn_opt", "path: string, args: list<string>, env: list<string>, node: string, %flags: s32", "spawned"),
  "proc-link": call("proc_link", "pid: s32", "_"),
  "proc-unlink": call("proc_unlink", "pid: s32", "_", false),
  "trap-exit": call("trap_exit", "on: s32", "s32"),
  send: call("send", "pid: s32, tag: s32, data: list<u8>", "_"),
  recv: call("recv", "tags: list<s32>, timeout-ms: s32", "message"),
  open: call("open", "path: string, %flags: s32", "s32"),
  read: call("read", "fd: s32, max-len: u32", "list<u8>"),
  write: call("write", "fd: s32, data: list<u8>", "u32"),
  seek: call("seek", "fd: s32, offset: s64, whence: s32", "u64"),
  close: call("close", "fd: s32", "_"),
  stat: call("stat", "path: string", "file-stat"),
  readdir: call("readdir", "path: string", "list<string>"),
  mkdir: call("mkdir", "path: string", "_"),
  unlink: call("unlink", "path: string", "_"),
  rename: call("rename", "%from: string, to: string", "_"),
  fence: call("fence", "fd: s32, name: string, token: u64", "_"),
  lock: call("lock", "name: string, timeout-ms: s32", "u64"),
  trylock: call("trylock", "name: string", "u64"),
  unlock: call("unlock", "name: string", "_"),
  register: call("register", "name: string", "_"),
  unregister: call("unregister", "name: string", "_"),
  whereis: call("whereis", "name: string", "s32"),
  args: call("args_get", "", "list<string>", false),
  environ: call("environ_get", "", "list<string>", false),
  "clock-time": call("clock_time_get", "clock-id: u32", "u64"),
  "random-bytes": call("random_get", "len: u32", "list<u8>", false),
  "write-output": call("fd_write", "fd: s32, data: list<u8>", "_"),
} as const satisfies Record<OneboxName, WitCall> & Record<string, WitCall>;

export type WitCallName = keyof typeof WIT_CALLS;

/** WIT's name for a call: kebab-case, as jco also names the JS import in camelCase. */
export const jsName = (wit: string): string => wit.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

const BLOCKING = new Set<string>(SYSCALLS.filter((s) => s.blocking).map((s) => s.name));

/** Calls that suspend: async imports under JSPI, as their ABI calls are Suspending imports. */
export const blockingWitCalls = (): WitCallName[] =>
  (Object.keys(WIT_CALLS) as WitCallName[]).filter((name) => BLOCKING.has(WIT_CALLS[name].abi));

/** The errno enum's case for an ABI errno name: ESRCH is `esrch`. */
export const witErrno = (name: keyof typeof ERRNO): string => name.toLowerCase();
