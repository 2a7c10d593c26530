import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { cachedBuild } from "../host/toolchain/build-cache.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const SOURCE = path.join(REPO, "bench/guests/component.js");
/** Everything else the component's bytes depend on: what it bundles, the world, the builder. */
const INPUTS = ["guest-sdk/component/onebox.js", "guest-sdk/component/abi.js", "abi/onebox.wit", "node_modules/@bytecodealliance/componentize-js/package.json"].map((input) => path.resolve(REPO, input));

/**
 * The bench guest as a component (bench/guests/component.js). A build takes about 20 s,
 * so it is kept in the onebox cache under the hash of its inputs: --quick pays it once.
 */
export async function componentBenchGuest(progress: (text: string) => void): Promise<Uint8Array> {
  return fs.readFileSync(await cachedBuild(SOURCE, INPUTS, "bench", () => progress("building the component bench guest (cached for later runs)")));
}
