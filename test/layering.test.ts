import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Every .ts file under `dir`, recursively. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sources(path) : entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The repository-relative paths a file imports (static and dynamic), packages and node: builtins left out. */
function localImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*)"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1]!);
  return specifiers.map((s) => relative(ROOT, resolve(dirname(file), s)));
}

/**
 * The kernel is the bottom of the host: it may use the ABI, the clock and itself (and the
 * optional-dependency loader), never the mesh (host/transport) or the cluster above it.
 * Remote work reaches it through the Router and Coordinator interfaces it defines.
 */
const KERNEL_MAY_IMPORT = [/^abi\//, /^host\/kernel\//, /^host\/clock\//, /^host\/optional-import\.ts$/];

test("host/kernel imports only abi/, host/clock/ and itself", () => {
  const offending = sources(join(ROOT, "host", "kernel")).flatMap((file) =>
    localImports(file)
      .filter((target) => !KERNEL_MAY_IMPORT.some((allowed) => allowed.test(target)))
      .map((target) => `${relative(ROOT, file)} -> ${target}`),
  );
  assert.deepEqual(offending, []);
});

test("host/clock imports nothing local: it is below the kernel and the mesh", () => {
  const offending = sources(join(ROOT, "host", "clock")).flatMap((file) =>
    localImports(file).filter((target) => !target.startsWith("host/clock/")).map((target) => `${relative(ROOT, file)} -> ${target}`),
  );
  assert.deepEqual(offending, []);
});
