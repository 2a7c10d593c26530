import { expectReply } from "../cluster/link.ts";
import { flag, parseArgs, type Command } from "./command.ts";
import { CLUSTER_VALUES, LISTING_HELP, withCluster } from "./cluster-options.ts";
import { formatTable } from "./table.ts";

const ms = (us: number | null | undefined): string => `${((us ?? 0) / 1000).toFixed(1)}ms`;
const labelText = (labels: Record<string, string>) => Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",") || "-";

export const nodesCommand: Command = {
  help: `usage: onebox nodes [options]

List every member: id, name, state (alive, suspect, down), load (processes),
its event loop's delay over its last heartbeat window (p99 and max, ms: how long
anything held the node), labels and URL.

${LISTING_HELP}`,
  async run(argv) {
    const args = parseArgs(argv, { values: CLUSTER_VALUES, flags: ["json"] });
    const { members } = await withCluster(args, (channel) => expectReply(channel.call({ nodes: {} }), "members"));
    if (flag(args, "json")) console.log(JSON.stringify(members.map((m) => ({ ...m, labels: { ...m.labels } }))));
    else {
      const rows = members.map((m) => [String(m.id), m.name, m.state, String(m.load), ms(m.loopP99Us), ms(m.loopMaxUs), labelText(m.labels), m.url]);
      console.log(formatTable(["ID", "NAME", "STATE", "LOAD", "LOOP P99", "LOOP MAX", "LABELS", "URL"], rows));
    }
    return 0;
  },
};
