import { DEFAULT_JOURNAL_RECORDS, MAX_JOURNAL_RECORDS } from "../kernel/journal/journal.ts";
import { UsageError } from "./command.ts";
import { intOption, type OptionSpec, type ParsedArgs } from "./options.ts";

export const JOURNAL_OPTION: OptionSpec = {
  name: "journal",
  value: "N",
  help: `records the node's journal of syscalls keeps, for 'onebox trace' (rounded up to a power of two; at most ${MAX_JOURNAL_RECORDS}; 0: none)`,
  default: String(DEFAULT_JOURNAL_RECORDS),
};

/** --journal N: how many records a node's journal keeps at least (its ring rounds up to a power of two); 0 turns it off. */
export function journalOption(args: ParsedArgs): number {
  const records = intOption(args, "journal");
  if (records > MAX_JOURNAL_RECORDS) throw new UsageError(`--journal keeps at most ${MAX_JOURNAL_RECORDS} records, got ${records}`);
  return records;
}
