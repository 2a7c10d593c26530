import { packagePath } from "../package-root.ts";

/**
 * The examples the package ships already built, in dist/examples/: what `onebox demo` runs
 * and a hello to try, so neither needs a guest toolchain installed.
 */
export const PREBUILT_EXAMPLES = ["hello", "mapreduce", "ring"] as const;
export type PrebuiltExample = (typeof PREBUILT_EXAMPLES)[number];

export const exampleSource = (name: PrebuiltExample): string => packagePath("examples", name, "main.ts");
export const prebuiltModule = (name: PrebuiltExample): string => packagePath("dist", "examples", `${name}.wasm`);
