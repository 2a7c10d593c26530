// A command's --help text, made from the OptionSpecs it parses (options.ts).
import { optionLabel, type OptionSpec } from "./options.ts";

/** --help's width, and the column option descriptions start at, at most. */
const WIDTH = 80;
const MAX_COLUMN = 24;

const HELP_OPTION: OptionSpec = { name: "help", short: "h", help: "show this help" };

/** `text` broken at spaces into lines of at most `width` characters, each indented by `indent`. */
function wrap(text: string, indent: number, width = WIDTH): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (line !== "" && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.map((l) => " ".repeat(indent) + l).join("\n");
}

/** What --help says an option does: its text, whether it repeats, and its default. */
function description(o: OptionSpec): string {
  return [o.help, o.repeatable ? "(repeatable)" : "", o.default === undefined ? "" : `(default ${o.default})`].filter((s) => s !== "").join(" ");
}

/**
 * The options listed by section, each label in a column and its description wrapped
 * beside it (or below it, for a label too long for the column), and -h, --help last in
 * the first section.
 */
function optionsHelp(spec: readonly OptionSpec[]): string {
  const sections = new Map<string, OptionSpec[]>();
  for (const o of spec) {
    const title = o.section ?? "options";
    sections.set(title, [...(sections.get(title) ?? []), o]);
  }
  if (sections.size === 0) sections.set("options", []);
  sections.values().next().value!.push(HELP_OPTION);
  const column = Math.min(MAX_COLUMN, 2 + Math.max(...[...spec, HELP_OPTION].map((o) => optionLabel(o).length + 2)));
  const entry = (o: OptionSpec): string => {
    const label = `  ${optionLabel(o)}`;
    const text = wrap(description(o), column);
    return label.length + 1 < column ? label.padEnd(column) + text.slice(column) : `${label}\n${text}`;
  };
  return [...sections].map(([title, list]) => `${wrap(title, 0)}:\n${list.map(entry).join("\n")}`).join("\n\n");
}

/** A command's whole --help: its usage and what it does, then its options. */
export function helpText(usage: string, spec: readonly OptionSpec[]): string {
  return `${usage.trimEnd()}\n\n${optionsHelp(spec)}`;
}
