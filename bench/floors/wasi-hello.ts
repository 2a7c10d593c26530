// cli-run-hello's floor, run as its own process: node:wasi runs the WASI module named on
// the command line, as a bare Node would, and exits with its status.
import fs from "node:fs";
import { WASI } from "node:wasi";

const file = process.argv[2];
if (!file) throw new Error("usage: wasi-hello MODULE.wasm");
const wasi = new WASI({ version: "preview1", args: [file], env: {}, returnOnExit: true });
const instance = await WebAssembly.instantiate(await WebAssembly.compile(fs.readFileSync(file)), wasi.getImportObject() as WebAssembly.Imports);
process.exitCode = wasi.start(instance);
