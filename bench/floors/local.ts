import fs from "node:fs";
import path from "node:path";
import type { BenchContext, Entry } from "../entry.ts";
import { measureTask } from "../tiny.ts";
import { FILE_4K } from "../workdir.ts";
import { importLoopBytes, minimalModuleBytes } from "./modules.ts";

const CALLS = 10_000;
const budgetMs = (ctx: BenchContext): number => (ctx.quick ? 400 : 3000);

/** run(n) of the import loop with `f` as its import. */
function importLoop(f: unknown): (n: number) => unknown {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(importLoopBytes()), { bench: { f: f as Function } });
  return instance.exports.run as (n: number) => unknown;
}

export const floorImportCall: Entry = {
  name: "floor-import-call",
  op: "a bare Wasm -> JS import call",
  run(ctx) {
    const run = importLoop(() => 0);
    return measureTask(() => run(CALLS), { timeMs: budgetMs(ctx), opsPerCall: CALLS });
  },
};

// Every guest runs under promising(), and V8 switches stacks to run a JS import called
// from there: what any import costs a guest before the host does anything.
export const floorImportCallJspi: Entry = {
  name: "floor-import-call-jspi",
  op: "a bare Wasm -> JS import call from a JSPI promising() stack, where guests run",
  run(ctx) {
    const run = WebAssembly.promising(importLoop(() => 0));
    return measureTask(() => run(CALLS), { timeMs: budgetMs(ctx), opsPerCall: CALLS });
  },
};

// The host's blocking calls are JSPI Suspending imports under a promising() entry.
export const floorSuspend: Entry = {
  name: "floor-suspend",
  op: "a bare JSPI suspend + resume on a resolved promise",
  run(ctx) {
    const resolved = Promise.resolve(0);
    const run = WebAssembly.promising(importLoop(new WebAssembly.Suspending(() => resolved)));
    return measureTask(() => run(CALLS), { timeMs: budgetMs(ctx), opsPerCall: CALLS });
  },
};

export const floorInstantiate: Entry = {
  name: "floor-instantiate",
  op: "a bare instantiation of the minimal module local-spawn spawns",
  run(ctx) {
    const module = new WebAssembly.Module(minimalModuleBytes());
    return measureTask(() => new WebAssembly.Instance(module, {}), { timeMs: budgetMs(ctx) });
  },
};

export const floorFsRead: Entry = {
  name: "floor-fs-read",
  op: "a bare Node open + read 4 KiB + close of the file file-local reads",
  run(ctx) {
    const file = path.join(ctx.workdir, FILE_4K);
    const buf = new Uint8Array(4096);
    return measureTask(
      () => {
        const fd = fs.openSync(file, "r");
        fs.readSync(fd, buf, 0, buf.byteLength, 0);
        fs.closeSync(fd);
      },
      { timeMs: budgetMs(ctx) },
    );
  },
};
