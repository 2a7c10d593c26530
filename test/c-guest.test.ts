// C guests end to end, the way a user meets them: `onebox build` and `onebox run` as
// subprocesses, checked by their output and exit status.
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CLI = path.join(REPO, "host/cli/main.ts");
const INSTALL = "apt-get install -y clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32";
const skip = spawnSync("clang-14", ["--version"]).error ? `needs the C toolchain: ${INSTALL}` : false;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "onebox-c-guest-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Ran {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function onebox(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: REPO, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const built = new Map<string, Promise<string>>();

/** Build a C example once with `onebox build` into the scratch directory; the module's path. */
function build(source: string): Promise<string> {
  let module = built.get(source);
  if (!module) {
    const out = path.join(dir, source.replace(/[\\/]/g, "_").replace(/\.c$/, ".wasm"));
    module = onebox(["build", source, "-o", out]).then((ran) => {
      assert.equal(ran.status, 0, ran.stderr);
      assert.match(ran.stderr, /onebox: wrote .* KiB/);
      return out;
    });
    built.set(source, module);
  }
  return module;
}

test("hello-c prints its pid and exits 0", { skip }, async () => {
  const ran = await onebox(["run", "--root", dir, await build("examples/hello-c/main.c")]);
  assert.deepEqual(ran, { status: 0, stdout: ran.stdout, stderr: "" });
  assert.match(ran.stdout, /^hello from pid [1-9]\d*\n$/);
});

test("pingpong-c pairs with a copy of itself", { skip }, async () => {
  const ran = await onebox(["run", "--root", dir, await build("examples/pingpong-c/main.c"), "200"]);
  assert.equal(ran.status, 0, ran.stderr);
  assert.match(ran.stdout, /^200 round trips, mean \d+\.\d\d us\n$/);
});

test("a C guest's exit status is the status of onebox run", { skip }, async () => {
  const ran = await onebox(["run", "--root", dir, await build("examples/pingpong-c/main.c"), "not-a-number"]);
  assert.equal(ran.status, 2);
  assert.match(ran.stderr, /^usage: pingpong/);
});

test("wasi-libc's lseek and close act on onebox descriptors; stdout cannot seek and is line-buffered", { skip }, async () => {
  const source = path.join(dir, "posix-files.c");
  fs.writeFileSync(source, `#include <onebox.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
int main(void) {
  int fd = onebox_open("/seek.txt", ONEBOX_O_READ | ONEBOX_O_WRITE | ONEBOX_O_CREATE | ONEBOX_O_TRUNC);
  onebox_write(fd, "abcdef", 6);
  char buf[8] = {0};
  printf("lseek %lld\\n", (long long)lseek(fd, 2, SEEK_SET));
  printf("read %d %s\\n", onebox_read(fd, buf, sizeof buf - 1), buf);
  printf("lseek end %lld\\n", (long long)lseek(fd, -1, SEEK_END));
  printf("bad pointer %s\\n", onebox_errno_name(onebox_sys_fd_seek(fd, 0, SEEK_SET, (void *)0xfffffff0)));
  printf("stdout lseek %lld %d\\n", (long long)lseek(1, 0, SEEK_SET), errno == ESPIPE);
  printf("close %d\\n", close(fd));
  printf("close again %d %d\\n", close(fd), errno == EBADF);
  printf("read after close %s\\n", onebox_errno_name(onebox_read(fd, buf, 1)));
  printf("line-buffered\\n");
  onebox_exit(0);
}
`);
  const module = path.join(dir, "posix-files.wasm");
  assert.equal((await onebox(["build", source, "-o", module])).status, 0);
  const ran = await onebox(["run", "--root", dir, module]);
  assert.equal(ran.status, 0, ran.stderr);
  assert.deepEqual(ran.stdout.split("\n"), [
    "lseek 2", "read 4 cdef", "lseek end 5", "bad pointer EFAULT", "stdout lseek -1 1", "close 0", "close again -1 1", "read after close EBADF", "line-buffered", "",
  ]);
});

test("a C compile error is reported with clang's diagnostic", { skip }, async () => {
  const source = path.join(dir, "broken.c");
  fs.writeFileSync(source, "int main(void) { return missing; }\n");
  const built = await onebox(["build", source]);
  assert.equal(built.status, 1);
  assert.match(built.stderr, /C compile failed:[\s\S]*broken\.c:1:\d+: error: use of undeclared identifier 'missing'/);
});

test("several C files build into one program with -D, -I and -O, and wasi-libc's 128-bit arithmetic links (compiler-rt)", { skip }, async () => {
  const sub = fs.mkdtempSync(path.join(dir, "multi-"));
  fs.mkdirSync(path.join(sub, "inc"));
  fs.writeFileSync(path.join(sub, "inc", "helper.h"), "int helper(int);\n");
  fs.writeFileSync(path.join(sub, "helper.c"), "#include <helper.h>\nint helper(int x) { return x * MULT; }\n");
  fs.writeFileSync(path.join(sub, "main.c"), `#include <helper.h>
#include <stdio.h>
#include <stdlib.h>
int main(void) {
  int a = 0, b = 0;
  sscanf("3 4", "%d %d", &a, &b);
  printf("%lu %ld %d %d %d\\n", strtoul("4000000000", 0, 10), strtol("-77", 0, 10), a, b, helper(2));
  return 0;
}
`);
  const module = path.join(sub, "main.wasm");
  const built = await onebox(["build", path.join(sub, "main.c"), path.join(sub, "helper.c"), "-DMULT=21", "-I", path.join(sub, "inc"), "-O1", "-o", module]);
  assert.equal(built.status, 0, built.stderr);
  const ran = await onebox(["run", "--root", dir, module]);
  assert.equal(ran.status, 0, ran.stderr);
  assert.equal(ran.stdout, "4000000000 -77 3 4 42\n");
});

test("a failed C link shows wasm-ld's message and the emulation library that has the symbol", { skip }, async () => {
  const source = path.join(dir, "clock.c");
  fs.writeFileSync(source, "#include <time.h>\nint main(void) { return clock() < 0; }\n");
  const built = await onebox(["build", source, "-o", path.join(dir, "clock.wasm")]);
  assert.equal(built.status, 1);
  assert.match(built.stderr, /C link failed:\n.*undefined symbol: clock\n.*hint: build with -D_WASI_EMULATED_PROCESS_CLOCKS -lwasi-emulated-process-clocks/);
  const fixed = await onebox(["build", source, "-D_WASI_EMULATED_PROCESS_CLOCKS", "-lwasi-emulated-process-clocks", "-o", path.join(dir, "clock.wasm")]);
  assert.equal(fixed.status, 0, fixed.stderr);
});

test("a missing C toolchain is one line naming the Debian packages", async () => {
  const empty = fs.mkdtempSync(path.join(dir, "no-tools-"));
  const noClang = await onebox(["build", "examples/hello-c/main.c", "-o", path.join(dir, "x.wasm")], { ...process.env, PATH: empty });
  const noLibc = await onebox(["build", "examples/hello-c/main.c", "-o", path.join(dir, "x.wasm")], { ...process.env, ONEBOX_WASI_SYSROOT: empty });
  for (const [ran, pkg] of [[noClang, "clang-14"], [noLibc, "wasi-libc"]] as const) {
    assert.equal(ran.status, 1);
    const lines = ran.stderr.trim().split("\n");
    assert.match(lines.at(-1)!, new RegExp(`^onebox: C toolchain incomplete: .* \\(Debian package ${pkg}\\); install the toolchain with: ${INSTALL}$`));
    assert.equal(lines.filter((line) => line.includes("toolchain")).length, 1);
  }
});
