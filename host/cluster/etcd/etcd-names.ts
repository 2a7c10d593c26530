import { fail } from "../../kernel/errors.ts";
import type { EtcdLamport } from "./etcd-lamport.ts";
import type { EtcdSession } from "./etcd-session.ts";

const MAX_NAME = 1024;

/**
 * The name registry on etcd for this node's processes: a name is a key created only if
 * absent, valued `PID STAMP` (its owner, and this node's Lamport time at the register,
 * which a `whereis` anywhere moves its clock past: etcd-lamport.ts), on the node's lease,
 * so a dead node's names go with its lease. Unregistering compares the whole value this
 * node wrote, so it never removes a name someone else registered since.
 */
export class EtcdNames {
  private readonly session: EtcdSession;
  private readonly lamport: EtcdLamport;
  /** pid -> its names -> the value registered. */
  private readonly byPid = new Map<number, Map<string, Buffer>>();

  constructor(session: EtcdSession, lamport: EtcdLamport) {
    this.session = session;
    this.lamport = lamport;
  }

  async register(name: string, pid: number): Promise<void> {
    if (name.length === 0 || name.length > MAX_NAME) fail("EINVAL", `name must be 1..${MAX_NAME} bytes`);
    const key = this.session.keys.name(name);
    const value = Buffer.from(`${pid} ${this.lamport.stamp()}`);
    const result = await this.session.call(`register ${name}`, () =>
      this.session.client.kv.txn({
        compare: [{ key, target: "Create", result: "Equal", create_revision: 0 }],
        success: [{ request_put: { key, value, lease: this.session.leaseId } }],
        failure: [{ request_range: { key } }],
      }),
    );
    const existing = result.succeeded ? undefined : result.responses[0]?.response_range.kvs[0];
    // Registered to this very pid on this node's lease: an earlier attempt of this call did it.
    const ours = existing?.lease === this.session.leaseId && existing.value.equals(value);
    if (existing && !ours) fail("EEXIST", `${name} is registered to ${ownerOf(existing.value)}`);
    let names = this.byPid.get(pid);
    if (!names) this.byPid.set(pid, (names = new Map()));
    names.set(name, value);
  }

  async unregister(name: string, pid: number): Promise<void> {
    const key = this.session.keys.name(name);
    const value = this.byPid.get(pid)?.get(name);
    const result =
      value === undefined
        ? undefined // not registered by `pid` here: only the error is left to find
        : await this.session.call(`unregister ${name}`, () =>
            this.session.client.kv.txn({
              compare: [{ key, target: "Value", result: "Equal", value }],
              success: [{ request_delete_range: { key } }],
              failure: [{ request_range: { key } }],
            }),
          );
    if (!result?.succeeded) {
      const owner = result ? result.responses[0]?.response_range.kvs[0]?.value : (await this.session.call(`unregister ${name}`, () => this.session.client.kv.range({ key }))).kvs[0]?.value;
      if (owner === undefined) fail("ENOENT", name);
      fail("EPERM", `${name} belongs to ${ownerOf(owner)}`);
    }
    this.forget(name, pid);
  }

  async whereis(name: string): Promise<number> {
    const found = await this.session.call(`whereis ${name}`, () => this.session.client.kv.range({ key: this.session.keys.name(name) }));
    const owner = found.kvs[0];
    if (!owner) fail("ENOENT", name);
    const [pid, stamp] = owner.value.toString().split(" ");
    this.lamport.observeText(stamp, owner.key);
    return Number(pid);
  }

  /** The process ended: its names go (each only if still its own), retried while etcd is away. */
  releaseAll(pid: number): void {
    for (const [name, value] of [...(this.byPid.get(pid) ?? [])]) {
      this.forget(name, pid);
      this.drop(name, value);
    }
  }

  private forget(name: string, pid: number): void {
    const names = this.byPid.get(pid);
    names?.delete(name);
    if (names?.size === 0) this.byPid.delete(pid);
  }

  private drop(name: string, value: Buffer): void {
    const key = this.session.keys.name(name);
    void this.session.eventually(`drop name ${name}`, () =>
      this.session.client.kv.txn({ compare: [{ key, target: "Value", result: "Equal", value }], success: [{ request_delete_range: { key } }] }),
    );
  }
}

/** The owner's pid in a name's value, as text for an error message. */
const ownerOf = (value: Buffer): string => value.toString().split(" ")[0]!;
