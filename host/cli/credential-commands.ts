import path from "node:path";
import { credentialsIn, initCa, issue, subjectOf } from "../auth/certificates.ts";
import { isUserRole, ROLES } from "../auth/roles.ts";
import { expectReply } from "../cluster/link.ts";
import { CliError, flag, option, parseArgs, type Command, UsageError } from "./command.ts";
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

export const userCommand: Command = {
  help: `usage: onebox user add NAME --role ROLE [--ca-dir DIR] [--out DIR]

Issue a user's credential: a key and a certificate signed by the cluster's CA,
naming the user and the role. Give the directory to the user; they pass it as
--credentials DIR (or $ONEBOX_CREDENTIALS), with the cluster's secret file.

roles:
  admin      everything
  operator   run; ps and kill every user's processes
  user       run; ps and kill their own processes
  viewer     read only: nodes, ps of every process

options:
  --role ROLE     one of ${ROLES.join(", ")} (required)
  --ca-dir DIR    the CA's directory (default ${DEFAULT_CA_DIR}, made by 'cluster up'
                  or 'cluster init')
  --out DIR       where the credential goes (default ${STATE_DIR}/users/NAME)
  -h, --help      show this help`,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === "-h" || sub === "--help") return this.run(["add", "--help"]);
    if (sub !== "add") throw new UsageError(`unknown user subcommand '${sub ?? ""}' (see onebox user --help)`);
    const args = parseArgs(rest, { values: ["role", "ca-dir", "out"], flags: [] });
    if (args.positionals.length !== 1) throw new UsageError("user add takes one name (see --help)");
    const name = args.positionals[0]!;
    const role = option(args, "role");
    if (!role || !isUserRole(role)) throw new UsageError(`user add needs --role, one of ${ROLES.join(", ")}`);
    const out = option(args, "out") ?? path.join(STATE_DIR, "users", name);
    issuing(`user add ${name}`, () => issue(option(args, "ca-dir") ?? DEFAULT_CA_DIR, out, name, role));
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
