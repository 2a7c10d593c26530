import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { componentCacheDir } from "../kernel/component-loader.ts";
import { buildGuest } from "./build.ts";

/** Modules kept per label: a build for new inputs drops the least recently built beyond these. */
export const CACHED_BUILDS_PER_LABEL = 4;

/** Remove all but the newest CACHED_BUILDS_PER_LABEL modules of a label's directory. */
function prune(dir: string): void {
  const modules = fs.readdirSync(dir).filter((name) => name.endsWith(".wasm"))
    .map((name) => ({ file: path.join(dir, name), mtime: fs.statSync(path.join(dir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of modules.slice(CACHED_BUILDS_PER_LABEL)) fs.rmSync(old.file, { force: true });
}

/**
 * The module built from `source`, kept in the onebox cache (under `label`) by the hash of
 * `source` and `inputs`, every other file its bytes depend on: a slow build is paid once
 * for as long as none of them changes. Returns the cached module's path.
 */
export async function cachedBuild(source: string, inputs: readonly string[], label: string, onBuild?: () => void): Promise<string> {
  const hash = createHash("sha256");
  for (const input of [source, ...inputs]) hash.update(`${path.basename(input)}\0`).update(fs.readFileSync(input));
  const cached = path.join(componentCacheDir(), label, `${hash.digest("hex")}.wasm`);
  if (fs.existsSync(cached)) return cached;
  onBuild?.();
  const tmp = `${cached}.${process.pid}.tmp`;
  await buildGuest(source, tmp);
  // Renamed into place, so a concurrent run never reads half a file.
  fs.renameSync(tmp, cached);
  prune(path.dirname(cached));
  return cached;
}
