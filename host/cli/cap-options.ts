import { CliError } from "./command.ts";
import { option, type OptionSpec, type ParsedArgs } from "./options.ts";
import { parseByteSize } from "./memory-size.ts";
import type { CapName, ProcessCaps } from "../kernel/process-limits.ts";

const SECTION = "limits of the program (like --memory, they hold for its children too, and can only be lowered below the node's defaults)";

/** `onebox run`'s options that narrow a limit of the program (and so of its children). */
const CAPS: readonly (OptionSpec & { readonly cap: CapName; parse(text: string, flag: string): number })[] = [
  { name: "cpu", value: "MS", section: SECTION, help: "end the program (reason limit_cpu) after MS ms of CPU time (default: no budget)", cap: "cpuMs", parse: count },
  { name: "files", value: "N", section: SECTION, help: "open files and directories per process (default 256; EMFILE beyond)", cap: "openFiles", parse: count },
  { name: "descendants", value: "N", section: SECTION, help: "live descendants per process (default 1000; spawn's EAGAIN beyond)", cap: "descendants", parse: count },
  { name: "mailbox-messages", value: "N", section: SECTION, help: "messages queued per mailbox (default 4096; senders' EAGAIN beyond)", cap: "mailboxMessages", parse: count },
  { name: "mailbox-bytes", value: "SIZE", section: SECTION, help: "message bytes queued per mailbox (default 16M)", cap: "mailboxBytes", parse: parseByteSize },
  { name: "locks", value: "N", section: SECTION, help: "lock names held per process (default 1024; ENOLCK beyond)", cap: "locks", parse: count },
];

export const CAP_OPTIONS: readonly OptionSpec[] = CAPS;

function count(text: string, flag: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) throw new CliError(`${flag} ${text}: give a whole number of at least 1`);
  return value;
}

/** The limits the options ask for; those not given are left out. */
export function capsFromOptions(args: ParsedArgs): Partial<ProcessCaps> {
  const caps: Partial<Record<CapName, number>> = {};
  for (const { name, cap, parse } of CAPS) {
    const text = option(args, name);
    if (text !== undefined) caps[cap] = parse(text, `--${name}`);
  }
  return caps;
}
