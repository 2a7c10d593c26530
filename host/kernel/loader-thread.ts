// One worker thread per node process that compiles big modules and components, so the
// event loop that runs guests and heartbeats never waits seconds on jco or the
// instrumenter. Compiled WebAssembly.Modules cross threads without a copy of their code.
import { Worker } from "node:worker_threads";
import type { ComponentParts } from "./component-loader.ts";
import { ModuleError, type ModuleLimits } from "./module-cache.ts";
import type { MemoryImport } from "./wasm/instrument.ts";

export type LoadRequest =
  | { readonly id: number; readonly task: "core"; readonly bytes: Uint8Array; readonly limits: ModuleLimits }
  | { readonly id: number; readonly task: "component"; readonly hash: string; readonly bytes: Uint8Array; readonly limits: ModuleLimits };

export type LoadReply =
  | { readonly id: number; readonly result: unknown }
  | { readonly id: number; readonly error: string; readonly moduleError: boolean };

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/** Requests for at most this many loads wait on the thread at once; more are refused. */
export const MAX_PENDING_LOADS = 256;

class LoaderThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  core(bytes: Uint8Array, limits: ModuleLimits): Promise<{ module: WebAssembly.Module; memories: MemoryImport[] }> {
    return this.send({ id: this.nextId++, task: "core", bytes: new Uint8Array(bytes), limits }) as Promise<{ module: WebAssembly.Module; memories: MemoryImport[] }>;
  }

  component(hash: string, bytes: Uint8Array, limits: ModuleLimits): Promise<ComponentParts> {
    return this.send({ id: this.nextId++, task: "component", hash, bytes: new Uint8Array(bytes), limits }) as Promise<ComponentParts>;
  }

  private send(request: LoadRequest & { readonly bytes: Uint8Array<ArrayBuffer> }): Promise<unknown> {
    if (this.pending.size >= MAX_PENDING_LOADS) return Promise.reject(new ModuleError(`the node is already loading ${MAX_PENDING_LOADS} modules; try again`));
    const worker = this.started();
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      // A waiting load keeps the process alive; an idle thread does not.
      if (this.pending.size === 1) worker.ref();
      // The bytes are a fresh copy (new Uint8Array, not Buffer.slice, which shares): moved, not cloned; a clone of 12 MiB held the loop 20 ms.
      worker.postMessage(request, [request.bytes.buffer]);
    });
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL("./load-worker.ts", import.meta.url));
    worker.unref();
    worker.on("message", (reply: LoadReply) => this.settle(reply));
    // The thread died (a module that exhausted its heap, say): its loads fail, the next starts a new one.
    const died = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      const waiting = [...this.pending.values()];
      this.pending.clear();
      for (const p of waiting) p.reject(new ModuleError(`the loader thread ended (${why}) while compiling this module`));
    };
    worker.on("error", (error) => died(error.message.split("\n")[0]!));
    worker.on("exit", (code) => died(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }

  private settle(reply: LoadReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) throw new Error(`loader thread replied to unknown request ${reply.id}`);
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if ("result" in reply) pending.resolve(reply.result);
    else pending.reject(reply.moduleError ? new ModuleError(reply.error) : new Error(reply.error));
  }
}

/** The node process's loader thread, started on first use. */
export const loaderThread = new LoaderThread();
