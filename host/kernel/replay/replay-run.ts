import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ExitInfo } from "../errors.ts";
import { ModuleError } from "../module-cache.ts";
import { DEFAULT_LIMITS, Kernel } from "../kernel.ts";
import type { OutputSink } from "../process.ts";
import { dumpProcess } from "./dump.ts";
import { RecordFormatError, type Record } from "./record-format.ts";
import { callText, Replayer, type ReplayOutcome } from "./replayer.ts";

export interface ReplayRequest {
  readonly record: Record;
  readonly output: OutputSink;
  readonly print?: (line: string) => void;
  readonly stopAt?: number;
  /** With stopAt: where the dump of memory and globals goes (dump.ts says the format). */
  readonly dumpDir?: string;
}

export interface ReplayResult {
  readonly info: ExitInfo;
  readonly replayed: number;
  /** Set unless the replay ran to the record's end and ended as the recorded process did. */
  readonly outcome?: ReplayOutcome;
}

/** The module's bytes must be the ones the record names: sha256 checked. */
function checkModule(record: Record): void {
  const hash = createHash("sha256").update(record.module).digest();
  if (!hash.equals(record.sha256)) throw new RecordFormatError(`the embedded module's sha256 is ${hash.toString("hex")}, the record names ${Buffer.from(record.sha256).toString("hex")}`);
}

/**
 * Run a record's module again on a node of its own (no cluster, an empty scratch export:
 * every call is answered from the record), and say how it ended.
 */
export async function replayRecord(request: ReplayRequest): Promise<ReplayResult> {
  const { record } = request;
  checkModule(record);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "onebox-replay-"));
  const maxMemoryPages = Math.max(DEFAULT_LIMITS.maxMemoryPages, record.memoryPages);
  const kernel = new Kernel({ nodeId: 1, nodeName: "replay", root, exportGlobals: true, limits: { maxMemoryPages, memoryBudgetPages: Math.max(DEFAULT_LIMITS.memoryBudgetPages, maxMemoryPages) } });
  const replayer: Replayer = new Replayer(record, {
    print: request.print,
    stopAt: request.stopAt,
    atStop: (proc, call) => {
      if (request.dumpDir !== undefined) dumpProcess(request.dumpDir, proc, replayer.exports, call);
    },
  });
  try {
    const module = await kernel.modules.load(record.module);
    if (module.component && request.dumpDir !== undefined) throw new ModuleError("--dump is for core modules: a component's memory belongs to jco's glue and is not dumped");
    const proc = kernel.startRoot({ module, argv: record.argv, env: [], output: request.output, memoryPages: record.memoryPages, calls: replayer });
    const info = await kernel.whenExited(proc.pid);
    return { info, replayed: replayer.replayed, outcome: replayer.outcome ?? endingOf(record, replayer.replayed, info) };
  } finally {
    kernel.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** A replay that used every call must end as the record did; one that ended early diverged. */
function endingOf(record: Record, replayed: number, info: ExitInfo): ReplayOutcome | undefined {
  const ended = `the replay's process ended (${info.reason.toLowerCase()} ${info.status}: ${info.text})`;
  if (replayed < record.calls.length + record.componentCalls.length) {
    const core = record.calls[replayed];
    const next = core ? callText(core.def, core.args) : `${record.componentCalls[replayed]!.name}(...)`;
    return { kind: "diverged", call: replayed + 1, text: `recorded ${next}, ${ended}` };
  }
  const end = record.end;
  if (end && (end.reason !== info.reason || end.status !== info.status)) {
    return { kind: "diverged", call: replayed + 1, text: `the recorded process ended (${end.reason.toLowerCase()} ${end.status}: ${end.text}), ${ended}` };
  }
  return undefined;
}
