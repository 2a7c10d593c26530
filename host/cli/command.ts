import { parseArgs as parseUtilArgs, type ParseArgsOptionsConfig } from "node:util";

/** A failure the user can act on: printed as one line, exit status 1. */
export class CliError extends Error {}

/** A command line onebox cannot read (unknown command or option, missing argument): exit status 2. */
export class UsageError extends CliError {}

/** -h or --help among a command's options: main prints that command's help. */
export class HelpRequested extends Error {}

/** A command's code, loaded when it runs; its name and summary are in main.ts's list. */
export interface Command {
  /** Full --help text. */
  readonly help: string;
  /** Returns the process exit status. */
  run(argv: string[]): Promise<number>;
}

export interface ParsedArgs {
  readonly options: Map<string, string[]>;
  /** Positionals before the first guest argument. */
  readonly positionals: string[];
  /** Everything after the program (for run): passed to the guest untouched. */
  readonly rest: string[];
}

/**
 * Parse `--name value`, `--name=value` and `--flag` (a one-letter name also as `-n`), with
 * node:util.parseArgs. With `stopAtPositional`, the first positional ends option parsing,
 * so a guest's own flags reach the guest. `--flag=false` turns a flag off (a later one
 * wins), as `--flag=true` turns it on, which util.parseArgs's strict mode would refuse:
 * so it reads the tokens leniently and this function is the strict one.
 */
export function parseArgs(argv: string[], spec: { values: string[]; flags: string[] }, stopAtPositional = false): ParsedArgs {
  const config: ParseArgsOptionsConfig = {};
  for (const name of spec.values) config[name] = { type: "string", multiple: true, ...(name.length === 1 ? { short: name } : {}) };
  for (const name of spec.flags) config[name] = { type: "boolean", multiple: true, ...(name.length === 1 ? { short: name } : {}) };
  let tokens;
  try {
    // Not strict: a flag's inline `=false` stays in its token, and unknown options are refused below, in one line.
    ({ tokens } = parseUtilArgs({ args: argv, options: config, allowPositionals: true, strict: false, tokens: true }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split(/\.\s/)[0]} (see --help)`);
  }
  const options = new Map<string, string[]>();
  const positionals: string[] = [];
  const add = (name: string, value: string) => options.set(name, [...(options.get(name) ?? []), value]);
  for (const token of tokens) {
    if (token.kind === "option-terminator") return { options, positionals, rest: argv.slice(token.index + 1) };
    if (token.kind === "positional") {
      if (stopAtPositional) return { options, positionals: [token.value], rest: argv.slice(token.index + 1) };
      positionals.push(token.value);
      continue;
    }
    const { name, rawName } = token;
    if (name === "h" || name === "help") throw new HelpRequested();
    if (spec.flags.includes(name)) {
      if (token.value === undefined) add(name, "true");
      else if (token.value === "false") options.delete(name);
      else if (token.value === "true") add(name, "true");
      else throw new UsageError(`--${name} is a flag: give it alone, or =true or =false`);
    } else if (spec.values.includes(name)) {
      if (token.value === undefined) throw new UsageError(`--${name} needs a value`);
      add(name, token.value);
    } else throw new UsageError(`unknown option ${rawName} (see --help)`);
  }
  return { options, positionals, rest: [] };
}

export const option = (args: ParsedArgs, name: string): string | undefined => args.options.get(name)?.at(-1);

export function intOption(args: ParsedArgs, name: string, fallback: number): number {
  const text = option(args, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new UsageError(`--${name} needs a whole number, got '${text}'`);
  return value;
}
export const flag = (args: ParsedArgs, name: string): boolean => args.options.has(name);
