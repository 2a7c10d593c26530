// `onebox trace --otlp FILE`: the merged records written as OpenTelemetry spans (OTLP/JSON).
import fs from "node:fs";
import type { JournalRecord } from "../kernel/journal/journal-reader.ts";
import { otlpTrace } from "../trace/otlp-export.ts";
import { CliError, UsageError } from "./command.ts";
import { flag, option, type OptionSpec, type ParsedArgs } from "./options.ts";

export const OTLP_OPTION: OptionSpec = {
  name: "otlp",
  value: "FILE",
  help: "write the calls as OpenTelemetry spans to FILE ('-': stdout), one OTLP/JSON ExportTraceServiceRequest, instead of printing them (not with --follow or --json)",
};

/** Where --otlp collects the records, and how it writes them once every journal is read. */
export interface OtlpSink {
  readonly print: (r: JournalRecord) => void;
  write(): void;
}

export function otlpSink(args: ParsedArgs): OtlpSink | undefined {
  const file = option(args, "otlp");
  if (file === undefined) return undefined;
  // The file is one JSON document, written once: it has no end to wait for while following.
  if (flag(args, "follow")) throw new UsageError("--otlp writes its file once every journal is read: not with --follow");
  if (flag(args, "json")) throw new UsageError("--otlp and --json exclude each other");
  const records: JournalRecord[] = [];
  return {
    print: (r) => void records.push(r),
    write() {
      const body = `${JSON.stringify(otlpTrace(records))}\n`;
      if (file === "-") return void process.stdout.write(body);
      try {
        fs.writeFileSync(file, body);
      } catch (error) {
        throw new CliError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      process.stderr.write(`onebox: wrote ${records.length} calls as OTLP/JSON spans to ${file}\n`);
    },
  };
}
