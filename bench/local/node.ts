import { Kernel } from "../../host/kernel/kernel.ts";
import type { LoadedModule } from "../../host/kernel/module-cache.ts";
import type { Process } from "../../host/kernel/process.ts";
import type { CallHook } from "../../host/kernel/replay/call-hook.ts";
import type { BenchContext } from "../entry.ts";
import { GUEST_ARGV0, lineSink } from "../guest-output.ts";

/**
 * A one-node kernel exporting the work directory, and a bench guest (by default the core
 * one) loaded on it; `journal` sizes its journal (default: the node's default).
 */
export async function benchNode(ctx: BenchContext, guest = ctx.guest(), journal?: number): Promise<{ kernel: Kernel; guest: LoadedModule }> {
  const kernel = new Kernel({ nodeId: 1, nodeName: "bench", root: ctx.workdir, journal });
  return { kernel, guest: await kernel.modules.load(await guest) };
}

/** Start the bench guest with `args`, sending its stdout lines to `line`; `calls` records it. */
export function startGuest(kernel: Kernel, guest: LoadedModule, args: readonly string[], line: (text: string) => void, calls?: CallHook): Process {
  return kernel.startRoot({
    module: guest,
    argv: [GUEST_ARGV0, ...args],
    env: [],
    output: lineSink(line),
    calls,
  });
}
