import path from "node:path";
import { credentialsIn, initCa, issue, subjectOf } from "../auth/certificates.ts";
import { isUserRole, ROLES } from "../auth/roles.ts";
import { expectReply } from "../cluster/link.ts";
import { CliError, defineCommand, defineSubcommands, type Command, type CommandForm, UsageError } from "./command.ts";
import { CLUSTER_OPTIONS, credentialsDir, DEFAULT_CLUSTER_NAME, STATE_DIR, withCluster } from "./cluster-options.ts";
import { flag, option, type OptionSpec } from "./options.ts";

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

/** `user add NAME`: a user's key and certificate, naming their role. */
const userAdd: CommandForm = {
  options: [
    { name: "role", value: "ROLE", help: `one of ${ROLES.join(", ")} (required)` },
    CA_DIR_OPTION,
    { name: "out", value: "DIR", help: `where the credential goes (default ${STATE_DIR}/users/NAME)` },
  ],
  async run(args) {
    if (args.positionals.length !== 1) throw new UsageError("user add takes one name (see --help)");
    const name = args.positionals[0]!;
    const role = option(args, "role");
    if (!role || !isUserRole(role)) throw new UsageError(`user add needs --role, one of ${ROLES.join(", ")}`);
    const out = option(args, "out") ?? path.join(STATE_DIR, "users", name);
    issuing(`user add ${name}`, () => issue(option(args, "ca-dir")!, out, name, role));
    console.log(out);
    return 0;
  },
};

export const userCommand: Command = defineSubcommands(
  "user",
  {
    usage: `usage: onebox user add NAME --role ROLE [--ca-dir DIR] [--out DIR]

Issue a user's credential: a key and a certificate signed by the cluster's CA,
naming the user and the role. Give the directory to the user; they pass it as
--credentials DIR (or $ONEBOX_CREDENTIALS), with the cluster's secret file.

roles:
  admin      everything
  operator   run; ps and kill every user's processes
  user       run; ps and kill their own processes
  viewer     read only: nodes, ps of every process`,
  },
  { add: userAdd },
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
