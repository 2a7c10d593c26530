import type { OutputSink } from "../host/kernel/process.ts";

/** argv[0] of every bench guest, wherever it runs. */
export const GUEST_ARGV0 = "syscalls.wasm";

/** An output sink handing the bench guest's stdout to `line` a line at a time; stderr passes through. */
export function lineSink(line: (text: string) => void): OutputSink {
  let partial = "";
  const decoder = new TextDecoder();
  return {
    write(fd, data) {
      if (fd === 2) return void process.stderr.write(data);
      const lines = (partial + decoder.decode(data)).split("\n");
      partial = lines.pop()!;
      lines.forEach(line);
    },
  };
}
