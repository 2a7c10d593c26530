import path from "node:path";
import { credentialsIn, initCa, issue, LEAF_DAYS, subjectOf } from "../auth/certificates.ts";
import { checkPrincipalName, isUserRole, ROLES } from "../auth/roles.ts";
import { writeToken } from "../auth/user-token.ts";
import { expectReply } from "../cluster/link.ts";
import { CliError, flag, intOption, option, parseArgs, type Command, UsageError } from "./command.ts";
import { CLUSTER_HELP, CLUSTER_VALUES, credentialsDir, DEFAULT_CLUSTER_NAME, STATE_DIR, withCluster } from "./cluster-options.ts";

/** Where `cluster up` keeps its CA; the default of every command that issues a credential. */
export const DEFAULT_CA_DIR = path.join(STATE_DIR, "ca");

/** Run an issuing step, its failure one line. */
function issuing<T>(what: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw new CliError(`${what}: ${(error as Error).message}`);
  }
}

/** `cluster init DIR`: a new CA. */
export function clusterInit(argv: string[]): number {
  const args = parseArgs(argv, { values: ["cluster-name"], flags: [] });
  if (args.positionals.length !== 1) throw new UsageError("cluster init takes one directory (see onebox cluster --help)");
  const dir = args.positionals[0]!;
  issuing("cluster init", () => initCa(dir, option(args, "cluster-name") ?? DEFAULT_CLUSTER_NAME));
  console.log(path.join(dir, "ca.pem"));
  return 0;
}

/** `cluster cert NODE`: a node's key and certificate. */
export function clusterCert(argv: string[]): number {
  const args = parseArgs(argv, { values: ["ca-dir", "out"], flags: [] });
  if (args.positionals.length !== 1) throw new UsageError("cluster cert takes one node name (see onebox cluster --help)");
  const name = args.positionals[0]!;
  const out = option(args, "out") ?? path.join(STATE_DIR, "certs", name);
  issuing(`cluster cert ${name}`, () => issue(option(args, "ca-dir") ?? DEFAULT_CA_DIR, out, name, "node"));
  console.log(out);
  return 0;
}

/**
 * Revoke `name`'s credentials on every member, over the admin's connection: every one
 * issued up to now. Returns once the second of the revocation has passed, so a credential
 * issued right after (user add again, to change a role) is not caught by it.
 */
async function revoke(argv: string[], node: boolean): Promise<number> {
  const what = node ? "cluster revoke" : "user revoke";
  const args = parseArgs(argv, { values: CLUSTER_VALUES, flags: [] });
  if (args.positionals.length !== 1) throw new UsageError(`${what} takes one name (see --help)`);
  const name = args.positionals[0]!;
  try {
    checkPrincipalName(name);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const before = Math.floor(Date.now() / 1000);
  let took;
  try {
    took = await withCluster(args, (channel) => expectReply(channel.call({ revoke: { revoked: [{ name, node, before }] } }), "names"));
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${what} ${name}: ${(error as Error).message}`);
  }
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, (before + 1) * 1000 - Date.now())));
  console.log(`revoked ${node ? "node" : "user"} '${name}' on ${took.names.join(", ")}`);
  return 0;
}

/** `cluster revoke NODE`: that node's certificates stop; it cannot rejoin under them. */
export const clusterRevoke = (argv: string[]): Promise<number> => revoke(argv, true);

export const userCommand: Command = {
  help: `usage: onebox user add NAME --role ROLE [--ca-dir DIR] [--out DIR] [--token-days N]
       onebox user revoke NAME [cluster options]

add     issue a user's credential: a key and a certificate signed by the
        cluster's CA, naming the user and the role, and a token with the same
        name and role for HTTP (the dashboard, scripts: Authorization: Bearer
        TOKEN), in the file 'token'. Give the directory to the user; they pass
        it as --credentials DIR (or $ONEBOX_CREDENTIALS), with the cluster's
        secret file.
revoke  (admin only) refuse every credential of NAME issued until now, its
        certificates and tokens, on every member, at once and after restarts;
        its open connections are closed. To change a role: revoke, then add.

roles:
  admin      everything, revoke included
  operator   run; ps and kill every user's processes
  user       run; ps and kill their own processes
  viewer     read only: nodes, ps of every process

options of add:
  --role ROLE     one of ${ROLES.join(", ")} (required)
  --ca-dir DIR    the CA's directory (default ${DEFAULT_CA_DIR}, made by 'cluster up'
                  or 'cluster init')
  --out DIR       where the credential goes (default ${STATE_DIR}/users/NAME)
  --token-days N  how long the token is valid (default and at most ${LEAF_DAYS}, as
                  the certificate)

options of revoke (the admin's connection):
${CLUSTER_HELP}
  -h, --help           show this help`,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === "-h" || sub === "--help") return this.run(["add", "--help"]);
    if (sub === "revoke") return revoke(rest, false);
    if (sub !== "add") throw new UsageError(`unknown user subcommand '${sub ?? ""}' (see onebox user --help)`);
    const args = parseArgs(rest, { values: ["role", "ca-dir", "out", "token-days"], flags: [] });
    if (args.positionals.length !== 1) throw new UsageError("user add takes one name (see --help)");
    const name = args.positionals[0]!;
    const role = option(args, "role");
    if (!role || !isUserRole(role)) throw new UsageError(`user add needs --role, one of ${ROLES.join(", ")}`);
    const out = option(args, "out") ?? path.join(STATE_DIR, "users", name);
    const days = intOption(args, "token-days", LEAF_DAYS);
    if (days < 1 || days > LEAF_DAYS) throw new UsageError(`--token-days must be from 1 to ${LEAF_DAYS}`);
    const caDir = option(args, "ca-dir") ?? DEFAULT_CA_DIR;
    issuing(`user add ${name}`, () => {
      issue(caDir, out, name, role);
      writeToken(caDir, out, name, role, days);
    });
    console.log(out);
    return 0;
  },
};

export const whoamiCommand: Command = {
  help: `usage: onebox whoami [options]

Print the name and role the cluster knows you by: those of your credential's
certificate, once a member has accepted it. Without a credential (a cluster
started with --insecure), nobody is known and everyone may do everything.

options:
${CLUSTER_HELP}
  --json               print {"name": ..., "role": ...} (both null when anonymous)
  -h, --help           show this help`,
  async run(argv) {
    const args = parseArgs(argv, { values: CLUSTER_VALUES, flags: ["json"] });
    const json = flag(args, "json");
    // The member list is readable by every role: a reply means the member accepted the certificate.
    await withCluster(args, (channel) => expectReply(channel.call({ nodes: {} }), "members"));
    const dir = credentialsDir(args);
    if (dir === undefined) {
      if (json) return console.log(JSON.stringify({ name: null, role: null })), 0;
      console.log("anonymous (no credential: the cluster must be --insecure, where everyone may do everything)");
      return 0;
    }
    const { name, unit } = subjectOf(credentialsIn(dir).certFile);
    console.log(json ? JSON.stringify({ name, role: unit }) : `${name} ${unit}`);
    return 0;
  },
};
