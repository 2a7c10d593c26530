// The merged trace as OpenTelemetry spans: an OTLP/JSON ExportTraceServiceRequest (the
// body of POST /v1/traces, or a file a collector's otlpjsonfile receiver reads). Built from
// the records alone, so two exports of the same records are the same bytes.
import { createHash } from "node:crypto";
import type { JournalRecord } from "../kernel/journal/journal-reader.ts";
import { SPAWN_CALLS } from "../kernel/journal/journal.ts";

// The OTLP/JSON shapes this writes (opentelemetry-proto's trace/v1 and common/v1, in the
// protobuf JSON mapping: 64-bit integers as decimal strings, ids as hex, enums as numbers).
export type OtlpValue = { stringValue: string } | { intValue: string };
export interface OtlpAttribute {
  readonly key: string;
  readonly value: OtlpValue;
}
export interface OtlpLink {
  readonly traceId: string;
  readonly spanId: string;
  readonly attributes: OtlpAttribute[];
}
export interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly attributes: OtlpAttribute[];
  readonly links?: OtlpLink[];
  readonly status?: { readonly code: number; readonly message: string };
}
export interface OtlpTraceRequest {
  readonly resourceSpans: {
    readonly resource: { readonly attributes: OtlpAttribute[] };
    readonly scopeSpans: { readonly scope: { readonly name: string }; readonly spans: OtlpSpan[] }[];
  }[];
}

/** SpanKind: a syscall is internal; a send produces a message, a recv consumes one. */
const KIND = { internal: 1, producer: 4, consumer: 5 } as const;
const STATUS_ERROR = 2;

/** `bytes` bytes of sha256 of `text`, as hex: an id that is the same at every export. */
const idOf = (text: string, bytes: number): string => createHash("sha256").update(text).digest("hex").slice(0, bytes * 2);

/** A process's trace is its root process's: the one at the top of its spawn tree among the records. */
const traceIdOf = (rootPid: number): string => idOf(`onebox trace ${rootPid}`, 16);
const processSpanId = (pid: number): string => idOf(`onebox process ${pid}`, 8);
const callSpanId = (r: JournalRecord): string => idOf(`onebox call ${r.node} ${r.seq}`, 8);

const text = (key: string, value: string): OtlpAttribute => ({ key, value: { stringValue: value } });
const int = (key: string, value: number): OtlpAttribute => ({ key, value: { intValue: String(value) } });

/** Wall-clock ms (fractional) as Unix nanoseconds, exactly, to the microsecond. */
const startNanos = (ms: number): bigint => BigInt(Math.round(ms * 1000)) * 1000n;
const endNanos = (r: JournalRecord): bigint => startNanos(r.startMs) + BigInt(Math.round(r.durationUs * 1000));

/** What the export found about one process among the records. */
interface ProcessSpan {
  readonly pid: number;
  readonly node: string;
  start: bigint;
  end: bigint;
  calls: number;
  /** The span of the spawn call that started it, when that call is among the records. */
  spawnedBy?: JournalRecord;
}

/**
 * The records (in causal order, as the merge lets them out) as one span per call, under one
 * span per process, grouped by node. A child process's span has its spawn call's span for
 * parent; a recv's span links to its send's span (by the message id both carry). A spawn
 * or send whose other half is not among the records (overwritten in its ring, or filtered
 * out) leaves the child without a parent, or the recv without a link.
 */
export function otlpTrace(records: readonly JournalRecord[]): OtlpTraceRequest {
  const processes = new Map<number, ProcessSpan>();
  const spawns = new Map<number, JournalRecord>();
  const sends = new Map<string, JournalRecord>();
  for (const r of records) {
    let p = processes.get(r.pid);
    if (!p) processes.set(r.pid, (p = { pid: r.pid, node: r.node, start: startNanos(r.startMs), end: endNanos(r), calls: 0 }));
    if (p.node !== r.node) throw new Error(`otlp: process ${r.pid} has calls on ${p.node} and ${r.node}`);
    p.start = p.start < startNanos(r.startMs) ? p.start : startNanos(r.startMs);
    p.end = p.end > endNanos(r) ? p.end : endNanos(r);
    p.calls++;
    if (SPAWN_CALLS.has(r.call) && r.errno === "" && r.result > 0) spawns.set(r.result, r);
    if (r.call === "send" && r.errno === "" && r.msg !== "") sends.set(r.msg, r);
  }
  for (const p of processes.values()) p.spawnedBy = spawns.get(p.pid);
  const rootOf = (pid: number): number => {
    const seen = new Set<number>();
    for (let at = pid; ; ) {
      if (seen.has(at)) throw new Error(`otlp: process ${pid}'s spawns go round in a cycle`);
      seen.add(at);
      const parent = processes.get(at)?.spawnedBy?.pid;
      if (parent === undefined) return at;
      at = parent;
    }
  };
  const traceOf = new Map([...processes.keys()].map((pid) => [pid, traceIdOf(rootOf(pid))]));

  const spansByNode = new Map<string, OtlpSpan[]>();
  const add = (node: string, span: OtlpSpan) => {
    const spans = spansByNode.get(node);
    if (spans) spans.push(span);
    else spansByNode.set(node, [span]);
  };
  for (const p of processes.values()) {
    add(p.node, {
      traceId: traceOf.get(p.pid)!,
      spanId: processSpanId(p.pid),
      ...(p.spawnedBy ? { parentSpanId: callSpanId(p.spawnedBy) } : {}),
      name: `process ${p.pid}`,
      kind: KIND.internal,
      startTimeUnixNano: String(p.start),
      endTimeUnixNano: String(p.end),
      attributes: [int("onebox.pid", p.pid), text("onebox.node", p.node), int("onebox.calls", p.calls)],
    });
  }
  for (const r of records) {
    const send = r.call === "recv" && r.msg !== "" ? sends.get(r.msg) : undefined;
    const attributes = [
      int("onebox.pid", r.pid),
      text("onebox.call", r.call),
      text("onebox.args", r.args),
      int("onebox.result", r.result),
      int("onebox.lamport", r.lamport),
      int("onebox.seq", r.seq),
      ...(r.errno === "" ? [] : [text("onebox.errno", r.errno)]),
      ...(r.msg === "" ? [] : [text("onebox.message_id", r.msg)]),
    ];
    add(r.node, {
      traceId: traceOf.get(r.pid)!,
      spanId: callSpanId(r),
      parentSpanId: processSpanId(r.pid),
      name: r.call,
      kind: r.call === "send" ? KIND.producer : r.call === "recv" ? KIND.consumer : KIND.internal,
      startTimeUnixNano: String(startNanos(r.startMs)),
      endTimeUnixNano: String(endNanos(r)),
      attributes,
      ...(send ? { links: [{ traceId: traceOf.get(send.pid)!, spanId: callSpanId(send), attributes: [text("onebox.message_id", r.msg)] }] } : {}),
      ...(r.errno === "" ? {} : { status: { code: STATUS_ERROR, message: r.errno } }),
    });
  }
  return {
    resourceSpans: [...spansByNode.keys()].sort().map((node) => ({
      resource: { attributes: [text("service.name", "onebox"), text("service.instance.id", node), text("onebox.node", node)] },
      scopeSpans: [{ scope: { name: "onebox.journal" }, spans: spansByNode.get(node)! }],
    })),
  };
}
