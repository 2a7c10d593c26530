// The dashboard's API needs a token derived from the cluster's secret: whoever holds the
// secret (the operator's CLI) can make it, whoever merely reaches a node's port cannot.
import { createHmac, timingSafeEqual } from "node:crypto";

/** Hex HMAC-SHA256 of a fixed purpose under the secret: the same on every node of a cluster. */
export function dashboardToken(secret: Uint8Array): string {
  return createHmac("sha256", secret).update("onebox dashboard v1").digest("hex");
}

/** Whether `offered` is the token, compared in constant time. */
export function tokenMatches(token: string, offered: string | undefined): boolean {
  if (offered === undefined) return false;
  const a = Buffer.from(token);
  const b = Buffer.from(offered);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The http(s) URL of the node a ws(s) URL names: the same port serves both. */
export function httpUrlOf(wsUrl: string): string {
  return wsUrl.replace(/^ws(s?):\/\//, "http$1://").replace(/\/$/, "");
}
