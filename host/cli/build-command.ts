import { buildGuest } from "../toolchain/build.ts";
import { CliError, flag, option, parseArgs, type Command, UsageError } from "./command.ts";

export const buildCommand: Command = {
  help: `usage: onebox build FILE.ts|FILE.c|FILE.js [--component] [-o OUT.wasm]

Compile a guest against the onebox guest SDK and stamp the ABI version into it:
AssemblyScript (.ts) with the SDK imported as "onebox", or C (.c) with
guest-sdk/c/onebox.h through Debian's clang-14, lld-14 and wasi-libc.
JavaScript (.js, or .ts with --component) becomes a component of the world in
abi/onebox.wit through componentize-js, offline; it exports start().
The output defaults to FILE.wasm next to the source.

options:
  -o, --out FILE   where to write the module
  --component      build a .ts file as a JavaScript component, not AssemblyScript
  -h, --help       show this help`,
  async run(argv) {
    const args = parseArgs(argv.map((a) => (a === "-o" ? "--out" : a)), { values: ["out"], flags: ["component"] });
    if (args.positionals.length !== 1) throw new UsageError("build takes one source file (see --help)");
    const source = args.positionals[0]!;
    process.stderr.write(`onebox: building ${source} ...\n`);
    try {
      const result = await buildGuest(source, option(args, "out"), { component: flag(args, "component") });
      process.stderr.write(`onebox: wrote ${result.out} (${(result.bytes / 1024).toFixed(1)} KiB) in ${Math.round(result.ms)} ms\n`);
      return 0;
    } catch (error) {
      throw new CliError((error as Error).message);
    }
  },
};
