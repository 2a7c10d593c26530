import type { TraceEvent } from "../kernel/syscalls/dispatch.ts";

/** One trace line: node, pid, call(args) = result, duration. */
export function formatTrace(node: string, event: TraceEvent): string {
  const args = event.args.map((a) => a.toString()).join(", ");
  return `[${node}] ${event.pid} ${event.call}(${args}) = ${event.result}  ${(event.durationNs / 1000).toFixed(1)}us`;
}
