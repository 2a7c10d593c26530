import type { Process } from "./process.ts";
import { fuelTrampolineBytes, guardedFuelTrampolineBytes } from "./wasm/fuel-trampoline.ts";

const trampolineModule = new WebAssembly.Module(fuelTrampolineBytes() as Uint8Array<ArrayBuffer>);
const guardedModule = new WebAssembly.Module(guardedFuelTrampolineBytes() as Uint8Array<ArrayBuffer>);

/** True while the host has entered the guest synchronously, where it cannot be suspended. */
export type InHost = () => boolean;

interface Trampoline {
  readonly yield: Function;
  readonly slot: { proc: Process | undefined; inHost: InHost | undefined };
}

/** Give every other process and the node's own I/O a turn, then continue. */
function preempt(proc: Process): Promise<void> {
  proc.fuel.value = proc.kernel.limits.fuelPerSlice;
  return proc.block(new Promise<void>((resolve) => proc.kernel.clock.setImmediate(resolve)));
}

/** A slice that ran out inside a host call ends at the next one instead: refill and go on. */
function deferred(slot: Trampoline["slot"]): number {
  const proc = slot.proc!;
  if (!slot.inHost!()) return 0;
  proc.fuel.value = proc.kernel.limits.fuelPerSlice;
  return 1;
}

function makeTrampoline(guarded: boolean): Trampoline {
  const slot: Trampoline["slot"] = { proc: undefined, inHost: undefined };
  const fuel_yield = new WebAssembly.Suspending(() => preempt(slot.proc!)) as unknown as Function;
  const instance = guarded
    ? new WebAssembly.Instance(guardedModule, { onebox: { fuel_yield, fuel_in_host: () => deferred(slot) } })
    : new WebAssembly.Instance(trampolineModule, { onebox: { fuel_yield } });
  return { yield: instance.exports.yield as Function, slot };
}

/**
 * The instrumented guest calls slot 0 of its fuel table when its fuel runs out. That
 * slot must be a Wasm function bound to the process, so each process gets a tiny
 * trampoline instance; they are pooled because instantiating one costs more than a spawn
 * should. A component guest's is guarded by `inHost` (see guardedFuelTrampolineBytes).
 */
export class FuelTrampolines {
  private readonly free = { plain: [] as Trampoline[], guarded: [] as Trampoline[] };
  private readonly inUse = new Map<Process, Trampoline>();

  take(proc: Process, inHost?: InHost): Function {
    const pool = inHost ? this.free.guarded : this.free.plain;
    const trampoline = pool.pop() ?? makeTrampoline(inHost !== undefined);
    trampoline.slot.proc = proc;
    trampoline.slot.inHost = inHost;
    this.inUse.set(proc, trampoline);
    return trampoline.yield;
  }

  release(proc: Process): void {
    const trampoline = this.inUse.get(proc);
    if (!trampoline) return;
    this.inUse.delete(proc);
    const guarded = trampoline.slot.inHost !== undefined;
    trampoline.slot.proc = undefined;
    trampoline.slot.inHost = undefined;
    (guarded ? this.free.guarded : this.free.plain).push(trampoline);
  }
}
