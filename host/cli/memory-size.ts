import { CliError } from "./command.ts";
import { PAGE_BYTES } from "../kernel/process-memory.ts";

const UNITS: Record<string, number> = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** A size such as 256M, 1G, 65536K or 1048576 (bytes; K, M, G are powers of 1024) in bytes, for option `flag`. */
export function parseByteSize(text: string, flag: string): number {
  const match = /^(\d+)([KMG]?)(?:i?B)?$/i.exec(text.trim());
  if (!match) throw new CliError(`${flag} ${text}: give a size such as 256M, 1G or 65536K`);
  const bytes = Number(match[1]) * UNITS[match[2]!.toUpperCase()]!;
  if (!Number.isSafeInteger(bytes)) throw new CliError(`${flag} ${text}: too large`);
  return bytes;
}

/** A --memory size as 64 KiB pages, rounded up. */
export function parseMemorySize(text: string): number {
  const pages = Math.ceil(parseByteSize(text, "--memory") / PAGE_BYTES);
  if (!Number.isSafeInteger(pages) || pages < 1) throw new CliError(`--memory ${text}: the size must be at least 64K`);
  return pages;
}
