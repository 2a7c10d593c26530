// The loader thread's side (see loader-thread.ts): compiles what it is sent and posts
// back the compiled modules, or the one-line reason it could not.
import { parentPort } from "node:worker_threads";
import { compileComponent } from "./component-loader.ts";
import { compileCore, ModuleError } from "./module-cache.ts";
import type { LoadRequest, LoadReply } from "./loader-thread.ts";

const port = parentPort;
if (!port) throw new Error("load-worker.ts runs as a worker thread");

port.on("message", (request: LoadRequest) => {
  const work = request.task === "core" ? compileCore(request.bytes, request.limits) : compileComponent(request.hash, request.bytes, request.limits);
  work.then(
    (result) => port.postMessage({ id: request.id, result } satisfies LoadReply),
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      port.postMessage({ id: request.id, error: message, moduleError: error instanceof ModuleError } satisfies LoadReply);
    },
  );
});
