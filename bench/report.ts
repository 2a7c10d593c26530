import type { Report, Result } from "./run.ts";

/** A duration for people: ns below 10 us, then us, then ms. */
export function formatNs(ns: number | null): string {
  if (ns === null) return "-";
  if (ns < 10_000) return `${ns < 100 ? ns.toFixed(1) : Math.round(ns)} ns`;
  if (ns < 10_000_000) return `${(ns / 1e3).toFixed(1)} us`;
  return `${(ns / 1e6).toFixed(1)} ms`;
}

const formatOps = (ops: number | null): string => (ops === null ? "-" : ops.toLocaleString("en-US"));
const formatRatio = (ratio: number | null): string => (ratio === null ? "-" : `${ratio < 10 ? ratio.toFixed(2) : ratio.toFixed(1)}x`);

function formatTarget(r: Result): string {
  if (!r.target) return "";
  if (r.skipped || r.error) return r.target.text;
  const { text, met, by } = r.target;
  return met ? `${text}: pass` : `${text}: MISS by ${by.toFixed(2)}x`;
}

function note(r: Result): string {
  if (r.skipped) return `skipped: ${r.skipped}`;
  if (r.error) return `failed: ${r.error}`;
  if (r.capacity !== undefined) return `${r.capacity.toLocaleString("en-US")} live, ${((r.bytes_per_process ?? 0) / 1024).toFixed(0)} KiB each`;
  return "";
}

/** Columns padded to their widest cell; numbers right-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** The terminal table: one row per entry, the floor and ratio beside it, then the target. */
export function formatReport(report: Report): string {
  const m = report.machine;
  const rows = report.results.map((r) => [
    r.name, formatNs(r.median_ns), formatNs(r.p99_ns), formatOps(r.ops_per_s), r.floor ?? "", formatRatio(r.ratio), formatTarget(r), note(r),
  ]);
  const head = `onebox bench${report.quick ? " --quick" : ""}, ${report.date}\n${m.cpu}, ${m.cores} cores, ${m.memory_gib} GiB, ${m.os}, node ${m.node}\n`;
  return head + "\n" + table(["entry", "median", "p99", "ops/s", "floor", "ratio", "target", ""], rows, new Set([1, 2, 3, 5]));
}

const change = (a: number | null, b: number | null): string => {
  if (a === null || b === null) return "-";
  const pct = (b / a - 1) * 100;
  return `${pct >= 0 ? "+" : ""}${pct.toFixed(1)}%`;
};

/** Per-entry change from run A to run B (negative time change is faster). */
export function formatCompare(a: Report, b: Report): string {
  const names = [...new Set([...a.results, ...b.results].map((r) => r.name))];
  const rows = names.map((name) => {
    const ra = a.results.find((r) => r.name === name);
    const rb = b.results.find((r) => r.name === name);
    const ma = ra?.median_ns ?? null;
    const mb = rb?.median_ns ?? null;
    return [name, formatNs(ma), formatNs(mb), change(ma, mb), formatRatio(ra?.ratio ?? null), formatRatio(rb?.ratio ?? null), change(ra?.ratio ?? null, rb?.ratio ?? null)];
  });
  const head = `A: ${a.date} on ${a.machine.hostname} (${a.machine.cpu})\nB: ${b.date} on ${b.machine.hostname} (${b.machine.cpu})\n`;
  return head + "\n" + table(["entry", "median A", "median B", "change", "ratio A", "ratio B", "change"], rows, new Set([1, 2, 3, 4, 5, 6]));
}
