import { fail } from "./errors.ts";

const MAX_NAME = 1024;

/** Registered names -> pid, with the reverse index so a process's names go when it ends. */
export class NameRegistry {
  private readonly byName = new Map<string, number>();
  private readonly byPid = new Map<number, Set<string>>();

  register(name: string, pid: number): void {
    if (name.length === 0 || name.length > MAX_NAME) fail("EINVAL", `name must be 1..${MAX_NAME} bytes`);
    if (this.byName.has(name)) fail("EEXIST", `${name} is registered to ${this.byName.get(name)}`);
    this.byName.set(name, pid);
    let names = this.byPid.get(pid);
    if (!names) this.byPid.set(pid, (names = new Set()));
    names.add(name);
  }

  unregister(name: string, pid: number): void {
    const owner = this.byName.get(name);
    if (owner === undefined) fail("ENOENT", name);
    if (owner !== pid) fail("EPERM", `${name} belongs to ${owner}`);
    this.remove(name, pid);
  }

  whereis(name: string): number {
    const pid = this.byName.get(name);
    if (pid === undefined) fail("ENOENT", name);
    return pid;
  }

  releaseAll(pid: number): void {
    for (const name of [...(this.byPid.get(pid) ?? [])]) this.remove(name, pid);
  }

  entries(): IterableIterator<[string, number]> {
    return this.byName.entries();
  }

  private remove(name: string, pid: number): void {
    this.byName.delete(name);
    const names = this.byPid.get(pid);
    names?.delete(name);
    if (names?.size === 0) this.byPid.delete(pid);
  }
}
