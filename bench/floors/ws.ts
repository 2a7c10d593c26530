import { spawn } from "node:child_process";
import { once } from "node:events";
import WebSocket from "ws";
import { besideModule } from "../../host/package-root.ts";
import type { BenchContext, Entry } from "../entry.ts";
import type { Measurement } from "../stats.ts";
import { measureTask } from "../tiny.ts";

const SERVER = besideModule(import.meta.url, "ws-server");
const budgetMs = (ctx: BenchContext): number => (ctx.quick ? 1000 : 5000);

/** Run `measure` against a fresh ws-server process on loopback, over `path`. */
async function withServer(path: string, measure: (ws: WebSocket) => Promise<Measurement>): Promise<Measurement> {
  const child = spawn(process.execPath, [SERVER], { stdio: ["pipe", "pipe", "inherit"] });
  try {
    const [line] = (await once(child.stdout, "data")) as [Buffer];
    const ws = new WebSocket(`ws://127.0.0.1:${line.toString().trim()}${path}`);
    await once(ws, "open");
    try {
      return await measure(ws);
    } finally {
      ws.close();
    }
  } finally {
    child.stdin.end();
  }
}

/** Resolves with the next message on `ws`; one outstanding request at a time. */
function replies(ws: WebSocket): () => Promise<WebSocket.RawData> {
  let pending: ((data: WebSocket.RawData) => void) | undefined;
  ws.on("message", (data) => pending?.(data));
  return () => new Promise((resolve) => (pending = resolve));
}

export const floorWsRoundtrip: Entry = {
  name: "floor-ws-roundtrip",
  op: "a bare ws echo of 64 bytes between two OS processes on 127.0.0.1",
  run: (ctx) =>
    withServer("/echo", (ws) => {
      const next = replies(ws);
      const payload = new Uint8Array(64);
      return measureTask(
        () => {
          const reply = next();
          ws.send(payload);
          return reply;
        },
        { timeMs: budgetMs(ctx) },
      );
    }),
};

/** One sender pipelines a burst of `size`-byte messages; one receiver counts them. */
function wsThroughput(size: number): Entry {
  return {
    name: `floor-ws-throughput-${size === 64 ? "64" : `${size / 1024}k`}`,
    op: `one message of a pipelined burst of ${size}-byte ws messages between two OS processes`,
    run: (ctx) =>
      withServer("/sink", (ws) => {
        const next = replies(ws);
        const payload = new Uint8Array(size);
        const burst = ctx.quick ? 10_000 : 50_000;
        return measureTask(
          async () => {
            const reply = next();
            for (let i = 0; i < burst; i++) ws.send(payload);
            ws.send("count");
            const count = Number((await reply).toString());
            if (count !== burst) throw new Error(`sink counted ${count} of ${burst} messages`);
          },
          { timeMs: budgetMs(ctx), opsPerCall: burst },
        );
      }),
  };
}

export const floorWsThroughput64 = wsThroughput(64);
export const floorWsThroughput4k = wsThroughput(4096);
