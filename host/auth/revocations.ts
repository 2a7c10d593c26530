// The cluster's revocation list: per name, a time before which every credential of that
// name (certificate or token) is refused. By name and time, not by serial, so one entry
// stops every credential ever issued to a user (the ones nobody kept track of too), and a
// credential issued afterwards under the same name (`user add` again, maybe with another
// role) is valid. Entries only grow (a later time replaces an earlier one), so two lists
// merge by taking the later time of each name, whatever order they meet in.
import fs from "node:fs";
import path from "node:path";
import { fail } from "../kernel/errors.ts";
import { invariant } from "../kernel/invariant.ts";
import { writePrivateFile } from "./private-file.ts";
import { checkPrincipalName, type Principal } from "./roles.ts";

/** Names a list holds at most (users and nodes together); one more is ENOSPC. */
export const MAX_REVOKED = 4096;

export interface Revocation {
  readonly name: string;
  /** A node's certificate (`cluster revoke`), else a user's credentials (`user revoke`). */
  readonly node: boolean;
  /** Unix seconds: a credential issued at or before this is refused. */
  readonly before: number;
}

const keyOf = (name: string, node: boolean): string => `${node ? "node" : "user"}:${name}`;

/** One node's copy of the list, kept in `file` (when given) so it outlives the node. */
export class RevocationList {
  private readonly entries = new Map<string, Revocation>();
  private readonly file: string | undefined;

  constructor(file?: string) {
    this.file = file;
    if (file === undefined || !fs.existsSync(file)) return;
    let saved: unknown;
    try {
      saved = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
      throw new Error(`revocation list ${file} is not JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(saved)) throw new Error(`revocation list ${file} is not a JSON array`);
    this.take(saved.map((entry) => checked(entry as Partial<Revocation>)));
  }

  get size(): number {
    return this.entries.size;
  }

  list(): Revocation[] {
    return [...this.entries.values()];
  }

  /** Why a credential of `who` issued at `issuedAt` (Unix seconds) is refused; undefined if it is not. */
  refuses(who: Principal, issuedAt: number): string | undefined {
    const entry = this.entries.get(keyOf(who.name, who.role === "node"));
    if (entry === undefined || issuedAt > entry.before) return undefined;
    return `the credentials of ${who.role} '${who.name}' were revoked at ${new Date(entry.before * 1000).toISOString()}`;
  }

  /** Merge entries (a revoke, or another node's list); the ones that changed this list, saved before they are returned. */
  merge(list: readonly Revocation[]): Revocation[] {
    const changed = this.take(list.map((entry) => checked(entry)));
    if (changed.length > 0 && this.file !== undefined) {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      // Written whole then renamed: a node stopped mid-write keeps the previous list.
      writePrivateFile(`${this.file}.new`, JSON.stringify(this.list()));
      fs.renameSync(`${this.file}.new`, this.file);
    }
    return changed;
  }

  private take(list: readonly Revocation[]): Revocation[] {
    const added = new Set(list.map((e) => keyOf(e.name, e.node)).filter((key) => !this.entries.has(key)));
    if (this.entries.size + added.size > MAX_REVOKED) fail("ENOSPC", `the revocation list holds at most ${MAX_REVOKED} names`);
    const changed: Revocation[] = [];
    for (const entry of list) {
      const key = keyOf(entry.name, entry.node);
      const known = this.entries.get(key);
      if (known !== undefined && known.before >= entry.before) continue;
      this.entries.set(key, entry);
      changed.push(entry);
    }
    invariant(this.entries.size <= MAX_REVOKED, () => `${this.entries.size} revoked names`);
    return changed;
  }
}

/** An entry as it came (a file, a peer, a client): any other shape is EINVAL. */
function checked(entry: Partial<Revocation>): Revocation {
  const { name, node, before } = entry ?? {};
  if (typeof name !== "string" || typeof node !== "boolean" || !Number.isSafeInteger(before) || (before as number) <= 0) {
    fail("EINVAL", "a revocation needs a name, whether it is a node, and a time");
  }
  try {
    checkPrincipalName(name);
  } catch (error) {
    fail("EINVAL", (error as Error).message);
  }
  return { name, node, before: before as number };
}
