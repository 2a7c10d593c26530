import type { Kernel } from "../kernel/kernel.ts";
import { readJournal, type JournalPage } from "../kernel/journal/journal-reader.ts";
import { toNumber, type Bodies, type WireJournalPage } from "../transport/wire.ts";

/** Asks one other node for its own page (JournalQuery with cluster false). */
export type AskJournal = (query: Bodies["journal"]) => Promise<Bodies["journalPages"]>;

/** This node's page of a query: from the cursor it names for this node, else from the oldest kept. */
function pageHere(kernel: Kernel, since: Bodies["journal"]["since"]): JournalPage {
  const cursor = since[kernel.nodeName];
  const from = cursor === undefined ? 0 : toNumber(cursor);
  if (!kernel.journal) return { node: kernel.nodeName, records: [], next: from, lost: 0, horizon: kernel.lamport.now + 1 };
  return readJournal(kernel.journal, kernel.nodeName, from);
}

/**
 * The answer to a JournalQuery: this node's page and, for a cluster query, every other
 * alive node's (one that does not answer is left out: the merge goes on without it).
 */
export async function serveJournal(kernel: Kernel, query: Bodies["journal"], others: readonly AskJournal[]): Promise<Bodies["journalPages"]> {
  const since = query.since ?? {};
  const here: WireJournalPage = pageHere(kernel, since);
  if (!query.cluster) return { pages: [here] };
  const theirs = await Promise.all(others.map((ask) => ask({ cluster: false, since }).then((r) => r.pages ?? [], () => [])));
  return { pages: [here, ...theirs.flat()] };
}
