// A GET to a node's HTTP side. Over https the node's certificate is the cluster CA's, and
// its name is not a host name (auth/certificates.ts): so node:https with that CA and no
// host name check (fetch takes no CA of its own).
import http from "node:http";
import https from "node:https";

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** Most bytes of an answer read; past it the request fails (a member's view is a few hundred KiB at most). */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

export function httpGet(url: string, options: { ca?: Buffer; headers?: Record<string, string>; timeoutMs: number }): Promise<HttpAnswer> {
  const get = url.startsWith("https:") ? https.get : http.get;
  return new Promise((resolve, reject) => {
    const request = get(url, { ca: options.ca, headers: options.headers, checkServerIdentity: () => undefined, timeout: options.timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) return request.destroy(new Error(`answer over ${MAX_ANSWER_BYTES} bytes`));
        chunks.push(chunk);
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error(`no answer in ${options.timeoutMs} ms`)));
    request.on("error", reject);
  });
}
