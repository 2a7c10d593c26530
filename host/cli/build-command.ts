import type { CFlags } from "../toolchain/c.ts";
import { buildGuest } from "../toolchain/build.ts";
import { CliError, flag, option, parseArgs, type Command, UsageError } from "./command.ts";

/** The compiler's own short flags: -DNAME, -D NAME, -Idir, -lname, -O2. */
const C_FLAG = /^-([DIlO])(.*)$/s;

/** Take the C compiler flags out of argv, leaving onebox's own options and the sources. */
function splitCFlags(argv: readonly string[]): { rest: string[]; defines: string[]; includes: string[]; libs: string[]; optimize?: string } {
  const rest: string[] = [];
  const found = { D: [] as string[], I: [] as string[], l: [] as string[], O: [] as string[] };
  for (let i = 0; i < argv.length; i++) {
    const match = argv[i]!.match(C_FLAG);
    if (!match) {
      rest.push(argv[i]!);
      continue;
    }
    const letter = match[1] as keyof typeof found;
    const value = match[2] !== "" || letter === "O" ? match[2]! : argv[++i];
    if (value === undefined) throw new CliError(`-${letter} needs a value`);
    found[letter].push(value === "" ? "1" : value);
  }
  return { rest, defines: found.D, includes: found.I, libs: found.l, optimize: found.O.at(-1) };
}

export const buildCommand: Command = {
  help: `usage: onebox build FILE.ts|FILE.c... |FILE.rs|CARGO_DIR|FILE.js [--component] [-o OUT.wasm]
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
The output defaults to FILE.wasm (CARGO_DIR.wasm) next to the (first) source.

options:
  -o, --out FILE   where to write the module
  --component      build a .ts file as a JavaScript component, not AssemblyScript
  --json           print {"out", "bytes", "ms"} on stdout once built
  -D NAME[=VALUE]  C: define a macro (repeatable)
  -I DIR           C: add an include directory (repeatable)
  -l LIB           C: link a library from wasi-libc's directory (repeatable), e.g.
                   -lwasi-emulated-process-clocks with -D_WASI_EMULATED_PROCESS_CLOCKS
                   for clock(), or -lm
  -O LEVEL         C: optimization level 0, 1, 2 (default), 3, s, z or g
  -h, --help       show this help`,
  async run(argv) {
    const c = splitCFlags(argv.map((a) => (a === "-o" ? "--out" : a)));
    const args = parseArgs(c.rest, { values: ["out"], flags: ["component", "json"] });
    const [source, ...more] = args.positionals;
    if (source === undefined) throw new UsageError("build needs a source file (see --help)");
    const isC = source.endsWith(".c");
    if (more.length > 0 && !(isC && more.every((file) => file.endsWith(".c")))) throw new UsageError("only C builds take several source files, all .c (see --help)");
    const usesC = more.length > 0 || c.defines.length + c.includes.length + c.libs.length > 0 || c.optimize !== undefined;
    const cFlags: CFlags | undefined = usesC ? { sources: more, defines: c.defines, includes: c.includes, libs: c.libs, optimize: c.optimize } : undefined;
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
};
