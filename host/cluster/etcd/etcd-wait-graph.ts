import { invariant } from "../../kernel/invariant.ts";
import { closesCycle } from "../../kernel/wait-for.ts";
import { prefixEnd } from "./etcd-keys.ts";
import type { EtcdSession } from "./etcd-session.ts";

/**
 * The most edges one cycle check reads (about 40 bytes each: 4 MB). A cluster with more
 * processes waiting at once than this has a cycle through the rest go unseen (logged).
 */
export const MAX_EDGES_READ = 100_000;

/**
 * The cluster's wait-for graph on etcd: one key per waiting process (etcd-keys.ts `wait`),
 * valued with the pid it waits for, on its node's lease, so a dead node's edges go with
 * it. A process about to wait writes its edge and reads every edge in one transaction,
 * then looks for a cycle through its own edge. etcd orders transactions, so of two
 * processes closing one cycle at the same moment the later one reads the earlier one's
 * edge and is told EDEADLK: a cycle is never missed. (Only the later one, as long as no
 * edge is stale; a stale edge, in the moment between a release and its waiter's wake-up,
 * can make both sides, or a process that was about to be granted, see a cycle: the
 * refused call gets EDEADLK and may retry, as with any lock manager's phantom deadlock.)
 * Each process has at most one edge: it waits in one call at a time.
 */
export class EtcdWaitGraph {
  private readonly session: EtcdSession;
  /** pid -> the pid it waits for, for this node's processes with an edge published. */
  private readonly edges = new Map<number, number>();
  /** pid -> the last of its edge writes: one process's writes reach etcd in the order made. */
  private readonly writes = new Map<number, Promise<unknown>>();

  constructor(session: EtcdSession) {
    this.session = session;
  }

  /** Edges this node has published: its processes that wait now. */
  get size(): number {
    return this.edges.size;
  }

  /**
   * `pid` now waits for `next`: publish the edge (replacing its previous one), then
   * whether the graph as etcd has it right after that write has a cycle through it.
   */
  async closesCycle(pid: number, next: number): Promise<boolean> {
    invariant(Number.isSafeInteger(next) && next > 0 && next !== pid, () => `wait-for edge ${pid} -> ${next}`);
    this.edges.set(pid, next);
    const keys = this.session.keys;
    const answer = await this.inOrder(pid, () =>
      this.session.call(`wait-for edge of ${pid}`, () =>
        this.session.client.kv.txn({
          compare: [],
          success: [
            { request_put: { key: keys.wait(pid), value: Buffer.from(String(next)), lease: this.session.leaseId } },
            { request_range: { key: keys.waitsPrefix, range_end: prefixEnd(keys.waitsPrefix), limit: String(MAX_EDGES_READ) } },
          ],
        }),
      ),
    );
    // The wait ended while the edge was out at etcd (withdraw has been queued after it).
    if (this.edges.get(pid) !== next) return false;
    const read = answer.responses[1]?.response_range;
    invariant(read !== undefined, "wait-for transaction answered without its range");
    if (read.more) this.session.log(`wait-for graph: more than ${MAX_EDGES_READ} edges; a cycle through the others is not seen`);
    const graph = new Map<number, number>();
    for (const kv of read.kvs) {
      const from = keys.waitPid(kv.key);
      const to = Number(kv.value.toString());
      if (Number.isSafeInteger(from) && Number.isSafeInteger(to) && to > 0) graph.set(from, to);
    }
    invariant(read.more || graph.get(pid) === next, () => `wait-for edge ${pid} -> ${next} missing from the read that followed its write`);
    return closesCycle(pid, next, (p) => graph.get(p), graph.size);
  }

  /** `pid` no longer waits (granted, its child ended, refused, or it ended): its edge goes. */
  withdraw(pid: number): void {
    if (!this.edges.delete(pid)) return;
    const key = this.session.keys.wait(pid);
    void this.inOrder(pid, () => this.session.eventually(`withdraw wait-for edge of ${pid}`, () => this.session.client.kv.deleteRange({ key })));
  }

  /** Run `write` after every earlier write for `pid` has settled. */
  private inOrder<T>(pid: number, write: () => Promise<T>): Promise<T> {
    const next = (this.writes.get(pid) ?? Promise.resolve()).then(write, write);
    const settled = next.then(
      () => {},
      () => {},
    );
    this.writes.set(pid, settled);
    void settled.then(() => {
      if (this.writes.get(pid) === settled) this.writes.delete(pid);
    });
    return next;
  }
}
