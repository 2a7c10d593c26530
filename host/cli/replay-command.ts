import fs from "node:fs";
import { ModuleError } from "../kernel/module-cache.ts";
import { parseRecord, RecordFormatError, MAX_RECORD_BYTES } from "../kernel/replay/record-format.ts";
import { replayRecord } from "../kernel/replay/replay-run.ts";
import { CliError, defineCommand, type Command, UsageError } from "./command.ts";
import { flag, given, intOption, option } from "./options.ts";

export const replayCommand: Command = defineCommand({
  usage: `usage: onebox replay [options] RECORD

Run the process a record holds (written by 'onebox run --record FILE', or by a node
for a child its parent asked to record) again, here, with no cluster: every call it
makes is checked against the recorded one (the same call, the same arguments) and
answered from the record (its result, and the bytes the host wrote into the guest's
memory), so it receives the same messages, clock readings and random bytes. Its
writes to stdout and stderr happen for real, so its output comes out again. The
record embeds the module (checked against its sha256).

A replay that diverges says at which call, with the recorded call and the one the
replay made, and exits 1. Otherwise the exit status is the program's.`,
  options: [
    { name: "print", help: "print each call to stderr as it is replayed: #N name(args) = result" },
    { name: "stop-at", value: "N", help: "stop before call N (from 1) runs" },
    { name: "dump", value: "DIR", help: "with --stop-at: write the process's memory there (DIR/memory.bin, the linear memory byte for byte) and the value of each of its globals by index (DIR/globals.json)" },
  ],
  async run(args) {
    const file = args.positionals[0];
    if (!file || args.positionals.length > 1) throw new UsageError("replay needs one record file (see --help)");
    const stopAt = given(args, "stop-at") ? intOption(args, "stop-at") : undefined;
    if (stopAt === 0) throw new UsageError("--stop-at counts calls from 1");
    const dumpDir = option(args, "dump");
    if (dumpDir !== undefined && stopAt === undefined) throw new UsageError("--dump needs --stop-at N: the dump is taken there");
    let bytes: Uint8Array;
    try {
      if (fs.statSync(file).size > MAX_RECORD_BYTES) throw new CliError(`${file}: over the ${MAX_RECORD_BYTES}-byte maximum of a record`);
      bytes = fs.readFileSync(file);
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    let result;
    try {
      result = await replayRecord({
        record: parseRecord(bytes),
        output: { write: (fd, data) => (fd === 1 ? process.stdout : process.stderr).write(data) },
        print: flag(args, "print") ? (line) => process.stderr.write(`${line}\n`) : undefined,
        stopAt,
        dumpDir,
      });
    } catch (error) {
      if (error instanceof RecordFormatError) throw new CliError(`${file}: not a readable record: ${error.message}`);
      if (error instanceof ModuleError) throw new CliError(`${file}: the recorded module cannot run here: ${error.message}`);
      throw error;
    }
    const { outcome, info, replayed } = result;
    if (outcome?.kind === "diverged") throw new CliError(`replay diverged at call ${outcome.call}: ${outcome.text}`);
    if (outcome?.kind === "stopped") {
      process.stderr.write(`onebox: replay stopped before call ${outcome.call}${dumpDir === undefined ? "" : `; memory and globals in ${dumpDir}`}\n`);
      return 0;
    }
    if (outcome?.kind === "record-ends") {
      process.stderr.write(`onebox: replayed ${replayed} calls, where the record ends: ${outcome.text}\n`);
      return 0;
    }
    if (info.reason !== "NORMAL") process.stderr.write(`onebox: the replay ended as recorded: ${info.reason.toLowerCase()}: ${info.text}\n`);
    return info.status;
  },
});
