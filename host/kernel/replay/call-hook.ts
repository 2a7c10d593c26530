import type { Syscall } from "../../../abi/abi.ts";
import type { WitCallName } from "../../../abi/wit.ts";
import type { Process } from "../process.ts";
import type { Arg } from "./record-format.ts";

/** One import as the guest calls it: a result, or a promise of one for a blocking call. */
export type GuestCall = (...args: Arg[]) => number | Promise<number>;

/** One component call as component-calls.ts runs it: WIT values in, a value, a promise or a Failed out. */
export type ComponentCall = (args: unknown[]) => unknown;

/**
 * Stands between a process's imports and their handlers (dispatch.ts asks it for each
 * import the module has): recording keeps what each call gave the guest, replay gives it
 * back instead of running the call.
 */
export interface CallHook {
  wrap(def: Syscall, proc: Process, call: GuestCall): GuestCall;
  /** The same for a component's call (component-calls.ts asks it for each). */
  wrapComponent(name: WitCallName, proc: Process, call: ComponentCall): ComponentCall;
  /** Given a core module's instance exports once it is instantiated (replay dumps its globals). */
  instantiated?(proc: Process, exports: WebAssembly.Exports): void;
}
