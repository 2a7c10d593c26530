import type { Coordinator } from "../kernel/coordinator.ts";
import { toBigint } from "../transport/wire.ts";
import type { Link } from "./link.ts";

/** The kernel's Coordinator on a node that is not the coordinator: every call goes there. */
export class RemoteCoordinator implements Coordinator {
  private readonly link: () => Link;

  constructor(link: () => Link) {
    this.link = link;
  }

  async lock(name: string, pid: number, timeoutMs: number): Promise<bigint> {
    return toBigint((await this.link().call({ lock: { name, pid, timeoutMs } }, "token")).token);
  }

  async unlock(name: string, pid: number): Promise<void> {
    await this.link().call({ unlock: { name, pid } }, "empty");
  }

  async register(name: string, pid: number): Promise<void> {
    await this.link().call({ register: { name, pid } }, "empty");
  }

  async unregister(name: string, pid: number): Promise<void> {
    await this.link().call({ unregister: { name, pid } }, "empty");
  }

  async whereis(name: string): Promise<number> {
    return (await this.link().call({ whereis: { name } }, "pid")).pid;
  }

  /**
   * One-way: it follows the process's earlier calls on the same link, so it lands after
   * them. With the coordinator declared down there is no lock table left to tell: this is
   * called as a process ends, which must not fail because the coordinator is gone.
   */
  releaseAll(pid: number): void {
    let link: Link;
    try {
      link = this.link();
    } catch {
      return;
    }
    link.cast({ releaseAll: { pid } });
  }
}
