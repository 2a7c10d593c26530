import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where the package's shipped files (abi/, guest-sdk/, examples/, bench/guests/) are:
 * the repository when running from source (this file is host/package-root.ts), the
 * package's directory when built (dist/host/package-root.js). One place knows the layout.
 */
const above = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const PACKAGE_ROOT = path.basename(above) === "dist" ? path.dirname(above) : above;

/** A path inside the package: `packagePath("abi", "wire.proto")`. */
export const packagePath = (...parts: string[]): string => path.join(PACKAGE_ROOT, ...parts);

/**
 * The entry point `name` beside the module at `moduleUrl`, with that module's extension:
 * main.ts from source, main.js when built. For scripts spawned as their own process.
 */
export function besideModule(moduleUrl: string, name: string): string {
  const file = fileURLToPath(moduleUrl);
  return path.join(path.dirname(file), name + path.extname(file));
}
