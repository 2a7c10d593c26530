import { FLAGS } from "../../abi/abi.ts";
import { EVERY_NODE, narrowCapabilities, parseScope, ROOT_CAPABILITIES, type Capabilities, type PathGrant } from "./capabilities.ts";
import type { ResolvedPath } from "./namespace.ts";

/** What `onebox run` asks beyond a root process's default set: --scope, --ro, --rw. */
export interface RootAsk {
  readonly scope?: string;
  readonly ro?: readonly string[];
  readonly rw?: readonly string[];
}

/** The home of user `owner` on every node: the subtree its processes may change by default. */
export const homeOf = (owner: string): string => `home/${owner}`;

/**
 * The namespace a user's root process gets by default: everything read-only, and its
 * home read-write, on every node. An admin's, and one with no owner (an --insecure
 * cluster, an embedded run: the single-user trust model), the whole namespace.
 */
function defaultPaths(owner: string | undefined, role: string | undefined): readonly PathGrant[] | undefined {
  if (!owner || role === "admin") return undefined;
  return [
    { node: EVERY_NODE, rel: "", write: false },
    { node: EVERY_NODE, rel: homeOf(owner), write: true },
  ];
}

/**
 * The capability set of a process the operator starts (`onebox run`): its default
 * namespace by its owner's role, its process scope its descendants unless it asks for
 * its owner's processes (--scope owner), then narrowed to the --ro and --rw paths, each
 * resolved by `resolve` (EINVAL for one outside its default, as childcap).
 */
export function rootCapabilities(owner: string | undefined, role: string | undefined, ask: RootAsk | undefined, resolve: (path: string) => ResolvedPath): Capabilities {
  const own: Capabilities = { ...ROOT_CAPABILITIES, paths: defaultPaths(owner, role), scope: ask?.scope ? parseScope(ask.scope) : ROOT_CAPABILITIES.scope };
  let caps = own;
  const kind = FLAGS.capKind;
  for (const path of ask?.ro ?? []) caps = narrowCapabilities(own, caps, kind.CAP_PATH_RO.value, path, () => resolve(path));
  for (const path of ask?.rw ?? []) caps = narrowCapabilities(own, caps, kind.CAP_PATH_RW.value, path, () => resolve(path));
  return caps;
}
