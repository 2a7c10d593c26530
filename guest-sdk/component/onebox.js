// The onebox guest SDK for JavaScript components. The calls are the WIT import's own
// (abi/onebox.wit, camelCase: whereis, writeOutput, ...): a failed call throws an error
// whose .payload names the errno ("esrch"). This file adds text and message helpers.
// Import it relatively; `onebox build guest.js` bundles it into the component.
import * as sys from "onebox:guest/sys@1.0.0";
import { DOWN_MESSAGE_PID_OFFSET, DOWN_MESSAGE_REASON_OFFSET, DOWN_MESSAGE_SIZE, DOWN_MESSAGE_STATUS_OFFSET, TAG_DOWN, TAG_EXIT } from "./abi.js";

export * from "./abi.js";
export { sys };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const bytes = (text) => encoder.encode(text);
export const text = (data) => decoder.decode(data);

/** Print a line to stdout. */
export const print = (line) => sys.writeOutput(1, bytes(`${line}\n`));
/** Print a line to stderr. */
export const eprint = (line) => sys.writeOutput(2, bytes(`${line}\n`));

/** The errno name a failed call threw ("esrch"), or rethrow what is not a call's failure. */
export function errnoOf(error) {
  if (error && typeof error.payload === "string") return error.payload;
  throw error;
}

/** Run `call` and give its errno name instead of throwing: "ok" when it succeeds. */
export function errnoOfCall(call) {
  try {
    call();
    return "ok";
  } catch (error) {
    return errnoOf(error);
  }
}

/** A monitor's down notice (tag TAG_DOWN) or a linked process's exit (tag TAG_EXIT, trap-exit): {pid, reason, status, text}. */
export function down(message) {
  if (message.tag !== TAG_DOWN && message.tag !== TAG_EXIT) throw new Error(`tag ${message.tag} is not a down or exit message`);
  const view = new DataView(message.data.buffer, message.data.byteOffset, message.data.byteLength);
  return {
    pid: view.getInt32(DOWN_MESSAGE_PID_OFFSET, true),
    reason: view.getInt32(DOWN_MESSAGE_REASON_OFFSET, true),
    status: view.getInt32(DOWN_MESSAGE_STATUS_OFFSET, true),
    text: text(message.data.subarray(DOWN_MESSAGE_SIZE)),
  };
}
