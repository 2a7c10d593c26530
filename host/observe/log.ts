// A node's log: JSON lines (pino) on stderr, one object a line with the node's name, its
// Lamport time when the line was written and, where a line is about a process, its pid;
// `--pretty` turns each into one readable line.
import pino from "pino";
import type { LogFields } from "../cluster/node.ts";
import { ProcessWarning } from "../kernel/errors.ts";
import type { LamportClock } from "../kernel/journal/lamport.ts";

export interface NodeLog {
  info(line: string, fields?: LogFields): void;
  warn(line: string, fields?: LogFields): void;
}

interface LogRecord {
  readonly level: number;
  readonly time: number;
  readonly node?: string;
  readonly msg?: string;
  readonly [field: string]: unknown;
}

const LEVELS: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };
const SHOWN_APART = new Set(["level", "time", "node", "msg"]);

/** One JSON line as a person reads it: `07:40:01.123 INFO  [node1] text pid=5`. */
export function prettyLine(json: string): string {
  let record: LogRecord;
  try {
    record = JSON.parse(json) as LogRecord;
  } catch {
    return json.endsWith("\n") ? json : `${json}\n`;
  }
  const time = new Date(record.time).toISOString().slice(11, 23);
  const rest = Object.entries(record).filter(([key]) => !SHOWN_APART.has(key)).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  return `${time} ${(LEVELS[record.level] ?? String(record.level)).padEnd(5)} [${record.node ?? "?"}] ${record.msg ?? ""}${rest.length ? ` ${rest.join(" ")}` : ""}\n`;
}

/**
 * The log of node `name`, written synchronously (a node that fences itself exits right
 * after its last line). Each line carries `lamport`, the node's Lamport clock then: a line
 * sits between the journaled calls and frames of the same node that came before and after
 * it, and so can be lined up with `onebox trace` across nodes.
 */
export function nodeLog(name: string, pretty: boolean, lamport: LamportClock): NodeLog {
  const destination = pretty ? { write: (line: string) => void process.stderr.write(prettyLine(line)) } : pino.destination({ dest: 2, sync: true });
  const logger = pino({ base: { node: name }, timestamp: pino.stdTimeFunctions.epochTime, mixin: () => ({ lamport: lamport.now }) }, destination);
  return {
    info: (line, fields) => logger.info({ ...fields }, line),
    warn: (line, fields) => logger.warn({ ...fields }, line),
  };
}

/** The kernel's reports of host errors (process.emitWarning) go to `log` instead of Node's default printer; one about a process carries its pid. */
export function logWarnings(log: NodeLog): void {
  process.removeAllListeners("warning").on("warning", (warning) => log.warn(warning.message, warning instanceof ProcessWarning ? { pid: warning.pid } : undefined));
}
