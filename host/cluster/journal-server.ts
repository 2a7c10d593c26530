import { randomBytes } from "node:crypto";
import type { Kernel } from "../kernel/kernel.ts";
import { readJournal } from "../kernel/journal/journal-reader.ts";
import { toNumber, type Bodies, type WireJournalPage } from "../transport/wire.ts";

/** Asks one other node for its own page (JournalQuery with cluster false). */
export type AskJournal = (query: Bodies["journal"]) => Promise<Bodies["journalPages"]>;

/**
 * Each node's journal identity, made at its first query: random, so a node restarted under
 * its name (a new kernel, whose journal starts again from 0) never answers with the old one's.
 */
const identities = new WeakMap<Kernel, string>();

export function journalIdentity(kernel: Kernel): string {
  let id = identities.get(kernel);
  if (id === undefined) identities.set(kernel, (id = randomBytes(8).toString("hex")));
  return id;
}

/**
 * This node's page of a query: from the cursor it names for this node, else from the
 * oldest kept; from the oldest too when the cursor was read from another journal than
 * this one (the node restarted under its name since).
 */
function pageHere(kernel: Kernel, query: Bodies["journal"]): WireJournalPage {
  const journal = journalIdentity(kernel);
  const cursor = query.since?.[kernel.nodeName];
  const readFrom = query.journals?.[kernel.nodeName];
  const from = cursor === undefined || (readFrom !== undefined && readFrom !== journal) ? 0 : toNumber(cursor);
  if (!kernel.journal) return { node: kernel.nodeName, records: [], next: from, lost: 0, horizon: kernel.lamport.now + 1, journal };
  return { ...readJournal(kernel.journal, kernel.nodeName, from), journal };
}

/**
 * The answer to a JournalQuery: this node's page and, for a cluster query, every other
 * alive node's (one that does not answer is left out: the merge goes on without it).
 */
export async function serveJournal(kernel: Kernel, query: Bodies["journal"], others: readonly AskJournal[]): Promise<Bodies["journalPages"]> {
  const here = pageHere(kernel, query);
  if (!query.cluster) return { pages: [here] };
  const { since, journals } = query;
  const theirs = await Promise.all(others.map((ask) => ask({ cluster: false, since: since ?? {}, journals: journals ?? {} }).then((r) => r.pages ?? [], () => [])));
  return { pages: [here, ...theirs.flat()] };
}
