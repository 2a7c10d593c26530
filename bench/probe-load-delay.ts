// How long loading a big module holds the node's event loop: the loop's delay
// (perf_hooks.monitorEventLoopDelay) while a node loads an 8 MiB core module and,
// given one, a component (transpiled fresh: an empty cache). Run:
//   node bench/probe-load-delay.ts [--component FILE.wasm] [--help]

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { Kernel } from "../host/kernel/kernel.ts";
import { bigCoreModule } from "../test/helpers/wasm-asm.ts";

const argv = process.argv.slice(2);
if (argv.includes("--help")) {
  console.log("usage: node bench/probe-load-delay.ts [--component FILE.wasm]\nPrints the event loop's delay (p99, max) while a node loads a big core module and a component.");
  process.exit(0);
}
const componentAt = argv.indexOf("--component");
const componentFile = componentAt >= 0 ? argv[componentAt + 1] : undefined;
if (componentAt >= 0 && !componentFile) {
  console.error("probe-load-delay: --component needs a file");
  process.exit(2);
}

async function measure(name: string, bytes: Uint8Array): Promise<void> {
  process.env.ONEBOX_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), "onebox-probe-cache-"));
  const kernel = new Kernel({ nodeId: 1, nodeName: "probe", root: os.tmpdir() });
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  await sleep(50); // its first tick only starts the count
  const t0 = performance.now();
  await kernel.modules.load(bytes);
  const ms = performance.now() - t0;
  // The monitor's timer records a delay when it fires, late: let it fire once more.
  await sleep(50);
  delay.disable();
  const toMs = (ns: number) => (ns / 1e6).toFixed(1);
  console.log(`${name} (${(bytes.length / 1048576).toFixed(1)} MiB): load ${ms.toFixed(0)} ms; event loop delay p99 ${toMs(delay.percentile(99))} ms, max ${toMs(delay.max)} ms`);
  fs.rmSync(process.env.ONEBOX_CACHE, { recursive: true, force: true });
}

await measure("core module", bigCoreModule(8 << 20));
if (componentFile) await measure("component", fs.readFileSync(componentFile));
process.exit(0);
