import { cachedBuild } from "../host/toolchain/build-cache.ts";
import { COMPONENT_BUILD_INPUTS } from "../host/toolchain/component.ts";
import { packagePath } from "../host/package-root.ts";

const SOURCE = packagePath("bench", "guests", "component.js");

/**
 * The bench guest as a component (bench/guests/component.js). A build takes about 20 s,
 * so it is kept in the onebox cache under the hash of its inputs: --quick pays it once.
 */
export async function componentBenchGuest(progress: (text: string) => void): Promise<Uint8Array> {
  return cachedBuild(SOURCE, COMPONENT_BUILD_INPUTS, "bench", () => progress("building the component bench guest (cached for later runs)"));
}
