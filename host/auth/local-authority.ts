import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CA_KEY, credentialsIn, initCa, issue, KEY, LEAF_DAYS, type Credentials } from "./certificates.ts";
import { readToken, writeToken } from "./user-token.ts";

/**
 * What `cluster up` makes once in its state directory, so a local cluster runs with
 * mutual TLS and roles without any set-up: a CA (ca/), a credential per node
 * (certs/NODE/) and an admin credential for the local user (users/USER/).
 */
export interface LocalAuthority {
  readonly caDir: string;
  /** The local user's admin credential directory. */
  readonly adminDir: string;
  nodeCredentials(name: string): Credentials;
}

/** The local OS user's name as a principal name (characters outside the allowed set become '_'). */
export const localUserName = (): string => (os.userInfo().username.replace(/[^A-Za-z0-9._-]/g, "_") || "admin").slice(0, 64);

export function localAuthority(dir: string, cluster: string): LocalAuthority {
  const caDir = path.join(dir, "ca");
  if (!fs.existsSync(path.join(caDir, CA_KEY))) initCa(caDir, cluster);
  const issued = (out: string, name: string, role: "admin" | "node"): string => {
    if (!fs.existsSync(path.join(out, KEY))) issue(caDir, out, name, role);
    return out;
  };
  const adminDir = issued(path.join(dir, "users", localUserName()), localUserName(), "admin");
  // A credential made before tokens existed gets one now: 'onebox dashboard' prints it.
  if (readToken(adminDir) === undefined) writeToken(caDir, adminDir, localUserName(), "admin", LEAF_DAYS);
  return { caDir, adminDir, nodeCredentials: (name) => credentialsIn(issued(path.join(dir, "certs", name), name, "node")) };
}
