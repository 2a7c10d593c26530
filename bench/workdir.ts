import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { minimalModuleBytes } from "./floors/modules.ts";

/** Names inside the work directory, which is a node's export root. */
export const FILE_4K = "file4k";
export const MINIMAL_MODULE = "minimal.wasm";

/** A fresh scratch directory holding the 4 KiB file and the minimal module. */
export function makeWorkdir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "onebox-bench-"));
  fs.writeFileSync(path.join(dir, FILE_4K), randomBytes(4096));
  fs.writeFileSync(path.join(dir, MINIMAL_MODULE), minimalModuleBytes());
  return dir;
}
