import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { ABI_VERSION } from "../../abi/abi.ts";
import { packagePath } from "../package-root.ts";

const run = promisify(execFile);
const sdkPath = packagePath("guest-sdk", "c");
const PACKAGES = "clang-14 lld-14 wasi-libc";

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

/** Run one tool; a tool that is not there is a missing package, anything else is the tool's own report. */
async function tool(file: string, args: readonly string[], pkg: string, step: string): Promise<void> {
  try {
    await run(file, args, { maxBuffer: 16 << 20 });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === "ENOENT") throw missing(file, pkg);
    throw new Error(`${step} failed:\n${(e.stderr ?? "").trim() || e.message}`);
  }
}

/**
 * Compile a C guest with clang for wasm32-wasi and link it with wasi-libc's command crt:
 * wasm-ld then exports its `_start` (which calls main) and the memory, as the host needs. The link is wasm-ld's own rather
 * than clang's driver, which would also demand compiler-rt's wasm builtins: a package
 * outside the three the set-up installs, and not needed by wasi-libc or plain C.
 */
export async function compileC(source: string): Promise<Uint8Array> {
  const t = toolchain();
  const crt = path.join(t.libDir, "crt1-command.o");
  if (!fs.existsSync(crt)) throw missing(`wasi-libc (${crt})`, "wasi-libc");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "onebox-c-"));
  try {
    const object = path.join(dir, "main.o");
    const out = path.join(dir, "main.wasm");
    await tool(t.clang, [
      "--target=wasm32-wasi", `--sysroot=${t.sysroot}`, "-O2", "-std=c11", "-Wall",
      "-I", sdkPath, `-DONEBOX_BUILD_ABI_VERSION=${ABI_VERSION}`,
      "-c", source, "-o", object,
    ], "clang-14", "C compile");
    await tool(t.wasmLd, ["-m", "wasm32", "-L", t.libDir, crt, object, "-lc", "-o", out], "lld-14", "C link");
    return fs.readFileSync(out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
