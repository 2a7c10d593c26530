import path from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";

const sdkPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../guest-sdk/assemblyscript");

/**
 * Compile an AssemblyScript guest. The SDK resolves as the package "onebox"; top-level
 * statements become `_start` so they run under the host's scheduler, not at instantiation.
 */
export async function compileAssemblyScript(source: string): Promise<Uint8Array> {
  let binary: Uint8Array | undefined;
  let diagnostics = "";
  const { error } = await asc.main(
    [
      source,
      "--outFile", "out.wasm",
      "--path", sdkPath,
      "--exportStart", "_start",
      "--use", "abort=~lib/onebox/index/onebox_abort",
      "--runtime", "incremental",
      "--optimizeLevel", "3",
      "--shrinkLevel", "0",
    ],
    {
      writeFile(name, contents) {
        if (name.endsWith(".wasm")) binary = contents as Uint8Array;
      },
      stderr: { write: (chunk) => void (diagnostics += chunk.toString()) },
      stdout: { write: () => {} },
    },
  );
  if (error || !binary) throw new Error(`AssemblyScript compile failed:\n${diagnostics.trim() || error?.message}`);
  return binary;
}
