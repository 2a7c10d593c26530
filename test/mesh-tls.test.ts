import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { startNodeProcess, stopNodeProcess, type NodeProcess } from "./helpers/cluster.ts";
import { REPO, tempDir } from "./helpers/guests.ts";

/** A self-signed certificate for 127.0.0.1 from Debian's openssl; undefined if there is none. */
function selfSigned(dir: string): { cert: string; key: string } | undefined {
  const cert = path.join(dir, "cert.pem");
  const key = path.join(dir, "key.pem");
  try {
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
      "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert], { stdio: "ignore" });
  } catch {
    return undefined;
  }
  return { cert, key };
}

const dir = tempDir("onebox-tls");
const tls = selfSigned(dir);

// node:crypto makes keys but not X.509 certificates, so without openssl there is nothing to serve.
test("wss: nodes given a certificate and key serve and dial wss, and the CLI reaches them", { skip: tls ? false : "no openssl to make a certificate" }, async () => {
  const secretFile = path.join(dir, "secret");
  fs.writeFileSync(secretFile, "tls test secret");
  // The self-signed certificate is its own CA; every party trusts it the documented way.
  const env = { NODE_EXTRA_CA_CERTS: tls!.cert };
  const options = { secretFile, heartbeatMs: 500, cwd: dir, args: ["--cert", tls!.cert, "--key", tls!.key], env };
  const nodes: NodeProcess[] = [];
  try {
    nodes.push(await startNodeProcess("s1", options));
    assert.match(nodes[0]!.url, /^wss:\/\//);
    nodes.push(await startNodeProcess("s2", { ...options, join: nodes[0]!.url }));
    assert.match(nodes[1]!.url, /^wss:\/\//);
    const listed = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [path.join(REPO, "host/cli/main.ts"), "nodes", "--cluster", nodes[1]!.url, "--secret-file", secretFile, "--json"],
        { cwd: dir, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout)));
    });
    const members = JSON.parse(listed) as { name: string; state: string }[];
    assert.deepEqual(members.map((m) => `${m.name}:${m.state}`), ["s1:alive", "s2:alive"]);
  } finally {
    await Promise.all(nodes.map(stopNodeProcess));
  }
});
