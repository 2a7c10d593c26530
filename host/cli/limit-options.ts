import { DEFAULT_LIMITS, type Limits } from "../kernel/kernel.ts";
import { CliError } from "./command.ts";
import type { OptionSpec } from "./options.ts";

export const LIMIT_OPTION: OptionSpec = {
  name: "limit",
  value: "NAME=N",
  repeatable: true,
  help: `set one of the node's limits (docs/OPERATIONS.md, "Limits worth knowing"; cpuMs=none: no CPU budget), NAME one of ${Object.keys(DEFAULT_LIMITS).join(", ")}`,
};

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
