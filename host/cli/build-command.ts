import { buildGuest } from "../toolchain/build.ts";
import { CliError, option, parseArgs, type Command } from "./command.ts";

export const buildCommand: Command = {
  name: "build",
  summary: "compile a guest program to a onebox module",
  help: `usage: onebox build FILE.ts|FILE.c [-o OUT.wasm]

Compile a guest against the onebox guest SDK and stamp the ABI version into it:
AssemblyScript (.ts) with the SDK imported as "onebox", or C (.c) with
guest-sdk/c/onebox.h through Debian's clang-14, lld-14 and wasi-libc.
The output defaults to FILE.wasm next to the source.

options:
  -o, --out FILE   where to write the module
  -h, --help       show this help`,
  async run(argv) {
    const args = parseArgs(argv.map((a) => (a === "-o" ? "--out" : a)), { values: ["out"], flags: [] });
    if (args.positionals.length !== 1) throw new CliError("build takes one source file (see --help)");
    const source = args.positionals[0]!;
    process.stderr.write(`onebox: building ${source} ...\n`);
    try {
      const result = await buildGuest(source, option(args, "out"));
      process.stderr.write(`onebox: wrote ${result.out} (${(result.bytes / 1024).toFixed(1)} KiB) in ${Math.round(result.ms)} ms\n`);
      return 0;
    } catch (error) {
      throw new CliError((error as Error).message);
    }
  },
};
