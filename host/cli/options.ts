// The one option parser of every onebox command: each command declares its options once
// (an OptionSpec each), and both what is parsed and its --help text (option-help.ts) come
// from that declaration, so the two cannot drift apart.
import { parseArgs as parseUtilArgs, type ParseArgsOptionsConfig } from "node:util";
import { HelpRequested, UsageError } from "./command.ts";

/** One option a command takes. */
export interface OptionSpec {
  /** Its long name (--name), or one letter for an option that is only short (-D). */
  readonly name: string;
  /** Its one-letter alias: -f for --follow. */
  readonly short?: string;
  /** What its value is, as --help shows it (N, FILE, K=V); none: a flag, on or off. */
  readonly value?: string;
  /** Each one given is kept (--env A=1 --env B=2); otherwise the last one counts. */
  readonly repeatable?: boolean;
  /** Its value when not given; --help says "(default ...)". */
  readonly default?: string;
  /** What it does, for --help (wrapped there). */
  readonly help: string;
  /** The heading --help lists it under (default "options"). */
  readonly section?: string;
}

export interface ParsedArgs {
  /** Each option given, its values in order (a flag's is "true"). */
  readonly options: Map<string, string[]>;
  /** Positionals before the program (for run): the command's own. */
  readonly positionals: string[];
  /** Everything after the program (for run), or after `--`: passed on untouched. */
  readonly rest: string[];
  /** What was parsed against: the accessors below read defaults from it, and refuse names it lacks. */
  readonly spec: readonly OptionSpec[];
}

/** How --help names an option: `-f, --follow`, `--root DIR`, `-D NAME`. */
export function optionLabel(o: OptionSpec): string {
  const names = o.name.length === 1 ? `-${o.name}` : `${o.short ? `-${o.short}, ` : ""}--${o.name}`;
  return o.value === undefined ? names : `${names} ${o.value}`;
}

const isHelp = (arg: string) => arg === "-h" || arg === "--help";

/**
 * Parse `--name value`, `--name=value`, `--flag`, and a one-letter alias (`-f`, `-o FILE`,
 * `-DNAME`) against `spec`. An unknown option or a missing value is a usage error, in one
 * line naming it. `--flag=false` turns a flag off (a later one wins), as `--flag=true` turns
 * it on. `--` ends the options: what follows is positional (with `program`, the first is the program).
 * With `program` (run's), the first positional ends option parsing, so the program's own
 * flags reach the program. -h or --help anywhere among the options asks for the help.
 */
export function parseOptions(argv: readonly string[], spec: readonly OptionSpec[], program = false): ParsedArgs {
  const config: ParseArgsOptionsConfig = {};
  for (const o of spec) {
    if (o.name.length === 1 ? o.short !== undefined : o.short !== undefined && o.short.length !== 1) throw new Error(`option spec ${o.name}: a bad short name`);
    if (config[o.name]) throw new Error(`option spec ${o.name}: declared twice`);
    if (o.name === "help" || o.name === "h" || o.short === "h") throw new Error(`option spec ${o.name}: -h and --help are every command's own`);
    const short = o.name.length === 1 ? o.name : o.short;
    config[o.name] = { type: o.value === undefined ? "boolean" : "string", multiple: true, ...(short ? { short } : {}) };
  }
  let tokens;
  try {
    // Not strict: a flag's inline `=false` stays in its token, and unknown options are refused below, in one line.
    ({ tokens } = parseUtilArgs({ args: [...argv], options: config, allowPositionals: true, strict: false, tokens: true }));
  } catch (error) {
    // Node's message goes on to advise on quoting; its first sentence is the reason.
    throw new UsageError(`${(error as Error).message.split(/\.\s/)[0]} (see --help)`);
  }
  // Help first: asked for beside a wrong option, it is the help that is wanted.
  for (const token of tokens) {
    if (token.kind === "option-terminator" || (program && token.kind === "positional")) break;
    if (token.kind === "option" && isHelp(token.rawName)) throw new HelpRequested();
  }
  const options = new Map<string, string[]>();
  const positionals: string[] = [];
  const done = (rest: string[]): ParsedArgs => ({ options, positionals, rest, spec });
  const add = (name: string, value: string) => options.set(name, [...(options.get(name) ?? []), value]);
  for (const token of tokens) {
    if (token.kind === "option-terminator") {
      const after = argv.slice(token.index + 1);
      // run -- -odd-name.wasm ARGS: the program is still the first word, whatever it looks like.
      if (program) {
        positionals.push(...after.slice(0, 1));
        return done(after.slice(1));
      }
      positionals.push(...after);
      return done([]);
    }
    if (token.kind === "positional") {
      if (program) {
        positionals.push(token.value);
        return done(argv.slice(token.index + 1));
      }
      positionals.push(token.value);
      continue;
    }
    const o = spec.find((s) => s.name === token.name);
    if (!o) throw new UsageError(`unknown option ${token.rawName} (see --help)`);
    if (o.value === undefined) {
      if (token.value === undefined || token.value === "true") add(o.name, "true");
      else if (token.value === "false") options.delete(o.name);
      else throw new UsageError(`${token.rawName} is a flag: give it alone, or =true or =false`);
    } else {
      if (token.value === undefined) throw new UsageError(`${token.rawName} needs a value (${o.value})`);
      add(o.name, token.value);
    }
  }
  return done([]);
}

/** The spec of option `name`; asking for one the command did not declare is a bug in onebox. */
function declared(args: ParsedArgs, name: string): OptionSpec {
  const o = args.spec.find((s) => s.name === name);
  if (!o) throw new Error(`option --${name} is read but not declared by this command`);
  return o;
}

/** The option's value: the last one given, else its default. */
export function option(args: ParsedArgs, name: string): string | undefined {
  const o = declared(args, name);
  return args.options.get(name)?.at(-1) ?? o.default;
}

/** Every value given of a repeatable option, in order. */
export function options(args: ParsedArgs, name: string): string[] {
  declared(args, name);
  return args.options.get(name) ?? [];
}

/** Whether the option was given (a flag: whether it is on). */
export function given(args: ParsedArgs, name: string): boolean {
  declared(args, name);
  return args.options.has(name);
}

export const flag = given;

/** The option's value as a whole number (at least 0): the one given, its default, or `fallback`. */
export function intOption(args: ParsedArgs, name: string, fallback?: number): number {
  const text = option(args, name);
  if (text === undefined) {
    if (fallback === undefined) throw new Error(`option --${name} has no value, no default and no fallback`);
    return fallback;
  }
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) throw new UsageError(`--${name} needs a whole number, got '${text}'`);
  return value;
}

/** A whole or fractional number of seconds, as milliseconds. */
export function secondsOption(args: ParsedArgs, name: string, fallbackMs: number): number {
  const text = option(args, name);
  if (text === undefined) return fallbackMs;
  const seconds = Number(text);
  if (!(seconds > 0) || !Number.isFinite(seconds)) throw new UsageError(`--${name} needs a positive number of seconds, got '${text}'`);
  return seconds * 1000;
}

/** The one pid a command takes. */
export function pidArgument(args: ParsedArgs, command: string): number {
  const pid = Number(args.positionals[0]);
  if (args.positionals.length !== 1 || !Number.isInteger(pid) || pid <= 0) throw new UsageError(`${command} takes one pid (see --help)`);
  return pid;
}
