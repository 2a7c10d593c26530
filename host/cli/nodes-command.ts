import { expectReply } from "../cluster/link.ts";
import { flag, parseArgs, type Command } from "./command.ts";
import { CLUSTER_VALUES, LISTING_HELP, withCluster } from "./cluster-options.ts";
import { formatTable } from "./table.ts";

const labelText = (labels: Record<string, string>) => Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",") || "-";

export const nodesCommand: Command = {
  help: `usage: onebox nodes [options]

List every member: id, name, state (alive, suspect, down), load (processes),
labels and URL.

${LISTING_HELP}`,
  async run(argv) {
    const args = parseArgs(argv, { values: CLUSTER_VALUES, flags: ["json"] });
    const { members } = await withCluster(args, (channel) => expectReply(channel.call({ nodes: {} }), "members"));
    if (flag(args, "json")) console.log(JSON.stringify(members.map((m) => ({ ...m, labels: { ...m.labels } }))));
    else console.log(formatTable(["ID", "NAME", "STATE", "LOAD", "LABELS", "URL"], members.map((m) => [String(m.id), m.name, m.state, String(m.load), labelText(m.labels), m.url])));
    return 0;
  },
};
