import { helpText } from "./option-help.ts";
import { parseOptions, type OptionSpec, type ParsedArgs } from "./options.ts";

/** A failure the user can act on: printed as one line, exit status 1. */
export class CliError extends Error {}

/** A command line onebox cannot read (unknown command or option, missing argument): exit status 2. */
export class UsageError extends CliError {}

/** -h or --help among a command's options: main prints that command's help. */
export class HelpRequested extends Error {}

/** A command's code, loaded when it runs; its name and summary are in commands.ts's table. */
export interface Command {
  /** Full --help text, made from `options`. */
  readonly help: string;
  /** The options each form of the command parses: by subcommand, or under "" for a command without. */
  readonly options: Readonly<Record<string, readonly OptionSpec[]>>;
  /** Returns the process exit status. */
  run(argv: string[]): Promise<number>;
}

/** One form of a command: the options it takes, and what it does with them. */
export interface CommandForm {
  readonly options: readonly OptionSpec[];
  /** run's: the first positional is the program, and what follows it is the program's. */
  readonly program?: boolean;
  run(args: ParsedArgs): Promise<number>;
}

/** What --help says before the options: the usage lines and what the command does. */
export interface CommandText {
  readonly usage: string;
}

/** A command with one form. */
export function defineCommand(command: CommandText & CommandForm): Command {
  return {
    help: helpText(command.usage, command.options),
    options: { "": command.options },
    run: async (argv) => command.run(parseOptions(argv, command.options, command.program)),
  };
}

/**
 * A command whose first word picks its form (`cluster up`, `user add`): each form's options
 * are listed under its own heading, unless there is only one.
 */
export function defineSubcommands(command: string, { usage }: CommandText, forms: Readonly<Record<string, CommandForm>>): Command {
  const names = Object.keys(forms);
  const listed = names.flatMap((name) => forms[name]!.options.map((o) => (names.length > 1 ? { ...o, section: `options of '${command} ${name}'` } : o)));
  return {
    help: helpText(usage, listed),
    options: Object.fromEntries(names.map((name) => [name, forms[name]!.options])),
    async run(argv) {
      const [sub, ...rest] = argv;
      if (sub === "-h" || sub === "--help") throw new HelpRequested();
      const form = sub === undefined ? undefined : Object.hasOwn(forms, sub) ? forms[sub] : undefined;
      if (!form) throw new UsageError(`unknown ${command} subcommand '${sub ?? ""}' (see onebox ${command} --help)`);
      return form.run(parseOptions(rest, form.options, form.program));
    },
  };
}
