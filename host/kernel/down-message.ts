import { LAYOUTS } from "../../abi/abi.ts";
import { reasonCode, type ExitInfo } from "./errors.ts";
import { encodeUtf8 } from "./guest-memory.ts";

const DOWN = LAYOUTS.down_message;

/** The payload of a monitor's TAG_DOWN message and of a link's TAG_EXIT message: who ended, and why. */
export function encodeDown(pid: number, info: ExitInfo): Uint8Array {
  const text = encodeUtf8(info.text);
  const data = new Uint8Array(DOWN.size + text.byteLength);
  const view = new DataView(data.buffer);
  view.setInt32(DOWN.fields.pid.offset, pid, true);
  view.setInt32(DOWN.fields.reason.offset, reasonCode(info.reason), true);
  view.setInt32(DOWN.fields.status.offset, info.status, true);
  data.set(text, DOWN.size);
  return data;
}
