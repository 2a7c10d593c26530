import { fail } from "../kernel/errors.ts";
import { FULL_CAPABILITIES, MAX_GRANTS, type Capabilities } from "../kernel/capabilities.ts";
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
  killChildren: caps.killScope === "children",
});

/**
 * The set a spawn from another node carries. This node holds no set of the remote
 * parent's, so the child gets exactly the carried one (absent: an older sender, the full
 * set); over MAX_GRANTS of a kind is EINVAL, as childcap would have refused it.
 */
export function capabilitiesFromWire(wire: Partial<Authority> | null | undefined): Capabilities {
  if (!wire) return FULL_CAPABILITIES;
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
    killScope: wire.killChildren ? "children" : "owner",
  };
}
