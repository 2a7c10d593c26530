import { UsageError } from "./command.ts";
import { option, options, type OptionSpec, type ParsedArgs } from "./options.ts";
import type { RootAsk } from "../kernel/root-capabilities.ts";

/** `onebox run`'s options that set the program's capability set (and so its children's). */
export const ROOT_SET_OPTIONS: readonly OptionSpec[] = [
  { name: "scope", value: "owner", help: "the program (and its children) may kill, monitor and link any process of its user, not only its own descendants (the default)" },
  { name: "ro", value: "PATH", repeatable: true, help: "narrow its namespace to PATH read-only (with --rw)" },
  { name: "rw", value: "PATH", repeatable: true, help: "narrow its namespace to PATH read-write; a path outside what the user may reach by default is refused (docs/SECURITY.md)" },
];

/** The set the options ask for; undefined when none is given. */
export function rootAskOf(args: ParsedArgs): (RootAsk & { scope: string; ro: string[]; rw: string[] }) | undefined {
  const scope = option(args, "scope");
  if (scope !== undefined && scope !== "owner" && scope !== "descendants") throw new UsageError(`--scope ${scope}: give owner or descendants`);
  const ro = options(args, "ro");
  const rw = options(args, "rw");
  if (scope === undefined && ro.length === 0 && rw.length === 0) return undefined;
  return { scope: scope ?? "", ro, rw };
}
