import { DEFAULT_JOURNAL_RECORDS, MAX_JOURNAL_RECORDS } from "../kernel/journal/journal.ts";
import { intOption, UsageError, type ParsedArgs } from "./command.ts";

export const JOURNAL_HELP = `records the node's journal of syscalls keeps, for
                        'onebox trace' (default ${DEFAULT_JOURNAL_RECORDS}, at most ${MAX_JOURNAL_RECORDS}; 0: none)`;

/** --journal N: how many records a node's journal keeps; 0 turns it off. */
export function journalOption(args: ParsedArgs): number {
  const records = intOption(args, "journal", DEFAULT_JOURNAL_RECORDS);
  if (records > MAX_JOURNAL_RECORDS) throw new UsageError(`--journal keeps at most ${MAX_JOURNAL_RECORDS} records, got ${records}`);
  return records;
}
