// Build the package: dist/ from a clean slate, the host as JavaScript with declarations
// (tsc, tsconfig.build.json), then the examples the package ships built. npm runs this
// as `prepare`: after `npm install` in the repository and before `npm pack`.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import { exampleSource, PREBUILT_EXAMPLES, prebuiltModule } from "../host/cli/prebuilt.ts";
import { packagePath } from "../host/package-root.ts";
import { buildGuest } from "../host/toolchain/build.ts";

const started = performance.now();
fs.rmSync(packagePath("dist"), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", packagePath("tsconfig.build.json")], { stdio: "inherit" });
for (const name of PREBUILT_EXAMPLES) await buildGuest(exampleSource(name), prebuiltModule(name));
console.log(`build: dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s`);
