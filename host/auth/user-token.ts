// A user's bearer token, for what speaks HTTP (the dashboard, scripts): the name, role and
// validity of the user's certificate, signed with the cluster CA's key. A node checks it
// with the CA certificate it already holds (--ca): no database, no secret shared with the
// nodes, and only whoever can issue certificates can issue tokens.
import { createPrivateKey, sign, verify, X509Certificate, type KeyObject } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { CA_KEY } from "./certificates.ts";
import { writePrivateFile } from "./private-file.ts";
import { checkPrincipalName, isUserRole, type Principal, type UserRole } from "./roles.ts";

/** The token's file in a user's credential directory (beside cert.pem and key.pem). */
export const TOKEN = "token";
/** The longest token a node reads; a longer Authorization header is refused unread. */
export const MAX_TOKEN_CHARS = 1024;
const PREFIX = "ob1";
/** What is signed: a fixed purpose, then the claims, so no other signature of the CA's key passes for a token. */
const PURPOSE = "onebox user token v1\n";

/** What a token says. Times are Unix seconds. */
export interface TokenClaims {
  readonly name: string;
  readonly role: UserRole;
  readonly issuedAt: number;
  readonly expires: number;
}

/** A token for `name` with `role`, valid from now for `days`, signed with the CA key in `caDir`. */
export function issueToken(caDir: string, name: string, role: UserRole, days: number, now = Date.now()): string {
  checkPrincipalName(name);
  const key = createPrivateKey(fs.readFileSync(path.join(caDir, CA_KEY)));
  const issuedAt = Math.floor(now / 1000);
  const claims: TokenClaims = { name, role, issuedAt, expires: issuedAt + days * 86_400 };
  const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const signature = sign("sha256", Buffer.from(PURPOSE + body), { key, dsaEncoding: "ieee-p1363" }).toString("base64url");
  const token = `${PREFIX}.${body}.${signature}`;
  if (token.length > MAX_TOKEN_CHARS) throw new Error(`token of ${token.length} characters, over ${MAX_TOKEN_CHARS}`);
  return token;
}

/** Issue `name`'s token into the credential directory `outDir`, owner-readable only. */
export function writeToken(caDir: string, outDir: string, name: string, role: UserRole, days: number): string {
  const file = path.join(outDir, TOKEN);
  writePrivateFile(file, `${issueToken(caDir, name, role, days)}\n`);
  return file;
}

/** The token in a credential directory, or undefined if it has none (a node's, or one issued before tokens). */
export function readToken(credentialsDir: string): string | undefined {
  try {
    return fs.readFileSync(path.join(credentialsDir, TOKEN), "utf8").trim();
  } catch {
    return undefined;
  }
}

/** Checks tokens against one CA certificate (a node's --ca). */
export class TokenVerifier {
  private readonly key: KeyObject;

  constructor(caFile: string) {
    this.key = new X509Certificate(fs.readFileSync(caFile)).publicKey;
  }

  /** The claims of a well-signed, unexpired token; else throws a one-line reason. */
  verify(token: string, now = Date.now()): TokenClaims & Principal {
    if (token.length > MAX_TOKEN_CHARS) throw new Error(`the token is over ${MAX_TOKEN_CHARS} characters`);
    const [prefix, body, signature, ...rest] = token.split(".");
    if (prefix !== PREFIX || body === undefined || signature === undefined || rest.length > 0) throw new Error("the token is not a onebox token (ob1.CLAIMS.SIGNATURE)");
    const signed = verify("sha256", Buffer.from(PURPOSE + body), { key: this.key, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"));
    if (!signed) throw new Error("the token is not signed by this cluster's CA");
    const claims = parseClaims(body);
    if (claims.expires * 1000 <= now) throw new Error(`the token of '${claims.name}' expired at ${new Date(claims.expires * 1000).toISOString()}`);
    return claims;
  }
}

/** The claims of a signed body: signed by the CA does not excuse a malformed one. */
function parseClaims(body: string): TokenClaims {
  let value: Partial<Record<keyof TokenClaims, unknown>>;
  try {
    value = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as typeof value;
  } catch {
    throw new Error("the token's claims are not JSON");
  }
  const { name, role, issuedAt, expires } = value ?? {};
  if (typeof name !== "string" || typeof role !== "string" || !isUserRole(role) || !Number.isSafeInteger(issuedAt) || !Number.isSafeInteger(expires)) {
    throw new Error("the token's claims lack a name, a user role or its times");
  }
  checkPrincipalName(name);
  return { name, role, issuedAt: issuedAt as number, expires: expires as number };
}
