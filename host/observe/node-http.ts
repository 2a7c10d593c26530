// What a node answers over plain HTTP on its WebSocket port: metrics, health, the
// dashboard's page and its API. Anyone who reaches the port may send anything, so every
// request is bounded (in flight, URL, body) and a failure is an HTTP status, never the
// node's end.
import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Credential } from "../auth/authority.ts";
import { mayDo } from "../auth/roles.ts";
import { TokenVerifier } from "../auth/user-token.ts";
import type { ClusterNode } from "../cluster/node.ts";
import { fail, SysError } from "../kernel/errors.ts";
import { invariant } from "../kernel/invariant.ts";
import type { Bodies, Body, Msg } from "../transport/wire.ts";
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

/** What a request on the API acts as: a user's credential (from a token), or nobody known (--insecure). */
type Asker = Credential | undefined;

/**
 * The HTTP side of one node. The transport's server calls `handle` for every request that
 * is not a WebSocket upgrade; before `attach` (the node still joining) only /healthz is up.
 *
 * Under mutual TLS (`caFile`) the API takes a user's token (auth/user-token.ts), and each
 * request is checked and recorded by the node's Authority as the same request over wss
 * would be. Without (--insecure), it takes the token derived from the secret, and allows
 * everything, as the mesh does then.
 */
export class NodeHttp {
  private readonly secretToken: string | undefined;
  private readonly verifier: TokenVerifier | undefined;
  private readonly ca: Buffer | undefined;
  private node: ClusterNode | undefined;
  private metrics: NodeMetrics | undefined;
  private trace: LiveTrace | undefined;
  private inFlight = 0;

  constructor(secret: Uint8Array, caFile?: string) {
    this.secretToken = caFile === undefined ? dashboardToken(secret) : undefined;
    this.verifier = caFile === undefined ? undefined : new TokenVerifier(caFile);
    this.ca = caFile === undefined ? undefined : fs.readFileSync(caFile);
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
    if (!node) throw new HttpError(503, "the node is starting");
    const who = this.authenticate(node, bearer);
    switch (path) {
      case "/api/local":
        only("GET");
        await this.asClient(node, who, { nodes: {} });
        return sendJson(res, 200, localView(node, seesAll(who)));
      case "/api/cluster": {
        only("GET");
        const processes = this.asClient(node, who, { ps: { cluster: true, ended: false } }).then((reply) => (reply as Partial<Bodies> | undefined)?.procs?.procs ?? []);
        const asking = who === undefined ? null : { name: who.name, role: who.role, mayKill: mayDo(who, "kill") };
        return sendJson(res, 200, await clusterView(node, { asking, processes, seesAll: seesAll(who), token: bearer!, ca: this.ca }));
      }
      case "/api/trace": {
        only("GET");
        const { pid, calls, limit } = traceQuery(url.searchParams);
        return sendJson(res, 200, await this.trace!.view({ pid, calls }, limit, await this.visiblePids(node, who)));
      }
      case "/api/kill": {
        only("POST");
        const pid = (await jsonBody(req) as { pid?: unknown } | null)?.pid;
        if (!Number.isInteger(pid) || (pid as number) <= 0) throw new HttpError(400, "body must be {\"pid\": N}, N a positive integer");
        await this.asClient(node, who, { kill: { caller: 0, pid: pid as number } });
        return sendJson(res, 200, { killed: pid });
      }
      default:
        throw new HttpError(404, `no ${path} here`);
    }
  }

  /** Who the bearer token names: a user whose credential stands, or nobody (--insecure, the secret's token); else 401. */
  private authenticate(node: ClusterNode, bearer: string | undefined): Asker {
    if (this.secretToken !== undefined) {
      if (!tokenMatches(this.secretToken, bearer)) throw new HttpError(401, "the dashboard's API needs the cluster's token (the URL 'onebox dashboard' prints)");
      return undefined;
    }
    if (bearer === undefined) throw new HttpError(401, "the API needs a user's token: Authorization: Bearer TOKEN (the URL 'onebox dashboard' prints has yours)");
    try {
      const who = this.verifier!.verify(bearer);
      node.authority.admitCredential(who);
      return who;
    } catch (error) {
      throw new HttpError(401, (error as Error).message);
    }
  }

  /**
   * Serve `msg` as the client `who` sends it over wss: the node's Authority checks the
   * role, narrows a listing to the user's own processes, and records it in the audit log.
   */
  private async asClient(node: ClusterNode, who: Asker, msg: Msg): Promise<Body | void> {
    try {
      return await node.authority.serve(who, false, msg, (m) => serveApiRequest(node, m));
    } catch (error) {
      const errno = error instanceof SysError ? error.errnoName : undefined;
      throw new HttpError(errno === "EACCES" ? 403 : errno === "ESRCH" ? 404 : 502, (error as Error).message);
    }
  }

  /** Which processes' trace records `who` may see: all for a role that sees every process, else their own (ended ones too). */
  private async visiblePids(node: ClusterNode, who: Asker): Promise<((pid: number) => boolean) | undefined> {
    if (seesAll(who)) return undefined;
    const reply = await this.asClient(node, who, { ps: { cluster: true, ended: true } });
    const own = new Set(((reply as Partial<Bodies> | undefined)?.procs?.procs ?? []).map((p) => p.pid));
    return (pid) => own.has(pid);
  }
}

/** Whether `who` may see every process (and so the locks and names, and every trace record). */
const seesAll = (who: Asker): boolean => who === undefined || mayDo(who, "every-process");

/** The requests of the API, as the node serves them for a client (after the Authority's check). */
function serveApiRequest(node: ClusterNode, msg: Msg): Body | void | Promise<Body | void> {
  const m = msg as Partial<Bodies>;
  if (m.nodes) return { members: node.members.snapshot() };
  if (m.ps) return node.ps(m.ps.cluster, m.ps.ended).then((procs) => ({ procs: { procs } }));
  if (m.kill) return node.kill(m.kill.pid);
  fail("ENOTSUP", "not a request of the dashboard's API");
}
