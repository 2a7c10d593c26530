import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { componentCacheDir } from "../host/kernel/component-loader.ts";
import { PACKAGE_ROOT, packagePath } from "../host/package-root.ts";
import { buildGuest } from "../host/toolchain/build.ts";

const SOURCE = packagePath("bench", "guests", "component.js");
/** Everything the component's bytes depend on: the guest, what it bundles, the world, the builder. */
const INPUTS = [SOURCE, "guest-sdk/component/onebox.js", "guest-sdk/component/abi.js", "abi/onebox.wit", "node_modules/@bytecodealliance/componentize-js/package.json"];

/**
 * The bench guest as a component (bench/guests/component.js). A build takes about 20 s,
 * so it is kept in the onebox cache under the hash of its inputs: --quick pays it once.
 */
export async function componentBenchGuest(progress: (text: string) => void): Promise<Uint8Array> {
  const hash = createHash("sha256");
  for (const input of INPUTS) hash.update(fs.readFileSync(path.resolve(PACKAGE_ROOT, input)));
  const cached = path.join(componentCacheDir(), "bench", `${hash.digest("hex")}.wasm`);
  if (fs.existsSync(cached)) return fs.readFileSync(cached);
  progress("building the component bench guest (cached for later runs)");
  const tmp = `${cached}.${process.pid}.tmp`;
  await buildGuest(SOURCE, tmp);
  // Renamed into place, so a concurrent run never reads half a file.
  fs.renameSync(tmp, cached);
  return fs.readFileSync(cached);
}
