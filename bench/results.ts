import fs from "node:fs";
import path from "node:path";
import { packagePath } from "../host/package-root.ts";
import type { Report } from "./run.ts";

export const RESULTS_DIR = packagePath("bench", "results");

/** Keep a run in bench/results/, named by date and machine so runs sort and compare. */
export function saveReport(report: Report, dir = RESULTS_DIR): string {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = report.date.replace(/:/g, "-").replace(/\.\d+Z$/, "Z");
  const host = report.machine.hostname.replace(/[^A-Za-z0-9.-]/g, "_");
  const file = path.join(dir, `${stamp}-${host}${report.quick ? "-quick" : ""}.json`);
  fs.writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
  return file;
}

export function loadReport(file: string): Report {
  const report = JSON.parse(fs.readFileSync(file, "utf8")) as Report;
  if (!Array.isArray(report?.results)) throw new Error(`${file} is not a bench result (no "results")`);
  return report;
}
