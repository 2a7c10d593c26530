import fs from "node:fs";
import path from "node:path";
import { expectReply } from "../cluster/link.ts";
import { packagePath } from "../package-root.ts";
import { buildGuest } from "../toolchain/build.ts";
import { CliError, defineCommand, type Command } from "./command.ts";
import { STATE_DIR, withCluster, type ClusterState } from "./cluster-options.ts";
import { runOnCluster } from "./cluster-run.ts";
import { clientArgs, progress, startLocalCluster, stopLocalCluster } from "./local-cluster.ts";
import { exampleSource, prebuiltModule, type PrebuiltExample } from "./prebuilt.ts";
import { flag, intOption, parseOptions } from "./options.ts";
import { RUN_OPTIONS } from "./run-command.ts";
import { formatTable } from "./table.ts";

const DEMO_DIR = path.join(STATE_DIR, "demo");
const RING = { processes: 30, laps: 100 };

/**
 * An example's module: the one the package ships built, else one built into the demo's
 * directory, whichever is not older than its source (npm gives every file of a package
 * the same time); built now when neither is.
 */
async function example(name: PrebuiltExample): Promise<string> {
  const source = exampleSource(name);
  const current = (wasm: string) => fs.existsSync(wasm) && fs.statSync(wasm).mtimeMs >= fs.statSync(source).mtimeMs;
  const out = path.join(DEMO_DIR, "build", `${name}.wasm`);
  const found = [prebuiltModule(name), out].find(current);
  if (found) return found;
  progress(`building examples/${name} ...`);
  await buildGuest(source, out);
  return out;
}

/** The project's own docs as the text to count: real prose, some tens of KiB. */
function writeInput(state: ClusterState): string {
  const docs = packagePath("docs");
  const files = [packagePath("README.md"), ...fs.readdirSync(docs).filter((f) => f.endsWith(".md")).map((f) => path.join(docs, f))];
  const text = files.filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f, "utf8")).join("\n");
  const dir = path.join(DEMO_DIR, "nodes", state.nodes[0]!.name, "data");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "input.txt"), text);
  return `/data/input.txt (${(text.length / 1024).toFixed(0)} KiB of the project's docs, on ${state.nodes[0]!.name} only)`;
}

async function runExample(state: ClusterState, wasm: string, guestArgs: string[]): Promise<void> {
  const args = parseOptions(["--cluster", state.url, "--secret-file", state.secretFile, ...(state.credentials ? ["--credentials", state.credentials] : []), "--on", state.nodes[0]!.name, wasm, ...guestArgs], RUN_OPTIONS, true);
  const status = await runOnCluster(args, path.basename(wasm), fs.readFileSync(wasm));
  if (status !== 0) throw new CliError(`${path.basename(wasm)} exited with status ${status}`);
}

/** Per node: how many processes of each module ran there, from ps --all. */
async function whatRanWhere(state: ClusterState): Promise<string> {
  const { procs } = await withCluster(clientArgs(state), (channel) => expectReply(channel.call({ ps: { cluster: true, ended: true } }), "procs"));
  const rows = state.nodes.map((node) => {
    const mine = procs.filter((p) => p.node === node.name);
    const byModule = new Map<string, number>();
    for (const p of mine) byModule.set(path.basename(p.module), (byModule.get(path.basename(p.module)) ?? 0) + 1);
    const what = [...byModule].map(([module, n]) => `${module} x${n}`).join(", ") || "-";
    return [node.name, String(mine.length), what];
  });
  return formatTable(["NODE", "PROCESSES", "WHAT RAN THERE"], rows);
}

export const demoCommand: Command = defineCommand({
  usage: `usage: onebox demo [--nodes N] [--base-port P] [--keep]

Start a local cluster of N node processes, run examples/mapreduce (one worker
per node counts words of a file that lives on node1 only) and examples/ring (a
token passed around ${RING.processes} processes spread over every node, ${RING.laps} laps), print
their results and a table of what ran where, then stop the cluster.
State, logs and exports go to ${DEMO_DIR}/.`,
  options: [
    { name: "nodes", value: "N", help: "how many nodes", default: "3" },
    { name: "base-port", value: "P", help: "first port", default: "7450" },
    { name: "keep", help: "leave the cluster running (stop it with: onebox demo --stop)" },
    { name: "stop", help: "stop a cluster a --keep demo left running" },
  ],
  async run(args) {
    if (flag(args, "stop")) return stopLocalCluster(DEMO_DIR).then(() => 0);
    const count = intOption(args, "nodes");
    if (count < 1) throw new CliError("--nodes must be at least 1");
    const [mapreduce, ring] = [await example("mapreduce"), await example("ring")];
    progress(`starting a local cluster of ${count} nodes ...`);
    const state = await startLocalCluster({ dir: DEMO_DIR, nodes: count, basePort: intOption(args, "base-port"), host: "127.0.0.1" });
    try {
      const names = state.nodes.map((n) => n.name);
      progress(`cluster up at ${state.url}`);
      progress(`input: ${writeInput(state)}`);
      console.log(`\n== mapreduce: one worker per node, reading its shard through node1's namespace ==`);
      await runExample(state, mapreduce, ["/data/input.txt", ...names]);
      console.log(`\n== ring: ${RING.processes} processes over ${count} nodes, ${RING.laps} laps ==`);
      await runExample(state, ring, [String(RING.processes), String(RING.laps), ...names]);
      console.log(`\n== what ran where ==\n${await whatRanWhere(state)}\n`);
    } finally {
      if (flag(args, "keep")) progress(`cluster left running at ${state.url}; stop it with 'onebox demo --stop'`);
      else {
        progress("stopping the cluster ...");
        await stopLocalCluster(DEMO_DIR);
        progress("done");
      }
    }
    return 0;
  },
});
