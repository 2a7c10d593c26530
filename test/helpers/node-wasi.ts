// Runs a WASI module under Node's own node:wasi, as the reference the WASI tests compare
// onebox with: `node node-wasi.ts MODULE.wasm DIR [ARGS...]` preopens DIR as `/`, passes
// standard input through, and exits with the module's status.
import fs from "node:fs";
import { WASI } from "node:wasi";

const [module, dir, ...args] = process.argv.slice(2);
if (!module || !dir) {
  process.stderr.write("usage: node-wasi.ts MODULE.wasm DIR [ARGS...]\n");
  process.exit(2);
}
const wasi = new WASI({ version: "preview1", args: [module, ...args], env: {}, preopens: { "/": dir }, returnOnExit: true });
const instance = await WebAssembly.instantiate(await WebAssembly.compile(fs.readFileSync(module)), wasi.getImportObject() as WebAssembly.Imports);
process.exitCode = wasi.start(instance);
