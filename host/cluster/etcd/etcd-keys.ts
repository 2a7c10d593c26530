/**
 * The key layout of one onebox cluster in etcd (docs/ARCHITECTURE.md "Coordination on
 * etcd"). Every key is under `onebox/<cluster>/`, so clusters can share one etcd.
 * Lock and registry names are URI-encoded: a `/` in a name never reaches another
 * name's prefix. A lone UTF-16 surrogate (which a component guest can pass) becomes
 * U+FFFD first, as encodeURIComponent throws on it.
 */
const encode = (name: string): string => encodeURIComponent(name.toWellFormed());

export class EtcdKeys {
  readonly root: string;

  constructor(cluster: string) {
    this.root = `onebox/${encode(cluster)}/`;
  }

  /** The node-id counter: bumped in a transaction, never decreased, so ids are never reused. */
  get nodeIdCounter(): Buffer {
    return Buffer.from(`${this.root}node-id`);
  }

  /** Member records (JSON name, url, labels), one per node, on that node's lease. */
  get membersPrefix(): Buffer {
    return Buffer.from(`${this.root}members/`);
  }

  member(id: number): Buffer {
    return Buffer.from(`${this.root}members/${id}`);
  }

  memberId(key: Buffer): number {
    return Number(key.toString().slice(this.membersPrefix.length));
  }

  /** Node loads (JSON load and loop delay), one per node, on that node's lease (etcd-loads.ts). */
  get loadsPrefix(): Buffer {
    return Buffer.from(`${this.root}loads/`);
  }

  load(id: number): Buffer {
    return Buffer.from(`${this.root}loads/${id}`);
  }

  loadId(key: Buffer): number {
    return Number(key.toString().slice(this.loadsPrefix.length));
  }

  /** One key per holder or waiter of lock `name`, on its node's lease; the lowest create revision holds. */
  lockPrefix(name: string): Buffer {
    return Buffer.from(`${this.root}locks/${encode(name)}/`);
  }

  lockEntry(name: string, pid: number): Buffer {
    return Buffer.from(`${this.root}locks/${encode(name)}/${pid}`);
  }

  /** Wait-for edges (etcd-wait-graph.ts), one per waiting process, on its node's lease. */
  get waitsPrefix(): Buffer {
    return Buffer.from(`${this.root}waits/`);
  }

  /** The edge of `pid`: its value is the pid it waits for (a lock claim ahead of its own, or its child). */
  wait(pid: number): Buffer {
    return Buffer.from(`${this.root}waits/${pid}`);
  }

  waitPid(key: Buffer): number {
    return Number(key.toString().slice(this.waitsPrefix.length));
  }

  /** Node `id`'s Lamport time at its newest lock release (etcd-lamport.ts), on its lease. */
  lamport(id: number): Buffer {
    return Buffer.from(`${this.root}lamport/${id}`);
  }

  /** A registered name: its value is the owner's pid; on the owner node's lease. */
  name(name: string): Buffer {
    return Buffer.from(`${this.root}names/${encode(name)}`);
  }
}

/** The end of the range of keys starting with `prefix` (etcd's range_end for a prefix). */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]!++;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}
