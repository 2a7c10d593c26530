import type { CFlags } from "../toolchain/c.ts";
import { buildGuest } from "../toolchain/build.ts";
import { CliError, defineCommand, type Command, UsageError } from "./command.ts";
import { flag, option, options } from "./options.ts";

export const buildCommand: Command = defineCommand({
  usage: `usage: onebox build FILE.ts|FILE.c... |FILE.rs|CARGO_DIR|FILE.js [--component] [-o OUT.wasm]
                     [-D NAME[=VALUE]] [-I DIR] [-l LIB] [-O LEVEL]

Compile a guest against the onebox guest SDK and stamp the ABI version into it:
AssemblyScript (.ts) with the SDK imported as "onebox", or C (.c, one or several
files linked together) with guest-sdk/c/onebox.h through Debian's clang-14,
lld-14, wasi-libc and compiler-rt, or Rust (.rs, or a directory holding a
Cargo.toml, built offline) through Debian's rustc, cargo and
libstd-rust-dev-wasm32 for wasm32-wasi. C programs are ordinary WASI programs:
stdio, files and directories work on the process's namespace.
JavaScript (.js, or .ts with --component) becomes a component of the world in
abi/onebox.wit through componentize-js, offline; it exports start().
The output defaults to FILE.wasm (CARGO_DIR.wasm) next to the (first) source.`,
  options: [
    { name: "out", short: "o", value: "FILE", help: "where to write the module" },
    { name: "component", help: "build a .ts file as a JavaScript component, not AssemblyScript" },
    { name: "json", help: 'print {"out", "bytes", "ms"} on stdout once built' },
    { name: "D", value: "NAME[=VALUE]", repeatable: true, help: "C: define a macro" },
    { name: "I", value: "DIR", repeatable: true, help: "C: add an include directory" },
    { name: "l", value: "LIB", repeatable: true, help: "C: link a library from wasi-libc's directory, e.g. -lwasi-emulated-process-clocks with -D_WASI_EMULATED_PROCESS_CLOCKS for clock(), or -lm" },
    { name: "O", value: "LEVEL", help: "C: optimization level 0, 1, 2 (default), 3, s, z or g" },
  ],
  async run(args) {
    const [source, ...more] = args.positionals;
    if (source === undefined) throw new UsageError("build needs a source file (see --help)");
    const isC = source.endsWith(".c");
    if (more.length > 0 && !(isC && more.every((file) => file.endsWith(".c")))) throw new UsageError("only C builds take several source files, all .c (see --help)");
    const c = { defines: options(args, "D"), includes: options(args, "I"), libs: options(args, "l"), optimize: option(args, "O") };
    const usesC = more.length > 0 || c.defines.length + c.includes.length + c.libs.length > 0 || c.optimize !== undefined;
    const cFlags: CFlags | undefined = usesC ? { sources: more, ...c } : undefined;
    process.stderr.write(`onebox: building ${args.positionals.join(" ")} ...\n`);
    try {
      const result = await buildGuest(source, option(args, "out"), { component: flag(args, "component"), c: cFlags });
      process.stderr.write(`onebox: wrote ${result.out} (${(result.bytes / 1024).toFixed(1)} KiB) in ${Math.round(result.ms)} ms\n`);
      if (flag(args, "json")) console.log(JSON.stringify({ out: result.out, bytes: result.bytes, ms: Math.round(result.ms) }));
      return 0;
    } catch (error) {
      throw new CliError((error as Error).message);
    }
  },
});
