import fs from "node:fs";
import type { RecordTarget } from "../kernel/replay/child-recording.ts";
import { MAX_RECORD_BYTES } from "../kernel/replay/record-format.ts";
import { DEFAULT_RECORD_LIMIT } from "../kernel/replay/recorder.ts";
import { CliError, UsageError } from "./command.ts";
import { option, type OptionSpec, type ParsedArgs } from "./options.ts";
import { parseByteSize } from "./memory-size.ts";

export const RECORD_OPTIONS: readonly OptionSpec[] = [
  { name: "record", value: "FILE", help: "record everything the program receives (call results, messages, clock and random values) into FILE, for 'onebox replay FILE'; on a cluster, the node that runs it records it and sends the record here" },
  { name: "record-limit", value: "SIZE", help: "stop recording once the record would pass SIZE (default 64M, at most 1G); its replay stops there" },
];

/**
 * `run --record FILE`: the record comes whole from an embedded node (`target`), or in
 * pieces from the cluster node that ran the program (`take`). Pieces go straight into
 * FILE.part (nothing is held here), renamed to FILE once the program ended.
 */
export class RunRecording {
  readonly limit: number;
  private readonly file: string;
  private readonly partial: string;
  private fd: number | undefined;
  private size = 0;
  /** Why the record cannot be written (the node sent more than the limit, or a write failed). */
  private failure: string | undefined;
  /** The program's record target on an embedded node. */
  readonly target: RecordTarget;

  constructor(file: string, limit: number) {
    this.file = file;
    this.partial = `${file}.part`;
    this.limit = limit;
    this.target = { limit, deliver: (record) => this.take(record) };
  }

  /** The next piece of the record, in order. */
  take(piece: Uint8Array): void {
    if (this.failure !== undefined) return;
    if (this.size + piece.byteLength > this.limit) {
      this.failure = `the record sent passed its limit of ${this.limit} bytes`;
      return;
    }
    try {
      this.fd ??= fs.openSync(this.partial, "w");
      fs.writeSync(this.fd, piece);
      this.size += piece.byteLength;
    } catch (error) {
      this.failure = `cannot write ${this.partial}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
    }
  }

  /** Write the record to FILE once the program ended; a failure leaves no file. */
  save(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    if (this.failure === undefined && this.size === 0) this.failure = "no record came back (see the node's log)";
    try {
      if (this.failure !== undefined) throw new CliError(`${this.file}: ${this.failure}; not written`);
      fs.renameSync(this.partial, this.file);
    } catch (error) {
      fs.rmSync(this.partial, { force: true });
      if (error instanceof CliError) throw error;
      throw new CliError(`cannot write the record ${this.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
}

export function recordingOf(args: ParsedArgs): RunRecording | undefined {
  const file = option(args, "record");
  const limitText = option(args, "record-limit");
  if (file === undefined) {
    if (limitText !== undefined) throw new UsageError("--record-limit needs --record FILE");
    return undefined;
  }
  const limit = limitText === undefined ? DEFAULT_RECORD_LIMIT : parseByteSize(limitText, "--record-limit");
  if (limit < 1 || limit > MAX_RECORD_BYTES) throw new CliError(`--record-limit ${limitText}: give 1 byte to 1G`);
  return new RunRecording(file, limit);
}
