import { ABI_SECTION, ABI_VERSION } from "../../abi/abi.ts";

function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** The module with a custom section stating the ABI version it was built for. */
export function stampAbiVersion(module: Uint8Array, version = ABI_VERSION): Uint8Array {
  const name = new TextEncoder().encode(ABI_SECTION);
  const payload = [...uleb(name.byteLength), ...name, ...uleb(version)];
  const section = Uint8Array.from([0, ...uleb(payload.length), ...payload]);
  const out = new Uint8Array(module.byteLength + section.byteLength);
  out.set(module);
  out.set(section, module.byteLength);
  return out;
}
