// What a node answers over plain HTTP on its WebSocket port: metrics, health, the
// dashboard's page and its API. Anyone who reaches the port may send anything, so every
// request is bounded (in flight, URL, body) and a failure is an HTTP status, never the
// node's end.
import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ClusterNode } from "../cluster/node.ts";
import { invariant } from "../kernel/invariant.ts";
import { packagePath } from "../package-root.ts";
import { clusterView, localView } from "./dashboard-api.ts";
import { dashboardToken, tokenMatches } from "./dashboard-token.ts";
import { LiveTrace, MAX_TRACE_LISTED } from "./dashboard-trace.ts";
import { NodeMetrics } from "./metrics.ts";

/** Requests served at once; more get 503 at once (a scrape or a page load takes one each). */
export const MAX_HTTP_IN_FLIGHT = 32;
/** The longest URL served; longer is 414. */
export const MAX_URL_BYTES = 2048;
/** The largest body a request may carry (the kill request's JSON is tens of bytes); larger is 413. */
export const MAX_BODY_BYTES = 4096;

/** The dashboard's files (dashboard/ in the package), by the path they are served at. */
const DASHBOARD_FILES: Record<string, { file: string; type: string }> = {
  "/dashboard/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/dashboard/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/dashboard/style.css": { file: "style.css", type: "text/css; charset=utf-8" },
};

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

function send(res: ServerResponse, status: number, body: string, type = "text/plain; charset=utf-8"): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store", "x-content-type-options": "nosniff" });
  res.end(body);
}

const sendJson = (res: ServerResponse, status: number, value: unknown): void => send(res, status, `${JSON.stringify(value)}\n`, "application/json");

/** The request's body as JSON, refused past MAX_BODY_BYTES. */
async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, `body over ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "body is not JSON");
  }
}

/** /api/trace's query: `pid` (that process and its descendants), `call` (names, comma-separated), `limit`. */
function traceQuery(params: URLSearchParams): { pid?: number; calls?: Set<string>; limit: number } {
  const number = (name: string, max: number): number | undefined => {
    const text = params.get(name);
    if (text === null || text === "") return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value <= 0 || value > max) throw new HttpError(400, `${name} must be an integer from 1 to ${max}, got '${text}'`);
    return value;
  };
  const call = params.get("call");
  const calls = call ? new Set(call.split(",").map((c) => c.trim()).filter((c) => c !== "")) : undefined;
  return { pid: number("pid", 0xffff_ffff), calls: calls?.size ? calls : undefined, limit: number("limit", MAX_TRACE_LISTED) ?? MAX_TRACE_LISTED };
}

/**
 * The HTTP side of one node. The transport's server calls `handle` for every request that
 * is not a WebSocket upgrade; before `attach` (the node still joining) only /healthz is up.
 */
export class NodeHttp {
  private readonly token: string;
  private node: ClusterNode | undefined;
  private metrics: NodeMetrics | undefined;
  private trace: LiveTrace | undefined;
  private inFlight = 0;

  constructor(secret: Uint8Array) {
    this.token = dashboardToken(secret);
  }

  attach(node: ClusterNode): void {
    invariant(this.node === undefined, "NodeHttp serves one node");
    this.node = node;
    this.metrics = new NodeMetrics(node);
    this.trace = new LiveTrace(node);
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (this.inFlight >= MAX_HTTP_IN_FLIGHT) return send(res, 503, `${MAX_HTTP_IN_FLIGHT} requests already in service\n`);
    this.inFlight++;
    res.once("close", () => this.inFlight--);
    this.route(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof HttpError ? error.message : `${(error as Error)?.message ?? error}`;
      if (res.headersSent) return void res.destroy();
      // A body left unread would be parsed as the next request: close after answering.
      res.setHeader("connection", "close");
      sendJson(res, status, { error: message });
    });
    invariant(this.inFlight > 0 && this.inFlight <= MAX_HTTP_IN_FLIGHT, () => `${this.inFlight} HTTP requests in flight`);
  };

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? "/";
    if (rawUrl.length > MAX_URL_BYTES) throw new HttpError(414, `URL over ${MAX_URL_BYTES} bytes`);
    const url = new URL(rawUrl, "http://node");
    const path = url.pathname;
    const method = req.method ?? "GET";
    const only = (allowed: string): void => {
      if (method !== allowed && !(allowed === "GET" && method === "HEAD")) throw new HttpError(405, `${path} takes ${allowed}`);
    };
    if (path === "/healthz") {
      only("GET");
      return send(res, 200, "ok\n");
    }
    if (path === "/dashboard") {
      res.writeHead(308, { location: "/dashboard/" });
      return void res.end();
    }
    const page = DASHBOARD_FILES[path];
    if (page) {
      only("GET");
      return send(res, 200, await fs.promises.readFile(packagePath("dashboard", page.file), "utf8"), page.type);
    }
    const node = this.node;
    if (path === "/readyz") {
      only("GET");
      const why = node ? node.notReady : "starting";
      return why === undefined ? send(res, 200, "ready\n") : send(res, 503, `not ready: ${why}\n`);
    }
    if (path === "/metrics") {
      only("GET");
      if (!this.metrics) throw new HttpError(503, "the node is starting");
      const { text, contentType } = await this.metrics.scrape();
      return send(res, 200, text, contentType);
    }
    if (!path.startsWith("/api/")) throw new HttpError(404, `no ${path} here`);
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!tokenMatches(this.token, bearer)) throw new HttpError(401, "the dashboard's API needs the cluster's token (the URL 'onebox dashboard' prints)");
    if (!node) throw new HttpError(503, "the node is starting");
    switch (path) {
      case "/api/local":
        only("GET");
        return sendJson(res, 200, localView(node));
      case "/api/cluster":
        only("GET");
        return sendJson(res, 200, await clusterView(node, this.token));
      case "/api/trace": {
        only("GET");
        const { pid, calls, limit } = traceQuery(url.searchParams);
        return sendJson(res, 200, await this.trace!.view({ pid, calls }, limit));
      }
      case "/api/kill": {
        only("POST");
        const pid = (await jsonBody(req) as { pid?: unknown } | null)?.pid;
        if (!Number.isInteger(pid) || (pid as number) <= 0) throw new HttpError(400, "body must be {\"pid\": N}, N a positive integer");
        try {
          await node.kill(pid as number);
        } catch (error) {
          const errno = (error as { errnoName?: string; errno?: string }).errnoName ?? (error as { errno?: string }).errno;
          throw new HttpError(errno === "ESRCH" ? 404 : 502, (error as Error).message);
        }
        return sendJson(res, 200, { killed: pid });
      }
      default:
        throw new HttpError(404, `no ${path} here`);
    }
  }
}
