import { formatCompare, formatReport } from "../../bench/report.ts";
import { loadReport, saveReport } from "../../bench/results.ts";
import { runSuite } from "../../bench/run.ts";
import { CliError, defineCommand, type Command, UsageError } from "./command.ts";
import { flag, option } from "./options.ts";

export const benchCommand: Command = defineCommand({
  usage: `usage: onebox bench [--quick] [--json] [--only NAMES] [--results DIR]
       onebox bench --compare A.json B.json

Run the syscall-overhead suite: every call a guest makes, timed from inside the
guest, beside the floor under it (a bare import call, a bare JSPI suspend, a bare
instantiate, a bare ws echo between two processes). The figure that matters is
the ratio. Progress goes to stderr; the table (or, with --json, one JSON object)
to stdout. Each run is saved in bench/results/. See docs/BENCHMARKS.md.`,
  options: [
    { name: "quick", help: "fewer samples: well under two minutes on two cores" },
    { name: "json", help: "print the report as one JSON object" },
    { name: "only", value: "NAMES", help: "comma-separated entries to run (their floors run too)" },
    { name: "results", value: "DIR", help: "where to save the run (default bench/results)" },
    { name: "compare", help: "given two saved runs A.json B.json: print the change per entry from A to B" },
  ],
  async run(args) {
    if (flag(args, "compare")) {
      const [a, b, ...extra] = args.positionals;
      if (!a || !b || extra.length > 0) throw new UsageError("--compare takes two result files (see --help)");
      try {
        console.log(formatCompare(loadReport(a), loadReport(b)));
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      return 0;
    }
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${args.positionals[0]} (see --help)`);
    const only = option(args, "only")?.split(",").filter(Boolean) ?? [];
    const progress = (text: string) => process.stderr.write(`bench: ${text}\n`);
    let report;
    try {
      report = await runSuite({ quick: flag(args, "quick"), only, progress });
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    progress(`saved ${saveReport(report, option(args, "results"))}`);
    if (flag(args, "json")) process.stdout.write(JSON.stringify(report) + "\n");
    else console.log(formatReport(report));
    return report.results.some((r) => r.error) ? 1 : 0;
  },
});
