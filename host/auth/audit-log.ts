import fs from "node:fs";
import path from "node:path";
import type { Principal } from "./roles.ts";

/** An audit file grows to this, then becomes FILE.1 (replacing the previous one): at most twice this on disk. */
export const AUDIT_LOG_BYTES = 8 * 1024 * 1024;
/** A detail (a module name, a reason) is cut to this many characters: a line stays a line. */
const MAX_DETAIL_CHARS = 200;

const printable = (text: string): string => text.replace(/[^\x20-\x7e]/g, "?").slice(0, MAX_DETAIL_CHARS);

/**
 * Who did what, when, and whether it was allowed: one line per client request, appended
 * to a file the node's operator reads (never one a guest can reach: it is outside the export).
 */
export class AuditLog {
  private readonly file: string;
  private readonly maxBytes: number;
  private size: number;

  constructor(file: string, maxBytes = AUDIT_LOG_BYTES) {
    this.file = file;
    this.maxBytes = maxBytes;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.size = fs.existsSync(file) ? fs.statSync(file).size : 0;
  }

  /** `2026-12-03T08:00:00.000Z alice user run hello.wasm: ok` */
  record(who: Principal, action: string, detail: string, outcome: string): void {
    const line = `${new Date().toISOString()} ${who.name} ${who.role} ${action}${detail ? ` ${printable(detail)}` : ""}: ${printable(outcome)}\n`;
    if (this.size + line.length > this.maxBytes) {
      fs.renameSync(this.file, `${this.file}.1`);
      this.size = 0;
    }
    fs.appendFileSync(this.file, line, { mode: 0o600 });
    this.size += line.length;
    if (this.size > this.maxBytes) throw new Error(`audit log ${this.file} over its limit: ${this.size} bytes`);
  }
}
