// The revocation list and user tokens on their own: merging, the limit, the file a node
// keeps; tokens that are forged, altered, expired or malformed.
import assert from "node:assert/strict";
import { createPrivateKey, sign } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { CA_CERT, CA_KEY, initCa } from "../host/auth/certificates.ts";
import { MAX_REVOKED, RevocationList, type Revocation } from "../host/auth/revocations.ts";
import { issueToken, MAX_TOKEN_CHARS, TokenVerifier } from "../host/auth/user-token.ts";
import { tempDir } from "./helpers/guests.ts";

const alice = { name: "alice", role: "user" } as const;
const aliceNode = { name: "alice", role: "node" } as const;

test("lists merge by the later time per name, in any order; a name's users and nodes are apart", () => {
  const entries: Revocation[] = [{ name: "alice", node: false, before: 100 }, { name: "alice", node: false, before: 50 }, { name: "bob", node: false, before: 70 }];
  const forward = new RevocationList();
  const backward = new RevocationList();
  for (const e of entries) forward.merge([e]);
  for (const e of [...entries].reverse()) backward.merge([e]);
  assert.deepEqual(forward.list().sort((a, b) => a.name.localeCompare(b.name)), backward.list().sort((a, b) => a.name.localeCompare(b.name)));
  assert.deepEqual(forward.merge([{ name: "alice", node: false, before: 90 }]), [], "an earlier time changes nothing");
  assert.match(forward.refuses(alice, 100)!, /^the credentials of user 'alice' were revoked at 1970-01-01T00:01:40\.000Z$/);
  assert.equal(forward.refuses(alice, 101), undefined, "issued after: valid");
  assert.equal(forward.refuses(aliceNode, 1), undefined, "a node of the same name is another principal");
});

test("the list refuses malformed entries, and more than MAX_REVOKED names at once, changing nothing", () => {
  const list = new RevocationList();
  for (const bad of [{ name: "../x", node: false, before: 1 }, { name: "a", node: false, before: 0 }, { name: "a", before: 1 }, { name: "a", node: false, before: 1.5 }]) {
    assert.throws(() => list.merge([bad as Revocation]), /^SysError: EINVAL|EINVAL/);
  }
  const many = Array.from({ length: MAX_REVOKED + 1 }, (_, i) => ({ name: `u${i}`, node: false, before: 1 }));
  assert.throws(() => list.merge(many), /ENOSPC: the revocation list holds at most 4096 names/);
  assert.equal(list.size, 0);
  list.merge(many.slice(0, MAX_REVOKED));
  assert.equal(list.size, MAX_REVOKED);
  list.merge([{ name: "u0", node: false, before: 2 }]);
  assert.equal(list.size, MAX_REVOKED, "a name revoked again takes no room");
});

test("a node's list outlives it in its file, and a damaged file stops it from starting", () => {
  const file = path.join(tempDir("onebox-revoked"), "revoked", "node1.json");
  new RevocationList(file).merge([{ name: "alice", node: false, before: 100 }]);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.ok(new RevocationList(file).refuses(alice, 99));
  fs.writeFileSync(file, "[{");
  assert.throws(() => new RevocationList(file), /^Error: revocation list \S+ is not JSON/);
  fs.writeFileSync(file, JSON.stringify([{ name: "alice" }]));
  assert.throws(() => new RevocationList(file), /EINVAL/);
});

test("a token passes only as the CA signed it, unexpired and well formed", () => {
  const ca = path.join(tempDir("onebox-token"), "ca");
  initCa(ca, "test");
  const verifier = new TokenVerifier(path.join(ca, CA_CERT));
  const now = Date.UTC(2026, 11, 3);
  const token = issueToken(ca, "alice", "user", 2, now);
  assert.deepEqual(verifier.verify(token, now), { name: "alice", role: "user", issuedAt: now / 1000, expires: now / 1000 + 2 * 86_400 });
  assert.throws(() => verifier.verify(token, now + 2 * 86_400_000), /^Error: the token of 'alice' expired at 2026-12-05T00:00:00\.000Z$/);
  assert.throws(() => verifier.verify(`${token}x`, now), /not signed by this cluster's CA/);
  assert.throws(() => verifier.verify("x".repeat(MAX_TOKEN_CHARS + 1), now), /over 1024 characters/);
  assert.throws(() => verifier.verify("ob1.a.b.c", now), /not a onebox token/);
  // Signed by the CA, but claims that are no user's: refused all the same.
  const key = createPrivateKey(fs.readFileSync(path.join(ca, CA_KEY)));
  const signed = (claims: unknown): string => {
    const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
    return `ob1.${body}.${sign("sha256", Buffer.from(`onebox user token v1\n${body}`), { key, dsaEncoding: "ieee-p1363" }).toString("base64url")}`;
  };
  assert.equal(verifier.verify(signed({ name: "bob", role: "viewer", issuedAt: 1, expires: now / 1000 + 60 }), now).role, "viewer", "the test signs as issueToken does");
  assert.throws(() => verifier.verify(signed({ name: "bob", role: "node", issuedAt: 1, expires: now / 1000 + 60 }), now), /lack a name, a user role/);
  assert.throws(() => verifier.verify(signed({ name: "../bob", role: "user", issuedAt: 1, expires: now / 1000 + 60 }), now), /name '\.\.\/bob'/);
});
