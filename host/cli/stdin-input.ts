import { InputBuffer } from "../kernel/input-buffer.ts";

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
