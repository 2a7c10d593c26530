import { CliError, option, type ParsedArgs } from "./command.ts";
import { parseByteSize } from "./memory-size.ts";
import type { CapName, ProcessCaps } from "../kernel/process-limits.ts";

/** `onebox run`'s options that narrow a limit of the program (and so of its children). */
export const CAP_OPTIONS: Readonly<Record<string, { cap: CapName; parse: (text: string, flag: string) => number }>> = {
  cpu: { cap: "cpuMs", parse: count },
  files: { cap: "openFiles", parse: count },
  descendants: { cap: "descendants", parse: count },
  "mailbox-messages": { cap: "mailboxMessages", parse: count },
  "mailbox-bytes": { cap: "mailboxBytes", parse: parseByteSize },
  locks: { cap: "locks", parse: count },
};

export const CAP_OPTIONS_HELP = `  --cpu MS       end the program (reason limit_cpu) after MS ms of CPU time (default: no budget)
  --files N      open files and directories per process (default 256; EMFILE beyond)
  --descendants N  live descendants per process (default 1000; spawn's EAGAIN beyond)
  --mailbox-messages N  messages queued per mailbox (default 4096; senders' EAGAIN beyond)
  --mailbox-bytes SIZE  message bytes queued per mailbox (default 16M)
  --locks N      lock names held per process (default 1024; ENOLCK beyond)
                 these limits, like --memory, hold for the program's children too and
                 can only be lowered below the node's defaults`;

function count(text: string, flag: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) throw new CliError(`${flag} ${text}: give a whole number of at least 1`);
  return value;
}

/** The limits the options ask for; those not given are left out. */
export function capsFromOptions(args: ParsedArgs): Partial<ProcessCaps> {
  const caps: Partial<Record<CapName, number>> = {};
  for (const [name, { cap, parse }] of Object.entries(CAP_OPTIONS)) {
    const text = option(args, name);
    if (text !== undefined) caps[cap] = parse(text, `--${name}`);
  }
  return caps;
}
