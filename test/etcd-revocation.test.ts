// Revocation on a cluster coordinated on etcd (no coordinator node keeps the list): a
// revoke reaches every member, and a node that starts later learns it from one.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { credentialsIn } from "../host/auth/certificates.ts";
import type { ClusterState } from "../host/cli/cluster-options.ts";
import { httpGet } from "../host/observe/http-get.ts";
import { onebox } from "./helpers/cli.ts";
import { startNodeProcess, stopNodeProcess, type NodeProcess } from "./helpers/cluster.ts";
import { tempDir } from "./helpers/guests.ts";
import { freePorts } from "./helpers/ports.ts";

test("on etcd, a revoke reaches every member and a node that joins later learns it", async () => {
  const dir = tempDir("onebox-etcd-revocation");
  const state = path.join(dir, ".onebox");
  const up = await onebox(["cluster", "up", "--etcd", "--nodes", "2", "--base-port", String(await freePorts(2))], dir);
  let node3: NodeProcess | undefined;
  try {
    assert.equal(up.code, 0, up.stderr);
    const cluster = JSON.parse(fs.readFileSync(path.join(state, "cluster.json"), "utf8")) as ClusterState;
    assert.equal((await onebox(["user", "add", "bob", "--role", "user"], dir)).code, 0);
    assert.equal((await onebox(["cluster", "cert", "node3"], dir)).code, 0);
    const revoked = await onebox(["user", "revoke", "bob"], dir);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(revoked.stdout.trim(), "revoked user 'bob' on node1, node2");
    const ps = await onebox(["ps", "--credentials", path.join(state, "users", "bob")], dir);
    assert.match(ps.stderr, /^onebox: .*the credentials of user 'bob' were revoked/);

    const { caFile, certFile, keyFile } = credentialsIn(path.join(state, "certs", "node3"));
    node3 = await startNodeProcess("node3", {
      secretFile: path.join(state, "secret"), heartbeatMs: 3000, cwd: dir,
      args: ["--etcd", cluster.etcd!.map((e) => e.clientUrl).join(","), "--ca", caFile, "--cert", certFile, "--key", keyFile, "--revocation-file", path.join(dir, "node3-revoked.json")],
    });
    const token = fs.readFileSync(path.join(state, "users", "bob", "token"), "utf8").trim();
    const answer = await httpGet(`${node3.url.replace(/^wss:/, "https:")}/api/cluster`, { ca: fs.readFileSync(caFile), headers: { authorization: `Bearer ${token}` }, timeoutMs: 60_000 });
    assert.equal(answer.status, 401, answer.body);
    assert.match(answer.body, /the credentials of user 'bob' were revoked/);
  } finally {
    if (node3) await stopNodeProcess(node3);
    const down = await onebox(["cluster", "down"], dir);
    assert.equal(down.code, 0, down.stderr);
  }
});
