import fs from "node:fs";
import { registerHooks, stripTypeScriptTypes } from "node:module";
import path from "node:path";
import { WIT_WORLD } from "../../abi/wit.ts";
import { importOptional } from "../optional-import.ts";
import { packagePath } from "../package-root.ts";

const witPath = packagePath("abi", "onebox.wit");
/**
 * The files besides a guest's own that a component's bytes depend on, for a cache of built
 * guests: the SDK it bundles, the world, the builder. A guest's other imports are its own.
 */
export const COMPONENT_BUILD_INPUTS: readonly string[] = [
  "guest-sdk/component/onebox.js", "guest-sdk/component/abi.js", "abi/onebox.wit",
  "node_modules/@bytecodealliance/componentize-js/package.json", "host/toolchain/component.ts",
].map((input) => packagePath(...input.split("/")));
/** The onebox ABI is all a component guest imports: no WASI, so none of StarlingMonkey's WASI features. */
const WASI_FEATURES = ["stdio", "random", "clocks", "http", "fetch-event"] as const;

let hooked = false;

/**
 * componentize-js 0.23's bindings import @bytecodealliance/preview2-shim without
 * declaring it; npm installs it only inside jco's own node_modules. Resolve it from there.
 */
function resolvePreview2Shim(): void {
  if (hooked) return;
  let jco: string;
  try {
    jco = import.meta.resolve("@bytecodealliance/jco");
  } catch {
    return; // Without jco there is no componentize-js either (it depends on jco): importOptional names it.
  }
  hooked = true;
  registerHooks({
    resolve: (specifier, context, next) =>
      next(specifier, specifier.startsWith("@bytecodealliance/preview2-shim") ? { ...context, parentURL: jco } : context),
  });
}

/**
 * Build a JavaScript (or TypeScript, types stripped) guest into a component of the onebox
 * world, offline: componentize-js splices the bindings into its bundled SpiderMonkey and
 * runs the module's top level at build time (Wizer). The guest exports `start`.
 */
export async function compileComponent(source: string): Promise<Uint8Array> {
  resolvePreview2Shim();
  const { componentize } = await importOptional<typeof import("@bytecodealliance/componentize-js")>(
    "@bytecodealliance/componentize-js", "@bytecodealliance/componentize-js", "building a component");
  let sourcePath = path.resolve(source);
  let scratch: string | undefined;
  if (source.endsWith(".ts")) {
    // Beside the source, so its relative imports (the SDK) still resolve.
    scratch = path.join(path.dirname(sourcePath), `.${path.basename(source, ".ts")}.${process.pid}.onebox.js`);
    fs.writeFileSync(scratch, stripTypeScriptTypes(fs.readFileSync(sourcePath, "utf8")));
    sourcePath = scratch;
  }
  try {
    const options = {
      sourcePath,
      // Inline rather than by path: the splicer reads files through a WASI shim that sees
      // only its own preopens, so a path outside them is "not found". componentize-js
      // reads witWorld though its types name only witPath.
      witWorld: fs.readFileSync(witPath, "utf8"),
      worldName: WIT_WORLD,
      disableFeatures: [...WASI_FEATURES],
    };
    const { component } = await componentize(options);
    return component;
  } catch (error) {
    throw new Error(`component build failed:\n${(error as Error).message}`);
  } finally {
    if (scratch) fs.rmSync(scratch, { force: true });
  }
}
