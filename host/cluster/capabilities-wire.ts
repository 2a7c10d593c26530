import { fail } from "../kernel/errors.ts";
import { MAX_GRANTS, parseScope, ROOT_CAPABILITIES, type Capabilities } from "../kernel/capabilities.ts";
import { MAX_ANCESTORS, type Asker } from "../kernel/process-scope.ts";
import type { Authority } from "../transport/wire-types.ts";

/** A set as a spawn to another node carries it (Authority in abi/wire.proto). */
export const capabilitiesOnWire = (caps: Capabilities): Authority => ({
  restrictPaths: caps.paths !== undefined,
  paths: (caps.paths ?? []).map((g) => ({ ...g })),
  noSpawn: !caps.maySpawn,
  spawnLabels: { ...caps.spawnLabels },
  restrictLocks: caps.lockPrefixes !== undefined,
  lockPrefixes: [...(caps.lockPrefixes ?? [])],
  restrictNames: caps.namePrefixes !== undefined,
  namePrefixes: [...(caps.namePrefixes ?? [])],
  scope: caps.scope,
});

/**
 * The set a spawn from another node carries. This node holds no set of the remote
 * parent's, so the child gets exactly the carried one (absent: a root's,
 * ROOT_CAPABILITIES); over MAX_GRANTS of a kind is EINVAL, as childcap would have refused it.
 */
export function capabilitiesFromWire(wire: Partial<Authority> | null | undefined): Capabilities {
  if (!wire) return ROOT_CAPABILITIES;
  if (Object.keys(wire.spawnLabels ?? {}).length > MAX_GRANTS) fail("EINVAL", `a spawn carried more than ${MAX_GRANTS} spawn labels`);
  const list = <T>(restrict: boolean | undefined, items: readonly T[] | undefined): T[] | undefined => {
    if (!restrict) return undefined;
    if ((items?.length ?? 0) > MAX_GRANTS) fail("EINVAL", `a spawn carried more than ${MAX_GRANTS} grants of one kind`);
    return [...(items ?? [])];
  };
  return {
    paths: list(wire.restrictPaths, wire.paths)?.map((g) => ({ node: g.node, rel: g.rel, write: g.write === true })),
    maySpawn: !wire.noSpawn,
    spawnLabels: { ...wire.spawnLabels },
    lockPrefixes: list(wire.restrictLocks, wire.lockPrefixes),
    namePrefixes: list(wire.restrictNames, wire.namePrefixes),
    scope: parseScope(wire.scope),
  };
}

/** What a kill, monitor or link frame carries of its asker beside its pid. */
export const askerOnWire = (asker: Asker): { owner: string; scope: string } => ({ owner: asker.owner ?? "", scope: asker.scope });

/** The asker a kill, monitor or link frame names. */
export const askerFromWire = (pid: number, owner: string | null | undefined, scope: string | null | undefined): Asker => ({ pid, owner: owner || undefined, scope: parseScope(scope) });

/** The ancestors a spawn carries: at most MAX_ANCESTORS (EINVAL), the first its ppid. */
export function ancestorsFromWire(ppid: number, ancestors: readonly number[] | null | undefined): number[] {
  const list = [...(ancestors ?? [])];
  if (list.length > MAX_ANCESTORS) fail("EINVAL", `a spawn carried ${list.length} ancestors, over MAX_ANCESTORS`);
  if (ppid !== 0 && list[0] !== ppid) fail("EINVAL", `a spawn's ancestors [${list.slice(0, 3).join(",")}...] do not start with its parent ${ppid}`);
  if (new Set(list).size !== list.length) fail("EINVAL", "a spawn's ancestors repeat a pid");
  return list;
}
