import path from "node:path";
import { credentialsIn, initCa, issue, LEAF_DAYS, subjectOf } from "../auth/certificates.ts";
import { checkPrincipalName, isUserRole, ROLES } from "../auth/roles.ts";
import { writeToken } from "../auth/user-token.ts";
import { expectReply } from "../cluster/link.ts";
import { CliError, defineCommand, defineSubcommands, type Command, type CommandForm, UsageError } from "./command.ts";
import { CLUSTER_OPTIONS, credentialsDir, DEFAULT_CLUSTER_NAME, STATE_DIR, withCluster } from "./cluster-options.ts";
import { flag, intOption, option, type OptionSpec, type ParsedArgs } from "./options.ts";

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

const CA_DIR_OPTION: OptionSpec = { name: "ca-dir", value: "DIR", help: "the CA's directory (made by 'cluster up' or 'cluster init')", default: DEFAULT_CA_DIR };

/** `cluster init DIR`: a new CA. */
export const clusterInit: CommandForm = {
  options: [{ name: "cluster-name", value: "NAME", help: "the cluster's name, in the CA's certificate", default: DEFAULT_CLUSTER_NAME }],
  async run(args) {
    if (args.positionals.length !== 1) throw new UsageError("cluster init takes one directory (see onebox cluster --help)");
    const dir = args.positionals[0]!;
    issuing("cluster init", () => initCa(dir, option(args, "cluster-name")!));
    console.log(path.join(dir, "ca.pem"));
    return 0;
  },
};

/** `cluster cert NODE`: a node's key and certificate. */
export const clusterCert: CommandForm = {
  options: [CA_DIR_OPTION, { name: "out", value: "DIR", help: `where the key and certificate go (default ${STATE_DIR}/certs/NODE)` }],
  async run(args) {
    if (args.positionals.length !== 1) throw new UsageError("cluster cert takes one node name (see onebox cluster --help)");
    const name = args.positionals[0]!;
    const out = option(args, "out") ?? path.join(STATE_DIR, "certs", name);
    issuing(`cluster cert ${name}`, () => issue(option(args, "ca-dir")!, out, name, "node"));
    console.log(out);
    return 0;
  },
};

/**
 * Revoke `name`'s credentials on every member, over the admin's connection: every one
 * issued up to now. Returns once the second of the revocation has passed, so a credential
 * issued right after (user add again, to change a role) is not caught by it.
 */
async function revoke(args: ParsedArgs, node: boolean): Promise<number> {
  const what = node ? "cluster revoke" : "user revoke";
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
export const clusterRevoke: CommandForm = { options: CLUSTER_OPTIONS, run: (args) => revoke(args, true) };

/** `user revoke NAME`: that user's certificates and tokens stop. */
const userRevoke: CommandForm = { options: CLUSTER_OPTIONS, run: (args) => revoke(args, false) };

/** `user add NAME`: a user's key and certificate, naming their role. */
const userAdd: CommandForm = {
  options: [
    { name: "role", value: "ROLE", help: `one of ${ROLES.join(", ")} (required)` },
    CA_DIR_OPTION,
    { name: "out", value: "DIR", help: `where the credential goes (default ${STATE_DIR}/users/NAME)` },
    { name: "token-days", value: "N", help: `how long the token is valid (at most ${LEAF_DAYS}, as the certificate)`, default: String(LEAF_DAYS) },
  ],
  async run(args) {
    if (args.positionals.length !== 1) throw new UsageError("user add takes one name (see --help)");
    const name = args.positionals[0]!;
    const role = option(args, "role");
    if (!role || !isUserRole(role)) throw new UsageError(`user add needs --role, one of ${ROLES.join(", ")}`);
    const out = option(args, "out") ?? path.join(STATE_DIR, "users", name);
    const days = intOption(args, "token-days");
    if (days < 1 || days > LEAF_DAYS) throw new UsageError(`--token-days must be from 1 to ${LEAF_DAYS}`);
    const caDir = option(args, "ca-dir")!;
    issuing(`user add ${name}`, () => {
      issue(caDir, out, name, role);
      writeToken(caDir, out, name, role, days);
    });
    console.log(out);
    return 0;
  },
};

export const userCommand: Command = defineSubcommands(
  "user",
  {
    usage: `usage: onebox user add NAME --role ROLE [--ca-dir DIR] [--out DIR] [--token-days N]
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
  viewer     read only: nodes, ps of every process`,
  },
  { add: userAdd, revoke: userRevoke },
);

export const whoamiCommand: Command = defineCommand({
  usage: `usage: onebox whoami [options]

Print the name and role the cluster knows you by: those of your credential's
certificate, once a member has accepted it. Without a credential (a cluster
started with --insecure), nobody is known and everyone may do everything.`,
  options: [...CLUSTER_OPTIONS, { name: "json", help: 'print {"name": ..., "role": ...} (both null when anonymous)' }],
  async run(args) {
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
});
