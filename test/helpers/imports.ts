// What a built module imports, with wasm signatures, against what abi/abi.ts says each
// call's signature is: the SDK tests (C header, Rust crate) check their declarations by it.
import { execFileSync } from "node:child_process";
import type { Syscall } from "../../abi/abi.ts";

export interface Signature {
  readonly parameters: string[];
  readonly results: string[];
}

/** `module.name` -> signature of every import of the module at `wasm`. */
export function importSignatures(wasm: string): Map<string, Signature> {
  // Import signatures are visible to JS only behind this V8 flag.
  const listed = execFileSync(process.execPath, [
    "--experimental-wasm-type-reflection", "--input-type=module", "-e",
    `import fs from "node:fs"; console.log(JSON.stringify(WebAssembly.Module.imports(new WebAssembly.Module(fs.readFileSync(${JSON.stringify(wasm)})))));`,
  ], { encoding: "utf8" });
  const imports = JSON.parse(listed) as { module: string; name: string; type: Signature }[];
  return new Map(imports.map((i) => [`${i.module}.${i.name}`, i.type]));
}

/** The wasm signature the ABI gives a call. */
export const abiSignature = (s: Syscall): Signature => ({
  parameters: s.params.map((p) => (p.kind === "i64" ? "i64" : "i32")),
  results: s.returns === "never" ? [] : ["i32"],
});
