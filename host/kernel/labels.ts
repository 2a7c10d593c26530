import { fail } from "./errors.ts";

/** "k=v,k2=v2" as required labels. */
export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of text.split(",")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    if (eq <= 0) fail("EINVAL", `label '${pair}' is not k=v`);
    labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return labels;
}

/** Whether `labels` (a node's) carry every label of `want`. */
export const hasLabels = (labels: Readonly<Record<string, string>>, want: Readonly<Record<string, string>>): boolean =>
  Object.entries(want).every(([k, v]) => labels[k] === v);

/** Labels as a placement constraint, "k=v,k2=v2". */
export const labelText = (labels: Readonly<Record<string, string>>): string =>
  Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",");
