// Guest programs for tests, built with the real `onebox build` path once per test file.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildGuest } from "../../host/toolchain/build.ts";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const scratch: string[] = [];
process.on("exit", () => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory, removed when the test process exits. */
export function tempDir(label = "onebox-test"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${label}-`));
  scratch.push(dir);
  return dir;
}

const built = new Map<string, Promise<string>>();
let outDir: string | undefined;

/** Path of the module built from `source` (relative to the repo), building it on first use. */
export function buildOnce(source: string): Promise<string> {
  let module = built.get(source);
  if (!module) {
    outDir ??= tempDir("onebox-guests");
    const out = path.join(outDir, source.replace(/[\\/]/g, "_").replace(/\.ts$/, ".wasm"));
    module = buildGuest(path.join(REPO, source), out).then((result) => result.out);
    built.set(source, module);
  }
  return module;
}

/** A test guest from test/guests/NAME.ts. */
export const guest = (name: string): Promise<string> => buildOnce(`test/guests/${name}.ts`);
