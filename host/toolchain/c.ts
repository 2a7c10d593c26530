import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { ABI_VERSION } from "../../abi/abi.ts";
import { packagePath } from "../package-root.ts";

const run = promisify(execFile);
const sdkPath = packagePath("guest-sdk", "c");
const PACKAGES = "clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32";

/** What a user may add to a C build, as the compiler's own flags say it. */
export interface CFlags {
  /** More .c files compiled and linked with the first. */
  readonly sources?: readonly string[];
  /** -D NAME or NAME=VALUE. */
  readonly defines?: readonly string[];
  /** -I directories. */
  readonly includes?: readonly string[];
  /** -l libraries, e.g. wasi-emulated-process-clocks or m. */
  readonly libs?: readonly string[];
  /** The level after -O: 0, 1, 2, 3, s or z (default 2). */
  readonly optimize?: string;
}

const OPT_LEVELS = new Set(["0", "1", "2", "3", "s", "z", "g"]);

/** The tools, from Debian's packages unless the environment names others (tests use this to simulate absence). */
function toolchain() {
  const sysroot = process.env.ONEBOX_WASI_SYSROOT ?? "/usr";
  return {
    clang: process.env.ONEBOX_CLANG ?? "clang-14",
    wasmLd: process.env.ONEBOX_WASM_LD ?? "wasm-ld-14",
    sysroot,
    libDir: path.join(sysroot, "lib/wasm32-wasi"),
  };
}

function missing(what: string, pkg: string): Error {
  return new Error(`C toolchain incomplete: ${what} not found (Debian package ${pkg}); install the toolchain with: apt-get install -y ${PACKAGES}`);
}

/**
 * Hints for undefined symbols that one of wasi-libc's emulation libraries provides:
 * wasm-ld names the symbol but not the library, and the header's own hint only shows
 * when the matching -D is missing too.
 */
const EMULATED: readonly [RegExp, string][] = [
  [/undefined symbol: (clock|times|getrusage)\b/, "-D_WASI_EMULATED_PROCESS_CLOCKS -lwasi-emulated-process-clocks"],
  [/undefined symbol: (signal|raise|sigaction)\b/, "-D_WASI_EMULATED_SIGNAL -lwasi-emulated-signal"],
  [/undefined symbol: (mmap|munmap)\b/, "-D_WASI_EMULATED_MMAN -lwasi-emulated-mman"],
  [/undefined symbol: getpid\b/, "-D_WASI_EMULATED_GETPID -lwasi-emulated-getpid"],
];

function hints(stderr: string): string {
  const found = EMULATED.filter(([pattern]) => pattern.test(stderr)).map(([, flags]) => `hint: build with ${flags}`);
  return found.length ? `\n${found.join("\n")}` : "";
}

/** Run one tool and return its stdout; a tool that is not there is a missing package, anything else is the tool's own report. */
async function tool(file: string, args: readonly string[], pkg: string, step: string): Promise<string> {
  try {
    return (await run(file, args, { maxBuffer: 16 << 20 })).stdout;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === "ENOENT") throw missing(file, pkg);
    const stderr = (e.stderr ?? "").trim();
    throw new Error(`${step} failed:\n${stderr || e.message}${hints(stderr)}`);
  }
}

/** compiler-rt's builtins archive for wasm32, where clang itself would look for it. */
async function builtins(clang: string): Promise<string> {
  const archive = (await tool(clang, ["--target=wasm32-wasi", "--rtlib=compiler-rt", "-print-libgcc-file-name"], "clang-14", "clang")).trim();
  if (!fs.existsSync(archive)) throw missing(`compiler-rt builtins (${archive})`, "libclang-rt-14-dev-wasm32");
  return archive;
}

function compileArgs(t: ReturnType<typeof toolchain>, flags: CFlags): string[] {
  const level = flags.optimize ?? "2";
  if (!OPT_LEVELS.has(level)) throw new Error(`-O${level}: the levels are -O0, -O1, -O2, -O3, -Os, -Oz, -Og`);
  return [
    "--target=wasm32-wasi", `--sysroot=${t.sysroot}`, `-O${level}`, "-std=c11", "-Wall",
    "-I", sdkPath, `-DONEBOX_BUILD_ABI_VERSION=${ABI_VERSION}`,
    ...(flags.includes ?? []).flatMap((dir) => ["-I", dir]),
    ...(flags.defines ?? []).map((define) => `-D${define}`),
  ];
}

/**
 * Compile C sources with clang for wasm32-wasi and link them with wasi-libc's command
 * crt: wasm-ld then exports `_start` (which calls main) and the memory, as the host needs.
 * wasi-libc itself calls compiler-rt's builtins (128-bit multiply in strtoul and
 * nanosleep, long double in printf), so they are linked last, after the user's -l
 * libraries and libc.
 */
export async function compileC(source: string, flags: CFlags = {}): Promise<Uint8Array> {
  const t = toolchain();
  const crt = path.join(t.libDir, "crt1-command.o");
  if (!fs.existsSync(crt)) throw missing(`wasi-libc (${crt})`, "wasi-libc");
  const rt = await builtins(t.clang);
  const args = compileArgs(t, flags);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "onebox-c-"));
  try {
    const sources = [source, ...(flags.sources ?? [])];
    const objects = await Promise.all(sources.map(async (file, i) => {
      const object = path.join(dir, `${i}-${path.basename(file, ".c")}.o`);
      await tool(t.clang, [...args, "-c", file, "-o", object], "clang-14", "C compile");
      return object;
    }));
    const out = path.join(dir, "main.wasm");
    const libs = (flags.libs ?? []).map((lib) => `-l${lib}`);
    await tool(t.wasmLd, ["-m", "wasm32", "-L", t.libDir, crt, ...objects, ...libs, "-lc", rt, "-o", out], "lld-14", "C link");
    return fs.readFileSync(out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
