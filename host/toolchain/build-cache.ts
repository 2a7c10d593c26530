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
    // Another process may prune the same directory: a file gone since the listing is skipped.
    .flatMap((name) => {
      const file = path.join(dir, name);
      const stat = fs.statSync(file, { throwIfNoEntry: false });
      return stat ? [{ file, mtime: stat.mtimeMs }] : [];
    })
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of modules.slice(CACHED_BUILDS_PER_LABEL)) fs.rmSync(old.file, { force: true });
}

/** The cached module's bytes, or undefined when it is not there (never built, or pruned). */
function readCached(file: string): Uint8Array | undefined {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * The module built from `source`, kept in the onebox cache (under `label`) by the hash of
 * `source` and `inputs`, every other file its bytes depend on: a slow build is paid once
 * for as long as none of them changes. Returns the bytes, read at once, so a concurrent
 * run's pruning cannot take the file away from a caller.
 */
export async function cachedBuild(source: string, inputs: readonly string[], label: string, onBuild?: () => void): Promise<Uint8Array> {
  const hash = createHash("sha256");
  for (const input of [source, ...inputs]) hash.update(`${path.basename(input)}\0`).update(fs.readFileSync(input));
  const cached = path.join(componentCacheDir(), label, `${hash.digest("hex")}.wasm`);
  const hit = readCached(cached);
  if (hit) return hit;
  onBuild?.();
  const tmp = `${cached}.${process.pid}.tmp`;
  await buildGuest(source, tmp);
  const bytes = fs.readFileSync(tmp);
  // Renamed into place, so a concurrent run never reads half a file.
  fs.renameSync(tmp, cached);
  prune(path.dirname(cached));
  return bytes;
}
