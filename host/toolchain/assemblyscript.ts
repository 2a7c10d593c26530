import fs from "node:fs";
import path from "node:path";
import { importOptional } from "../optional-import.ts";
import { packagePath } from "../package-root.ts";

const sdkPath = packagePath("guest-sdk", "assemblyscript");

/**
 * The SDK holds the abort handler `--use abort=` names, so every guest must include it,
 * even one that never imports it: the entry file gets a trailing side-effect import
 * (trailing, so diagnostics keep their line numbers).
 */
function readSource(entry: string) {
  return (name: string, baseDir: string): string | null => {
    const file = path.resolve(baseDir, name);
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      return null;
    }
    return file === entry ? `${text}\nimport "onebox";\n` : text;
  };
}

/**
 * Compile an AssemblyScript guest. The SDK resolves as the package "onebox"; top-level
 * statements become `_start` so they run under the host's scheduler, not at instantiation.
 */
export async function compileAssemblyScript(source: string): Promise<Uint8Array> {
  let binary: Uint8Array | undefined;
  let diagnostics = "";
  const { default: asc } = await importOptional<typeof import("assemblyscript/asc")>("assemblyscript/asc", "assemblyscript", "building AssemblyScript");
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
      readFile: readSource(path.resolve(source)),
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
