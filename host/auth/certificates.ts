import { execFileSync } from "node:child_process";
import { randomBytes, X509Certificate } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { writePrivateFile } from "./private-file.ts";
import { checkPrincipalName, type Role } from "./roles.ts";

/**
 * The cluster's certificate authority and the credentials it issues, made with Debian's
 * openssl CLI (node:crypto makes keys but not X.509 certificates).
 *
 * A CA directory holds ca.pem and ca.key. A credential directory (a node's or a user's)
 * holds ca.pem (the CA to trust), cert.pem (subject O=onebox, OU=role, CN=name) and key.pem.
 */

export const CA_CERT = "ca.pem";
export const CA_KEY = "ca.key";
export const CERT = "cert.pem";
export const KEY = "key.pem";

/** A credential's files, as a transport wants them. */
export interface Credentials {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

export const credentialsIn = (dir: string): Credentials => ({ caFile: path.join(dir, CA_CERT), certFile: path.join(dir, CERT), keyFile: path.join(dir, KEY) });

const CA_DAYS = 3650;
/** How long a node's or a user's certificate (and a user's token) is valid. */
export const LEAF_DAYS = 825;

function openssl(args: readonly string[]): void {
  try {
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim().split("\n")[0];
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "openssl is not installed (Debian: apt-get install openssl)" : stderr || (error as Error).message;
    throw new Error(`openssl ${args[0]}: ${reason}`);
  }
}

/** Make a CA in `dir` (refuses to replace one). */
export function initCa(dir: string, cluster: string): void {
  checkPrincipalName(cluster);
  if (fs.existsSync(path.join(dir, CA_KEY))) throw new Error(`${dir} already holds a CA (${CA_KEY})`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = path.join(dir, CA_KEY);
  openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", String(CA_DAYS),
    "-subj", `/O=onebox/OU=ca/CN=${cluster} CA`, "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    "-keyout", key, "-out", path.join(dir, CA_CERT)]);
  fs.chmodSync(key, 0o600);
}

/** Issue a key and certificate for `name` with role `role` into `outDir`, signed by the CA in `caDir`. */
export function issue(caDir: string, outDir: string, name: string, role: Role): Credentials {
  checkPrincipalName(name);
  const caKey = path.join(caDir, CA_KEY);
  if (!fs.existsSync(caKey)) throw new Error(`no CA in ${caDir} (make one with 'onebox cluster init ${caDir}')`);
  fs.mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const creds = credentialsIn(outDir);
  const csr = path.join(outDir, "request.csr");
  const ext = path.join(outDir, "extensions.cnf");
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", creds.keyFile]);
  fs.chmodSync(creds.keyFile, 0o600);
  try {
    openssl(["req", "-new", "-key", creds.keyFile, "-subj", `/O=onebox/OU=${role}/CN=${name}`, "-out", csr]);
    // Nodes dial each other by URL and check the name in the certificate, not a host name,
    // so one certificate serves whatever address a node has; the SAN is for other tools.
    fs.writeFileSync(ext, "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n");
    openssl(["x509", "-req", "-in", csr, "-CA", path.join(caDir, CA_CERT), "-CAkey", caKey, "-set_serial", `0x${randomBytes(16).toString("hex")}`,
      "-days", String(LEAF_DAYS), "-extfile", ext, "-out", creds.certFile]);
  } finally {
    fs.rmSync(csr, { force: true });
    fs.rmSync(ext, { force: true });
  }
  fs.copyFileSync(path.join(caDir, CA_CERT), creds.caFile);
  return creds;
}

/** The role (OU) and name (CN) a certificate file names. */
export function subjectOf(certFile: string): { name: string; unit: string } {
  const cert = new X509Certificate(fs.readFileSync(certFile));
  const field = (key: string): string => /^(\w+)=(.*)$/m.exec(cert.subject.split("\n").find((line) => line.startsWith(`${key}=`)) ?? "")?.[2] ?? "";
  return { name: field("CN"), unit: field("OU") };
}

/** A fresh secret for a cluster's handshake, owner-readable only. */
export function writeSecret(file: string): void {
  writePrivateFile(file, randomBytes(32).toString("hex"));
}
