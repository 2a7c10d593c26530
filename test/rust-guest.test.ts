// Rust guests end to end, the way a user meets them: `onebox build` (Debian's rustc and cargo)
// and `onebox run` as subprocesses, checked by their output and exit status.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { onebox } from "./helpers/cli.ts";
import { tempDir } from "./helpers/guests.ts";

const INSTALL = "apt-get install -y rustc cargo libstd-rust-dev-wasm32";
const skip = fs.existsSync("/usr/bin/rustc") && fs.existsSync("/usr/lib/rustlib/wasm32-wasi") ? false : `needs the Rust toolchain: ${INSTALL}`;
const dir = tempDir("onebox-rust-guest");

const built = new Map<string, Promise<string>>();

/** Build `source` once with `onebox build` into the scratch directory as NAME.wasm; the module's path. */
function build(source: string, name: string): Promise<string> {
  let module = built.get(name);
  if (!module) {
    const out = path.join(dir, `${name}.wasm`);
    module = onebox(["build", source, "-o", out]).then((ran) => {
      assert.equal(ran.code, 0, ran.stderr);
      assert.match(ran.stderr, /onebox: wrote .* KiB/);
      return out;
    });
    built.set(name, module);
  }
  return module;
}

test("hello-rust prints its pid and exits 0", { skip }, async () => {
  const ran = await onebox(["run", "--root", dir, await build("examples/hello-rust/main.rs", "hello-rust")]);
  assert.deepEqual(ran, { code: 0, stdout: ran.stdout, stderr: "" });
  assert.match(ran.stdout, /^hello from pid [1-9]\d*\n$/);
});

test("pingpong-rust pairs with a copy of itself, and with the AssemblyScript ponger", { skip }, async () => {
  const [rust] = await Promise.all([build("examples/pingpong-rust/main.rs", "pingpong-rust"), build("examples/pingpong/main.ts", "pingpong-as")]);
  // --root is `dir`, where build writes: the AssemblyScript module is /pingpong-as.wasm in the namespace.
  for (const peer of [[], ["/pingpong-as.wasm"]]) {
    const ran = await onebox(["run", "--root", dir, rust, "200", ...peer]);
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stdout, /^200 round trips, mean \d+\.\d\d us\n$/);
  }
});

test("a Rust guest's exit status is the status of onebox run", { skip }, async () => {
  const ran = await onebox(["run", "--root", dir, await build("examples/pingpong-rust/main.rs", "pingpong-rust"), "not-a-number"]);
  assert.equal(ran.code, 2);
  assert.match(ran.stderr, /^usage: pingpong/);
});

test("a Rust file with std's println and args builds and runs", { skip }, async () => {
  const source = path.join(dir, "args-echo.rs");
  fs.writeFileSync(source, `fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    println!("{} args: {}", args.len(), args.join(","));
    std::process::exit(args.len() as i32);
}
`);
  const ran = await onebox(["run", "--root", dir, await build(source, "args-echo"), "a", "b c"]);
  assert.deepEqual(ran, { code: 2, stdout: "2 args: a,b c\n", stderr: "" });
});

test("a Cargo package without dependencies builds offline with Debian's cargo, and uses the onebox crate undeclared", { skip }, async () => {
  const pkg = path.join(dir, "cargo-pkg");
  fs.mkdirSync(path.join(pkg, "src"), { recursive: true });
  fs.writeFileSync(path.join(pkg, "Cargo.toml"), '[package]\nname = "cargo-pkg"\nversion = "0.1.0"\nedition = "2021"\n');
  fs.writeFileSync(path.join(pkg, "src/main.rs"), 'mod greeting;\nfn main() { println!("{} {}", greeting::TEXT, onebox::getpid() > 0); }\n');
  fs.writeFileSync(path.join(pkg, "src/greeting.rs"), 'pub const TEXT: &str = "hello from a cargo package";\n');
  const ran = await onebox(["run", "--root", dir, await build(pkg, "cargo-pkg")]);
  assert.deepEqual(ran, { code: 0, stdout: "hello from a cargo package true\n", stderr: "" });
  assert.ok(!fs.existsSync(path.join(pkg, "target")), "the build leaves no target/ in the package");
});

test("a panic is a trap: its message on stderr, status 134", { skip }, async () => {
  const source = path.join(dir, "panics.rs");
  fs.writeFileSync(source, 'fn main() {\n    println!("before");\n    let empty: Vec<u32> = Vec::new();\n    println!("{}", empty[std::env::args().count()]);\n}\n');
  const ran = await onebox(["run", "--root", dir, await build(source, "panics")]);
  assert.equal(ran.code, 134);
  assert.equal(ran.stdout, "before\n");
  assert.match(ran.stderr, /^thread 'main' panicked at 'index out of bounds: the len is 0 but the index is 1'/);
  assert.match(ran.stderr, /ended: trap: unreachable\n$/);
});

test("a directory that is not a Cargo package is refused in one line", async () => {
  const plain = path.join(dir, "plain-dir");
  fs.mkdirSync(plain);
  const built = await onebox(["build", plain]);
  assert.equal(built.code, 1);
  assert.equal(built.stderr.trim().split("\n").at(-1), `onebox: cannot build ${plain}: a directory is built only as a Cargo package (with a Cargo.toml)`);
});

test("a Rust compile error is reported with rustc's diagnostic", { skip }, async () => {
  const source = path.join(dir, "broken.rs");
  fs.writeFileSync(source, "fn main() { missing(); }\n");
  const built = await onebox(["build", source]);
  assert.equal(built.code, 1);
  assert.match(built.stderr, /Rust compile failed:[\s\S]*error\[E0425\]: cannot find function `missing`/);
});

test("a missing Rust toolchain is one line naming the Debian packages", async () => {
  const source = path.join(dir, "absent.rs");
  fs.writeFileSync(source, "fn main() {}\n");
  const pkg = path.join(dir, "absent-pkg");
  fs.mkdirSync(pkg);
  fs.writeFileSync(path.join(pkg, "Cargo.toml"), '[package]\nname = "absent"\nversion = "0.1.0"\n');
  const nowhere = path.join(dir, "no-such-tool");
  // Debian's rustc looking in an empty sysroot: as if libstd-rust-dev-wasm32 were not installed.
  const noStd = path.join(dir, "rustc-without-std");
  fs.writeFileSync(noStd, `#!/bin/sh\nexec /usr/bin/rustc --sysroot ${JSON.stringify(path.join(dir, "empty-sysroot"))} "$@"\n`, { mode: 0o755 });
  const out = ["-o", path.join(dir, "x.wasm")];
  const noRustc = await onebox(["build", source, ...out], undefined, { ...process.env, ONEBOX_RUSTC: nowhere });
  const noCargo = await onebox(["build", pkg, ...out], undefined, { ...process.env, ONEBOX_CARGO: nowhere });
  const noWasmStd = await onebox(["build", source, ...out], undefined, { ...process.env, ONEBOX_RUSTC: noStd });
  for (const [ran, pkgName] of [[noRustc, "rustc"], [noCargo, "cargo"], ...(skip ? [] : [[noWasmStd, "libstd-rust-dev-wasm32"] as const])] as const) {
    assert.equal(ran.code, 1);
    const lines = ran.stderr.trim().split("\n");
    assert.match(lines.at(-1)!, new RegExp(`^onebox: Rust toolchain incomplete: .* \\(Debian package ${pkgName}\\); install it with: ${INSTALL}$`));
    assert.equal(lines.filter((line) => line.includes("toolchain")).length, 1);
  }
});
