// Build the package into dist/, from a clean slate:
// - the library (`import ... from "onebox"`): abi/ and host/ but the CLI, compiled by tsc
//   with declarations (tsconfig.build.json);
// - the CLI, bundled by esbuild into dist/cli/ (main.js, one chunk per command's code, and
//   the scripts bench spawns as processes): start-up is dominated by loading modules, about
//   0.5 ms each, and `onebox run` would otherwise load some forty;
// - the examples the package ships built (dist/examples/).
// npm runs this as `prepare`: after `npm install` in the repository and before `npm pack`.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import { build, type Plugin } from "esbuild";
import { exampleSource, PREBUILT_EXAMPLES, prebuiltModule } from "../host/cli/prebuilt.ts";
import { packagePath } from "../host/package-root.ts";
import { buildGuest } from "../host/toolchain/build.ts";

/**
 * Node's built-in modules as CommonJS, not ES modules, in the bundle: importing one as an
 * ES module reads every export to build its facade, which runs lazy getters (node:fs's
 * ReadStream loads all of Node's streams, node:crypto's webcrypto); esbuild's CommonJS
 * interop reads a property only when the code uses it.
 */
const builtinsWithoutFacades: Plugin = {
  name: "builtins-without-facades",
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: "node-builtin" }));
    build.onLoad({ filter: /.*/, namespace: "node-builtin" }, (args) => ({
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify(args.path)});`,
      loader: "js",
    }));
  },
};

const started = performance.now();
fs.rmSync(packagePath("dist"), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", packagePath("tsconfig.build.json")], { stdio: "inherit" });
await build({
  entryPoints: {
    main: packagePath("host", "cli", "main.ts"),
    "ws-server": packagePath("bench", "floors", "ws-server.ts"),
    "wasi-hello": packagePath("bench", "floors", "wasi-hello.ts"),
  },
  outdir: packagePath("dist", "cli"),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node24",
  // Dependencies stay imports, resolved from node_modules: the optional ones may be absent.
  packages: "external",
  plugins: [builtinsWithoutFacades],
  logLevel: "warning",
});
for (const name of PREBUILT_EXAMPLES) await buildGuest(exampleSource(name), prebuiltModule(name));
console.log(`build: dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s`);
