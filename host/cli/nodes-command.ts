import { expectReply } from "../cluster/link.ts";
import { defineCommand, type Command } from "./command.ts";
import { LISTING_OPTIONS, withCluster } from "./cluster-options.ts";
import { flag } from "./options.ts";
import { formatTable } from "./table.ts";

const ms = (us: number | null | undefined): string => `${((us ?? 0) / 1000).toFixed(1)}ms`;
const labelText = (labels: Record<string, string>) => Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",") || "-";

export const nodesCommand: Command = defineCommand({
  usage: `usage: onebox nodes [options]

List every member: id, name, state (alive, suspect, down), load (processes),
its event loop's delay over its last heartbeat window (p99 and max, ms: how long
anything held the node), labels and URL.`,
  options: LISTING_OPTIONS,
  async run(args) {
    const { members } = await withCluster(args, (channel) => expectReply(channel.call({ nodes: {} }), "members"));
    if (flag(args, "json")) console.log(JSON.stringify(members.map((m) => ({ ...m, labels: { ...m.labels } }))));
    else {
      const rows = members.map((m) => [String(m.id), m.name, m.state, String(m.load), ms(m.loopP99Us), ms(m.loopMaxUs), labelText(m.labels), m.url]);
      console.log(formatTable(["ID", "NAME", "STATE", "LOAD", "LOOP P99", "LOOP MAX", "LABELS", "URL"], rows));
    }
    return 0;
  },
});
