import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { packagePath } from "../../host/package-root.ts";
import type { BenchContext, Entry } from "../entry.ts";
import { fromSamples, type Measurement } from "../stats.ts";
import { wasiHelloBytes } from "./modules.ts";

/**
 * Both sides of cli-run-hello are the built files a user runs (npm run build, which npm
 * install runs): the bundled CLI, and node:wasi's runner bundled beside it the same way.
 */
const BUILT_CLI = packagePath("dist", "cli", "main.js");
const BUILT_WASI_RUNNER = packagePath("dist", "cli", "wasi-hello.js");
const RUNS = { quick: 10, full: 40 } as const;
const WARMUP_RUNS = 3;
const HELLO = "wasi-hello.wasm";

/** The WASI hello both sides run, written once into the work directory. */
function helloModule(ctx: BenchContext): string {
  const file = path.join(ctx.workdir, HELLO);
  if (!fs.existsSync(file)) fs.writeFileSync(file, wasiHelloBytes());
  return file;
}

/** One `node ARGS` process, spawn to exit, in ns; it must exit 0 having printed "hello". */
async function timeOnce(args: readonly string[], cwd: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => void (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => void (err += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  const ns = (performance.now() - started) * 1e6;
  if (code !== 0 || out !== "hello\n") throw new Error(`${path.basename(args[0]!)} exited ${code} printing ${JSON.stringify(out)}: ${err.trim().split("\n").at(-1) ?? ""}`);
  return ns;
}

/** Whole-process timings of `node SCRIPT ...ARGS`, one process at a time, after a warm-up. */
async function timeProcesses(ctx: BenchContext, script: string, args: readonly string[]): Promise<Measurement> {
  if (!fs.existsSync(script)) throw new Error(`${path.relative(packagePath(), script)} is not built: run npm run build`);
  const samples: number[] = [];
  const runs = ctx.quick ? RUNS.quick : RUNS.full;
  for (let i = 0; i < WARMUP_RUNS + runs; i++) {
    const ns = await timeOnce([script, ...args], ctx.workdir);
    if (i >= WARMUP_RUNS) samples.push(ns);
  }
  return fromSamples(samples);
}

export const floorNodeWasiHello: Entry = {
  name: "floor-node-wasi-hello",
  op: "a bare node:wasi running a WASI hello: a whole Node process, start to exit",
  run: (ctx) => timeProcesses(ctx, BUILT_WASI_RUNNER, [helloModule(ctx)]),
};

export const cliRunHello: Entry = {
  name: "cli-run-hello",
  op: "onebox run of the same WASI hello on an embedded node: the built CLI, a whole process, start to exit",
  floor: floorNodeWasiHello.name,
  target: { of: "ratio", max: 1.5 },
  run: (ctx) => timeProcesses(ctx, BUILT_CLI, ["run", "--root", ctx.workdir, helloModule(ctx)]),
};
