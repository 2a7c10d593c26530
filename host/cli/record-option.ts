import fs from "node:fs";
import type { ExitInfo } from "../kernel/errors.ts";
import type { LoadedModule } from "../kernel/module-cache.ts";
import { recorderFor } from "../kernel/replay/child-recording.ts";
import { MAX_RECORD_BYTES } from "../kernel/replay/record-format.ts";
import { DEFAULT_RECORD_LIMIT, type Recorder } from "../kernel/replay/recorder.ts";
import { CliError, UsageError } from "./command.ts";
import { option, type OptionSpec, type ParsedArgs } from "./options.ts";
import { parseByteSize } from "./memory-size.ts";

export const RECORD_OPTIONS: readonly OptionSpec[] = [
  { name: "record", value: "FILE", help: "record everything the program receives (call results, messages, clock and random values) into FILE, for 'onebox replay FILE'" },
  { name: "record-limit", value: "SIZE", help: "stop recording once the record would pass SIZE (default 64M, at most 1G); its replay stops there" },
];

/** `run --record FILE`: the recorder for the program, and how to save its record at the end. */
export interface RunRecording {
  readonly recorder: Recorder;
  save(info: ExitInfo): void;
}

export function recordingOf(args: ParsedArgs, module: LoadedModule, argv: readonly string[], memoryPages: number): RunRecording | undefined {
  const file = option(args, "record");
  const limitText = option(args, "record-limit");
  if (file === undefined) {
    if (limitText !== undefined) throw new UsageError("--record-limit needs --record FILE");
    return undefined;
  }
  const limit = limitText === undefined ? DEFAULT_RECORD_LIMIT : parseByteSize(limitText, "--record-limit");
  if (limit < 1 || limit > MAX_RECORD_BYTES) throw new CliError(`--record-limit ${limitText}: give 1 byte to 1G`);
  let recorder: Recorder;
  try {
    recorder = recorderFor(module, argv, memoryPages, limit);
  } catch (error) {
    throw new CliError(`--record: ${(error as Error).message}`);
  }
  return {
    recorder,
    save(info) {
      recorder.ended(info);
      try {
        fs.writeFileSync(file, recorder.contents());
      } catch (error) {
        throw new CliError(`cannot write the record ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    },
  };
}
