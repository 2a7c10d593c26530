import { fail } from "../../kernel/errors.ts";
import type { EtcdSession } from "./etcd-session.ts";

const MAX_NAME = 1024;

/**
 * The name registry on etcd for this node's processes: a name is a key created only if
 * absent, valued with its owner's pid, on the node's lease, so a dead node's names go
 * with its lease. Unregistering compares the owner, so it never removes a name someone
 * else registered since.
 */
export class EtcdNames {
  private readonly session: EtcdSession;
  private readonly byPid = new Map<number, Set<string>>();

  constructor(session: EtcdSession) {
    this.session = session;
  }

  async register(name: string, pid: number): Promise<void> {
    if (name.length === 0 || name.length > MAX_NAME) fail("EINVAL", `name must be 1..${MAX_NAME} bytes`);
    const key = this.session.keys.name(name);
    const result = await this.session.call(`register ${name}`, () =>
      this.session.client.kv.txn({
        compare: [{ key, target: "Create", result: "Equal", create_revision: 0 }],
        success: [{ request_put: { key, value: Buffer.from(String(pid)), lease: this.session.leaseId } }],
        failure: [{ request_range: { key } }],
      }),
    );
    const existing = result.succeeded ? undefined : result.responses[0]?.response_range.kvs[0];
    // Registered to this very pid on this node's lease: an earlier attempt of this call did it.
    const ours = existing?.lease === this.session.leaseId && existing.value.toString() === String(pid);
    if (existing && !ours) fail("EEXIST", `${name} is registered to ${existing.value.toString()}`);
    let names = this.byPid.get(pid);
    if (!names) this.byPid.set(pid, (names = new Set()));
    names.add(name);
  }

  async unregister(name: string, pid: number): Promise<void> {
    const key = this.session.keys.name(name);
    const result = await this.session.call(`unregister ${name}`, () =>
      this.session.client.kv.txn({
        compare: [{ key, target: "Value", result: "Equal", value: Buffer.from(String(pid)) }],
        success: [{ request_delete_range: { key } }],
        failure: [{ request_range: { key } }],
      }),
    );
    if (!result.succeeded) {
      const owner = result.responses[0]?.response_range.kvs[0]?.value.toString();
      if (owner === undefined) fail("ENOENT", name);
      fail("EPERM", `${name} belongs to ${owner}`);
    }
    this.forget(name, pid);
  }

  async whereis(name: string): Promise<number> {
    const found = await this.session.call(`whereis ${name}`, () => this.session.client.kv.range({ key: this.session.keys.name(name) }));
    const owner = found.kvs[0];
    if (!owner) fail("ENOENT", name);
    return Number(owner.value.toString());
  }

  /** The process ended: its names go (each only if still its own), retried while etcd is away. */
  releaseAll(pid: number): void {
    for (const name of [...(this.byPid.get(pid) ?? [])]) {
      this.forget(name, pid);
      this.drop(name, pid);
    }
  }

  private forget(name: string, pid: number): void {
    const names = this.byPid.get(pid);
    names?.delete(name);
    if (names?.size === 0) this.byPid.delete(pid);
  }

  private drop(name: string, pid: number): void {
    const key = this.session.keys.name(name);
    void this.session.eventually(`drop name ${name}`, () =>
      this.session.client.kv.txn({ compare: [{ key, target: "Value", result: "Equal", value: Buffer.from(String(pid)) }], success: [{ request_delete_range: { key } }] }),
    );
  }
}
