import type { Process } from "./process.ts";
import { fuelTrampolineBytes } from "./wasm/fuel-trampoline.ts";

const trampolineModule = new WebAssembly.Module(fuelTrampolineBytes() as Uint8Array<ArrayBuffer>);

interface Trampoline {
  readonly yield: Function;
  readonly slot: { proc: Process | undefined };
}

/** Give every other process and the node's own I/O a turn, then continue. */
function preempt(proc: Process): Promise<void> {
  proc.fuel.value = proc.kernel.limits.fuelPerSlice;
  return proc.block(new Promise<void>((resolve) => setImmediate(resolve)));
}

/**
 * The instrumented guest calls slot 0 of its fuel table when its fuel runs out. That
 * slot must be a Wasm function bound to the process, so each process gets a tiny
 * trampoline instance; they are pooled because instantiating one costs more than a spawn
 * should.
 */
export class FuelTrampolines {
  private readonly free: Trampoline[] = [];
  private readonly inUse = new Map<Process, Trampoline>();

  take(proc: Process): Function {
    let trampoline = this.free.pop();
    if (!trampoline) {
      const slot: Trampoline["slot"] = { proc: undefined };
      const fuel_yield = new WebAssembly.Suspending(() => preempt(slot.proc!));
      const instance = new WebAssembly.Instance(trampolineModule, { onebox: { fuel_yield: fuel_yield as unknown as Function } });
      trampoline = { yield: instance.exports.yield as Function, slot };
    }
    trampoline.slot.proc = proc;
    this.inUse.set(proc, trampoline);
    return trampoline.yield;
  }

  release(proc: Process): void {
    const trampoline = this.inUse.get(proc);
    if (!trampoline) return;
    this.inUse.delete(proc);
    trampoline.slot.proc = undefined;
    this.free.push(trampoline);
  }
}
