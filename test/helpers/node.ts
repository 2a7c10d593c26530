// An in-process node for kernel tests: a real Kernel over a temp export directory.
import fs from "node:fs";
import { Kernel, type Limits } from "../../host/kernel/kernel.ts";
import type { ExitInfo } from "../../host/kernel/errors.ts";
import type { Process } from "../../host/kernel/process.ts";
import type { Capabilities } from "../../host/kernel/capabilities.ts";
import { tempDir } from "./guests.ts";

export interface Started {
  readonly proc: Process;
  readonly exited: Promise<ExitInfo>;
  /** Everything the process and its children wrote to stdout so far, as lines. */
  lines(): string[];
  stderr(): string;
}

export interface Finished {
  readonly info: ExitInfo;
  readonly lines: string[];
  readonly stderr: string;
}

/** Output written to a sink, as text (stdout and stderr together). */
export function capturedOutput() {
  let text = "";
  const decoder = new TextDecoder();
  return { sink: { write: (_fd: 1 | 2, bytes: Uint8Array) => void (text += decoder.decode(bytes)) }, text: () => text };
}

/** Start a module on `kernel` as the operator would, capturing its (and its children's) output. */
/** `authority`: the process's capability set (default: a root's, ROOT_CAPABILITIES). */
export async function startCaptured(kernel: Kernel, wasm: string, args: readonly string[] = [], env: readonly string[] = [], authority?: Capabilities): Promise<Started> {
  const module = await kernel.modules.load(fs.readFileSync(wasm));
  let stdout = "";
  let stderr = "";
  const decoder = new TextDecoder();
  const proc = kernel.startRoot({
    module,
    argv: [wasm, ...args],
    env,
    authority,
    output: { write: (fd, bytes) => (fd === 1 ? (stdout += decoder.decode(bytes)) : (stderr += decoder.decode(bytes))) },
  });
  return {
    proc,
    exited: kernel.whenExited(proc.pid),
    lines: () => stdout.split("\n").filter((line) => line !== ""),
    stderr: () => stderr,
  };
}

export class TestNode {
  readonly root = tempDir("onebox-root");
  readonly kernel: Kernel;

  constructor(limits: Partial<Limits> = {}) {
    this.kernel = new Kernel({ nodeId: 1, nodeName: "local", root: this.root, limits });
  }

  /** Start a module as an operator would, with its output captured. */
  start(wasm: string, args: readonly string[] = [], env: readonly string[] = []): Promise<Started> {
    return startCaptured(this.kernel, wasm, args, env);
  }

  /** Run a module to its end. */
  async run(wasm: string, args: readonly string[] = [], env: readonly string[] = []): Promise<Finished> {
    const started = await this.start(wasm, args, env);
    const info = await started.exited;
    return { info, lines: started.lines(), stderr: started.stderr() };
  }

  shutdown(): void {
    this.kernel.shutdown();
  }
}

/** The value of each `key=value` line, by key. */
export function fields(lines: readonly string[]): Map<string, string> {
  return new Map(lines.filter((l) => l.includes("=")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
}
