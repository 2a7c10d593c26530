import { INPUT_BUFFER_BYTES, InputBuffer } from "../kernel/input-buffer.ts";

/**
 * This command's standard input as a process's fd 0 on an embedded node: read only while
 * the buffer has room (paused when full, resumed once the process has read half of it),
 * its end forwarded as end of file.
 */
export function stdinInput(): InputBuffer {
  const stdin = process.stdin;
  const input = new InputBuffer(() => {
    if (stdin.isPaused() && input.buffered < input.capacity / 2) stdin.resume();
  });
  stdin.on("data", (chunk: Buffer) => {
    if (!input.push(chunk)) stdin.pause();
  });
  stdin.once("end", () => input.end());
  // An unreadable stdin (closed, a directory) is an input that has ended.
  stdin.once("error", () => input.end());
  return input;
}

/**
 * This command's standard input sent to a process on a cluster node: never more than the
 * node's input buffer in flight. What does not fit waits here (stdin paused meanwhile)
 * until the node says, through `taken`, that the process has read some; then its end.
 */
export function sendStdin(send: (data: Uint8Array, end: boolean) => void): { taken(bytes: number): void } {
  const stdin = process.stdin;
  const waiting: Uint8Array[] = [];
  let inFlight = 0;
  let ended = false;
  let endSent = false;
  const pump = () => {
    while (waiting.length > 0 && inFlight < INPUT_BUFFER_BYTES) {
      const head = waiting[0]!;
      const piece = head.subarray(0, INPUT_BUFFER_BYTES - inFlight);
      if (piece.byteLength === head.byteLength) waiting.shift();
      else waiting[0] = head.subarray(piece.byteLength);
      inFlight += piece.byteLength;
      send(piece, false);
    }
    if (waiting.length > 0) stdin.pause();
    else if (ended && !endSent) {
      endSent = true;
      send(new Uint8Array(), true);
    } else if (!ended && stdin.isPaused()) stdin.resume();
  };
  const finish = () => {
    ended = true;
    pump();
  };
  stdin.on("data", (chunk: Buffer) => {
    waiting.push(chunk);
    pump();
  });
  stdin.once("end", finish);
  stdin.once("error", finish);
  return {
    taken(bytes) {
      inFlight -= bytes;
      if (inFlight < 0) throw new Error("the node credited more input than was sent");
      pump();
    },
  };
}
