import fs from "node:fs";

/**
 * A secret or private key, read only if it is safe to use: not empty, and neither readable
 * nor writable by others (mode o+rw). Throws a one-line reason otherwise.
 */
export function readPrivateFile(file: string, what: string): Buffer {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    throw new Error(`cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if ((stat.mode & 0o006) !== 0) throw new Error(`${what} ${file} is accessible to other users (mode ${(stat.mode & 0o777).toString(8)}): chmod o-rw it`);
  const bytes = fs.readFileSync(file);
  if (bytes.byteLength === 0) throw new Error(`${what} ${file} is empty`);
  return bytes;
}

/** Write a secret or key readable by its owner only. */
export function writePrivateFile(file: string, data: string | Uint8Array): void {
  fs.writeFileSync(file, data, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}
