import { invariant } from "../../kernel/invariant.ts";
import { closesCycle } from "../../kernel/wait-for.ts";
import { prefixEnd } from "./etcd-keys.ts";
import type { EtcdSession } from "./etcd-session.ts";
import type { ProcessWrites } from "./process-writes.ts";

/**
 * The most edges one cycle check reads. With more processes waiting at once than this, a
 * cycle through the rest goes unseen (logged).
 */
export const MAX_EDGES_READ = 100_000;

/**
 * Edges per read: a lock edge's value names its claim, whose key holds the URI-encoded
 * lock name (up to about 9.3 KB for 1024 three-byte characters), and the client takes
 * answers of at most 4 MiB (gRPC's default): 256 such edges are 2.4 MB.
 */
const EDGES_PER_READ = 256;

/**
 * Reads per transaction when a found cycle's claims are checked: etcd's default
 * --max-txn-ops is 128, and 128 claim keys of up to 9.3 KB stay under its 1.5 MiB request.
 */
const CLAIMS_PER_TXN = 128;

/** An edge as etcd has it: the pid waited for, and for a lock wait the claim key of that pid it waits behind. */
interface Edge {
  readonly to: number;
  readonly claim: string | undefined;
}

/**
 * The cluster's wait-for graph on etcd: one key per waiting process (etcd-keys.ts `wait`),
 * valued with the pid it waits for (and, for a lock wait, the claim it waits behind), on
 * its node's lease, so a dead node's edges go with it. A process about to wait writes
 * its edge and reads every edge in one transaction, then looks for a cycle through its
 * own edge. etcd orders transactions, so of two processes closing one cycle at the same
 * moment the later one reads the earlier one's edge and is told EDEADLK: a cycle is never
 * missed. A lock wait's edge goes stale when the claim it waits behind is deleted, until
 * its waiter reads again; so a cycle found is checked against the claims as they were
 * right after the write (one more read, on that path only), and one through a deleted
 * claim is none: the stale edge's waiter writes its new edge, and checks, when it reads.
 * Each process has at most one edge: it waits in one call at a time.
 */
export class EtcdWaitGraph {
  private readonly session: EtcdSession;
  private readonly writes: ProcessWrites;
  /** pid -> the pid it waits for, for this node's processes with an edge published. */
  private readonly edges = new Map<number, number>();

  constructor(session: EtcdSession, writes: ProcessWrites) {
    this.session = session;
    this.writes = writes;
  }

  /**
   * `pid` now waits for `next` (behind `next`'s lock claim `claim`, for a lock wait):
   * publish the edge, replacing its previous one, then whether the graph as etcd has it
   * right after that write has a cycle through it.
   */
  async closesCycle(pid: number, next: number, claim?: Buffer): Promise<boolean> {
    invariant(Number.isSafeInteger(next) && next > 0 && next !== pid, () => `wait-for edge ${pid} -> ${next}`);
    this.edges.set(pid, next);
    const keys = this.session.keys;
    const value = claim === undefined ? String(next) : `${next} ${claim.toString()}`;
    const answer = await this.writes.run(pid, () =>
      this.session.call(`wait-for edge of ${pid}`, () =>
        this.session.client.kv.txn({
          compare: [],
          success: [
            { request_put: { key: keys.wait(pid), value: Buffer.from(value), lease: this.session.leaseId } },
            { request_range: { key: keys.waitsPrefix, range_end: prefixEnd(keys.waitsPrefix), limit: String(EDGES_PER_READ) } },
          ],
        }),
      ),
    );
    // The wait ended while the edge was out at etcd (withdraw has been queued after it).
    if (this.edges.get(pid) !== next) return false;
    const first = answer.responses[1]?.response_range;
    invariant(first !== undefined, "wait-for transaction answered without its range");
    const revision = answer.header.revision;
    const graph = new Map<number, Edge>();
    // The rest of the edges, a page at a time, as they were at the write's revision.
    for (let page = first; ; ) {
      for (const kv of page.kvs) {
        const edge = parseEdge(kv.value.toString());
        const from = keys.waitPid(kv.key);
        if (edge && Number.isSafeInteger(from)) graph.set(from, edge);
      }
      const last = page.kvs.at(-1);
      if (!page.more || last === undefined) break;
      if (graph.size >= MAX_EDGES_READ) {
        this.session.log(`wait-for graph: more than ${MAX_EDGES_READ} edges; a cycle through the others is not seen`);
        break;
      }
      const after = Buffer.concat([last.key, Buffer.from([0])]);
      page = await this.session.call(`wait-for graph for ${pid}`, () =>
        this.session.client.kv.range({ key: after, range_end: prefixEnd(keys.waitsPrefix), limit: String(EDGES_PER_READ), revision }),
      );
    }
    invariant(graph.size >= MAX_EDGES_READ || graph.get(pid)?.to === next, () => `wait-for edge ${pid} -> ${next} missing from the read that followed its write`);
    if (!closesCycle(pid, next, (p) => graph.get(p)?.to, graph.size)) return false;
    return this.claimsHeld(cycleClaims(pid, graph), revision);
  }

  /** `pid` no longer waits (granted, its child ended, refused, or it ended): its edge goes. */
  withdraw(pid: number): void {
    if (!this.edges.delete(pid)) return;
    const key = this.session.keys.wait(pid);
    void this.writes.run(pid, () => this.session.eventually(`withdraw wait-for edge of ${pid}`, () => this.session.client.kv.deleteRange({ key })));
  }

  /** Whether every claim in `claims` still existed at `revision`: the lock waits of a cycle found then were real. */
  private async claimsHeld(claims: readonly string[], revision: string): Promise<boolean> {
    for (let at = 0; at < claims.length; at += CLAIMS_PER_TXN) {
      const reads = claims.slice(at, at + CLAIMS_PER_TXN).map((key) => ({ request_range: { key: Buffer.from(key), revision, count_only: true } }));
      const answer = await this.session.call("wait-for cycle's claims", () => this.session.client.kv.txn({ compare: [], success: reads }));
      if (answer.responses.some((r) => Number(r.response_range.count) === 0)) return false;
    }
    return true;
  }
}

/** An edge's value: `PID` or `PID CLAIMKEY`; undefined if it is neither. */
function parseEdge(value: string): Edge | undefined {
  const space = value.indexOf(" ");
  const to = Number(space < 0 ? value : value.slice(0, space));
  if (!Number.isSafeInteger(to) || to <= 0) return undefined;
  return { to, claim: space < 0 ? undefined : value.slice(space + 1) };
}

/** The claims the lock waits of the cycle through `pid` wait behind (closesCycle found it). */
function cycleClaims(pid: number, graph: ReadonlyMap<number, Edge>): string[] {
  const claims: string[] = [];
  let at = pid;
  for (let hops = 0; hops <= graph.size; hops++) {
    const edge = graph.get(at)!;
    if (edge.claim !== undefined) claims.push(edge.claim);
    at = edge.to;
    if (at === pid) return claims;
  }
  invariant(false, () => `wait-for cycle through ${pid} did not come back to it`);
}
