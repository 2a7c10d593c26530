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
 * Parse `--name value`, `--name=value` and `--flag`. With `stopAtPositional`, the first
 * positional ends option parsing, so a guest's own flags reach the guest.
 */
export function parseArgs(argv: string[], spec: { values: string[]; flags: string[] }, stopAtPositional = false): ParsedArgs {
  const options = new Map<string, string[]>();
  const positionals: string[] = [];
  const add = (name: string, value: string) => options.set(name, [...(options.get(name) ?? []), value]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") return { options, positionals, rest: argv.slice(i + 1) };
    if (!arg.startsWith("-") || arg === "-") {
      if (stopAtPositional) return { options, positionals: [arg], rest: argv.slice(i + 1) };
      positionals.push(arg);
      continue;
    }
    const [rawName, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    const name = rawName.replace(/^--?/, "");
    if (name === "h" || name === "help") throw new HelpRequested();
    if (spec.flags.includes(name)) {
      // --flag=false turns a flag off (a later one wins), as --flag=true turns it on.
      if (inline === "false") options.delete(name);
      else if (inline === undefined || inline === "true") add(name, "true");
      else throw new UsageError(`--${name} is a flag: give it alone, or =true or =false`);
    }
    else if (spec.values.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      add(name, value);
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
