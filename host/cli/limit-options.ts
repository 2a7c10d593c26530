import { DEFAULT_LIMITS, type Limits } from "../kernel/kernel.ts";
import { CliError } from "./command.ts";

export const LIMIT_OPTION_HELP = `  --limit NAME=N        set one of the node's limits (repeatable; docs/OPERATIONS.md,
                        "Limits worth knowing"; cpuMs=none: no CPU budget), NAME one of
${wrap(Object.keys(DEFAULT_LIMITS).join(", "), 24, 80)}`;

/** `text` broken at spaces into lines of at most `width` characters, each indented by `indent`. */
function wrap(text: string, indent: number, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.map((l) => " ".repeat(indent) + l).join("\n");
}

/** `--limit NAME=N` values as the node's Limits: a known name and a whole number of at least 1. */
export function parseLimitOptions(values: readonly string[]): Partial<Limits> {
  const limits: Partial<Record<keyof Limits, number>> = {};
  for (const text of values) {
    const eq = text.indexOf("=");
    const name = text.slice(0, eq) as keyof Limits;
    const value = text.slice(eq + 1);
    if (eq <= 0 || !Object.hasOwn(DEFAULT_LIMITS, name)) throw new CliError(`--limit ${text}: give NAME=N with NAME one of ${Object.keys(DEFAULT_LIMITS).join(", ")}`);
    if (name === "cpuMs" && value === "none") limits[name] = Infinity;
    else if (/^\d+$/.test(value) && Number.isSafeInteger(Number(value)) && Number(value) >= 1) limits[name] = Number(value);
    else throw new CliError(`--limit ${text}: ${name} must be a whole number of at least 1`);
  }
  return limits;
}
