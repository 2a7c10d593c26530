import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const PACKAGES = "rustc cargo libstd-rust-dev-wasm32";
const TARGET = "wasm32-wasi";
const CRATE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../guest-sdk/rust/src/lib.rs");
/** The files besides a guest's own that a Rust build's bytes depend on, for a cache of built guests. */
export const RUST_BUILD_INPUTS: readonly string[] = [CRATE, fileURLToPath(import.meta.url), fileURLToPath(new URL("./abi-section.ts", import.meta.url)), fileURLToPath(new URL("../../abi/abi.ts", import.meta.url))];

/**
 * Debian's rustc and cargo by absolute path, unless the environment names others (tests use
 * this to simulate absence): a rustup toolchain earlier on PATH is not what CI machines have.
 */
function toolchain() {
  return {
    rustc: process.env.ONEBOX_RUSTC ?? "/usr/bin/rustc",
    cargo: process.env.ONEBOX_CARGO ?? "/usr/bin/cargo",
  };
}

const missing = (what: string, pkg: string): Error =>
  new Error(`Rust toolchain incomplete: ${what} not found (Debian package ${pkg}); install it with: apt-get install -y ${PACKAGES}`);

/** The wasm32-wasi std is a separate package: rustc without it fails to find `std`. */
const NO_STD = /can't find crate for `(std|core)`|could not find specification for target/;

/** Run one tool; a tool that is not there is a missing package, anything else is the tool's own report. */
async function tool(file: string, args: readonly string[], pkg: string, step: string, options: { env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  try {
    return (await run(file, args, { maxBuffer: 64 << 20, ...options })).stdout;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === "ENOENT") throw missing(file, pkg);
    const report = (e.stderr ?? "").trim() || e.message;
    if (NO_STD.test(report)) throw missing(`the ${TARGET} standard library`, "libstd-rust-dev-wasm32");
    throw new Error(`${step} failed:\n${report}`);
  }
}

/** Flags every Rust guest is built with: optimised, symbols stripped (std's debug info is megabytes). */
const CODEGEN = ["-C", "opt-level=2", "-C", "strip=symbols"];

/** A crate name rustc accepts, from a file name: `hello-world.rs` is crate `hello_world`. */
const crateName = (file: string): string => path.basename(file, ".rs").replace(/[^A-Za-z0-9_]/g, "_").replace(/^(?=\d)/, "_") || "guest";

/**
 * The onebox crate (guest-sdk/rust), compiled into `dir`, as the rustc flags that let a guest
 * `use onebox::...` without declaring it: it is small, so every build compiles it afresh.
 */
async function oneboxCrate(rustc: string, dir: string): Promise<string[]> {
  const rlib = path.join(dir, "libonebox.rlib");
  await tool(rustc, ["--target", TARGET, "--edition", "2021", "--crate-type", "rlib", "--crate-name", "onebox", ...CODEGEN, CRATE, "-o", rlib], "rustc", "onebox crate compile");
  return ["--extern", `onebox=${rlib}`];
}

/** Compile one Rust file, a binary crate of edition 2021 with the onebox crate, for wasm32-wasi with Debian's rustc. */
export async function compileRust(source: string): Promise<Uint8Array> {
  const t = toolchain();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "onebox-rust-"));
  try {
    const out = path.join(dir, "main.wasm");
    const crate = await oneboxCrate(t.rustc, dir);
    await tool(t.rustc, ["--target", TARGET, "--edition", "2021", "--crate-type", "bin", "--crate-name", crateName(source), ...CODEGEN, ...crate, source, "-o", out], "rustc", "Rust compile");
    return fs.readFileSync(out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The one binary a cargo build produced, from its JSON messages. */
function cargoExecutable(messages: string): string {
  const executables = messages.split("\n").filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { reason?: string; executable?: string | null })
    .filter((m) => m.reason === "compiler-artifact" && typeof m.executable === "string")
    .map((m) => m.executable as string);
  if (executables.length !== 1) throw new Error(`cargo build made ${executables.length} binaries${executables.length ? ` (${executables.map((e) => path.basename(e)).join(", ")})` : ""}: onebox builds a package with exactly one`);
  return executables[0]!;
}

/**
 * Build a Cargo package (a directory holding Cargo.toml) with Debian's cargo, offline, in release
 * mode, for wasm32-wasi, with the onebox crate passed as it is to a single file. The target
 * directory is a scratch one, so nothing is left in the package but cargo's Cargo.lock.
 */
export async function compileCargo(packageDir: string): Promise<Uint8Array> {
  const t = toolchain();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "onebox-cargo-"));
  try {
    // Encoded (0x1f-separated) so a path with spaces stays one argument; it overrides RUSTFLAGS.
    const rustflags = [...CODEGEN, ...(await oneboxCrate(t.rustc, dir))].join("\x1f");
    const env = { ...process.env, RUSTC: t.rustc, CARGO_TARGET_DIR: dir, CARGO_ENCODED_RUSTFLAGS: rustflags };
    const messages = await tool(t.cargo, [
      "build", "--release", "--offline", "--target", TARGET, "--message-format", "json-render-diagnostics",
      "--manifest-path", path.join(packageDir, "Cargo.toml"),
    ], "cargo", "cargo build", { env });
    return fs.readFileSync(cargoExecutable(messages));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
