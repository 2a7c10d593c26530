import { FLAGS } from "../../abi/abi.ts";
import { fail } from "./errors.ts";
import { MAX_PATH, type ResolvedPath } from "./namespace.ts";
import { hasLabels, labelText, parseLabels } from "./labels.ts";

/**
 * What a process may do beside its limits (process-limits.ts): which parts of the
 * namespace it reaches, whether it spawns, which locks and names it takes, which
 * processes it kills. A child gets its parent's set, or a narrower one the
 * parent asked for with childcap; nothing a process does widens it.
 */
export interface Capabilities {
  /** Namespace subtrees it reaches; undefined: the whole namespace, read-write. */
  readonly paths: readonly PathGrant[] | undefined;
  readonly maySpawn: boolean;
  /** Labels a node must carry for it to spawn there; empty: any node. */
  readonly spawnLabels: Readonly<Record<string, string>>;
  /** Lock-name prefixes it may take; undefined: any name. */
  readonly lockPrefixes: readonly string[] | undefined;
  /** Registry-name prefixes it may register; undefined: any name. */
  readonly namePrefixes: readonly string[] | undefined;
  /** Which processes it may kill, monitor and link (process-scope.ts). */
  readonly scope: ProcessScope;
}

/**
 * "owner": any process of its owner (any at all without one); "descendants": itself and
 * its descendants, on any node; "children": itself and its children. Widest first.
 */
export const PROCESS_SCOPES = ["owner", "descendants", "children"] as const;
export type ProcessScope = (typeof PROCESS_SCOPES)[number];

/** The narrower of two scopes. */
const narrower = (a: ProcessScope, b: ProcessScope): ProcessScope => (PROCESS_SCOPES.indexOf(a) > PROCESS_SCOPES.indexOf(b) ? a : b);

/** A scope as a frame carries it; "" (absent) is "descendants", anything else unknown EINVAL. */
export function parseScope(text: string | null | undefined): ProcessScope {
  if (!text) return "descendants";
  if (!(PROCESS_SCOPES as readonly string[]).includes(text)) fail("EINVAL", `no process scope '${text}' (owner, descendants, children)`);
  return text as ProcessScope;
}

/** A subtree of the namespace, as the node serving it and a path in that node's export ("" its root). */
export interface PathGrant {
  /** A node's name, or EVERY_NODE: that path in every node's export. */
  readonly node: string;
  readonly rel: string;
  readonly write: boolean;
}

/** Prefixes one set may list; the childcap call that would pass it is EINVAL. */
export const MAX_GRANTS = 64;

/** The node name of a grant that holds on every node (no node may be named so). */
export const EVERY_NODE = "*";

/** Everything: the widest set there is, which every set is within. */
export const FULL_CAPABILITIES: Capabilities = { paths: undefined, maySpawn: true, spawnLabels: {}, lockPrefixes: undefined, namePrefixes: undefined, scope: "owner" };

/** A process started without a set (an embedded run's, a test's): everything, but its scope is its descendants. */
export const ROOT_CAPABILITIES: Capabilities = { ...FULL_CAPABILITIES, scope: "descendants" };

const KIND = FLAGS.capKind;

/** Whether `rel` is `prefix` or lies under it, component by component. */
const under = (rel: string, prefix: string): boolean => prefix === "" || rel === prefix || rel.startsWith(prefix + "/");

/** Whether `grant` covers `where`; a `where` on EVERY_NODE only by a grant on every node. */
const grantCovers = (grant: PathGrant, where: ResolvedPath, write: boolean): boolean =>
  (grant.node === EVERY_NODE || grant.node === where.node) && under(where.rel, grant.rel) && (grant.write || !write);

/** Whether `caps` reaches `where` (for writing, when `write`). */
export const mayReach = (caps: Capabilities, where: ResolvedPath, write: boolean): boolean =>
  caps.paths === undefined || caps.paths.some((grant) => grantCovers(grant, where, write));

/** EACCES unless the process may reach `where` so; `path` is the guest's spelling, for the message. */
export function checkPath(caps: Capabilities, where: ResolvedPath, write: boolean, path: string): void {
  if (!mayReach(caps, where, write)) fail("EACCES", `${path} is outside the caller's ${write ? "writable" : "readable"} namespace`);
}

/**
 * EACCES unless the process may make directory `where`: where it may write, or on the way
 * to a subtree it may write (so `home/` can be made for a grant of `home/<owner>` that
 * does not exist yet on a node).
 */
export function checkMakeDir(caps: Capabilities, where: ResolvedPath, path: string): void {
  const onTheWay = (g: PathGrant): boolean => g.write && (g.node === EVERY_NODE || g.node === where.node) && under(g.rel, where.rel);
  if (!mayReach(caps, where, true) && !caps.paths?.some(onTheWay)) checkPath(caps, where, true, path);
}

const allowed = (prefixes: readonly string[] | undefined, name: string): boolean =>
  prefixes === undefined || prefixes.some((prefix) => name.startsWith(prefix));

export function checkLockPrefix(caps: Capabilities, name: string): void {
  if (!allowed(caps.lockPrefixes, name)) fail("EACCES", `lock '${name}' is outside the caller's lock prefixes`);
}

export function checkNamePrefix(caps: Capabilities, name: string): void {
  if (!allowed(caps.namePrefixes, name)) fail("EACCES", `name '${name}' is outside the caller's name prefixes`);
}

export function checkMaySpawn(caps: Capabilities): void {
  if (!caps.maySpawn) fail("EPERM", "the caller may not spawn");
}

/**
 * The placement constraint of a spawn that names no node: the labels it asked for and
 * those the caller may spawn on; EPERM if they ask for another value of one of those.
 */
export function spawnConstraint(caps: Capabilities, asked: string): string {
  if (Object.keys(caps.spawnLabels).length === 0) return asked;
  const labels = parseLabels(asked);
  for (const [k, v] of Object.entries(caps.spawnLabels)) {
    if (labels[k] !== undefined && labels[k] !== v) fail("EPERM", `the caller may spawn only on nodes with ${k}=${v}`);
  }
  return labelText({ ...labels, ...caps.spawnLabels });
}

/** EPERM unless node `node`, carrying `labels()` (undefined: unknown, none), may run the caller's children. */
export function checkSpawnNode(caps: Capabilities, node: string, labels: () => Readonly<Record<string, string>> | undefined): void {
  if (Object.keys(caps.spawnLabels).length > 0 && !hasLabels(labels() ?? {}, caps.spawnLabels)) fail("EPERM", `node ${node} lacks the labels ${labelText(caps.spawnLabels)} the caller may spawn on`);
}

function addGrant<T>(list: readonly T[] | undefined, grant: T): T[] {
  const next = [...(list ?? []), grant];
  if (next.length > MAX_GRANTS) fail("EINVAL", `more than ${MAX_GRANTS} grants of one kind`);
  return next;
}

/**
 * `child` (the set the caller's children get so far) narrowed by one childcap call,
 * checked against `own` (the caller's own set): a grant `own` does not hold is EINVAL,
 * so a narrowing never widens. The first grant of a kind replaces "everything" with
 * that one grant; later ones add to it. `where` is the resolved path of a CAP_PATH_* call.
 */
export function narrowCapabilities(own: Capabilities, child: Capabilities, kind: number, text: string, where: () => ResolvedPath): Capabilities {
  if (text.length > MAX_PATH) fail("ENAMETOOLONG", `a capability text of ${text.length} characters, over ${MAX_PATH}`);
  switch (kind) {
    case KIND.CAP_RESET.value:
      return own;
    case KIND.CAP_PATH_RO.value:
    case KIND.CAP_PATH_RW.value: {
      const write = kind === KIND.CAP_PATH_RW.value;
      const at = where();
      if (!mayReach(own, at, write)) fail("EINVAL", `${text} ${write ? "read-write" : "read-only"} is more than the caller holds`);
      const paths = addGrant(child.paths === own.paths ? undefined : child.paths, { node: at.node, rel: at.rel, write });
      return { ...child, paths };
    }
    case KIND.CAP_LOCK_PREFIX.value:
      if (!allowed(own.lockPrefixes, text)) fail("EINVAL", `lock prefix '${text}' is more than the caller holds`);
      return { ...child, lockPrefixes: addGrant(child.lockPrefixes === own.lockPrefixes ? undefined : child.lockPrefixes, text) };
    case KIND.CAP_NAME_PREFIX.value:
      if (!allowed(own.namePrefixes, text)) fail("EINVAL", `name prefix '${text}' is more than the caller holds`);
      return { ...child, namePrefixes: addGrant(child.namePrefixes === own.namePrefixes ? undefined : child.namePrefixes, text) };
    case KIND.CAP_SPAWN_LABELS.value: {
      const spawnLabels = { ...child.spawnLabels, ...parseLabels(text) };
      if (Object.keys(spawnLabels).length > MAX_GRANTS) fail("EINVAL", `more than ${MAX_GRANTS} spawn labels`);
      if (!hasLabels(spawnLabels, own.spawnLabels)) fail("EINVAL", `spawn labels ${text} drop one of the caller's own, ${labelText(own.spawnLabels)}`);
      return { ...child, spawnLabels };
    }
    case KIND.CAP_NO_SPAWN.value:
      return { ...child, maySpawn: false };
    case KIND.CAP_KILL_CHILDREN.value:
      return { ...child, scope: "children" };
    case KIND.CAP_SCOPE_DESCENDANTS.value:
      return { ...child, scope: narrower(child.scope, "descendants") };
    default:
      fail("EINVAL", `no capability kind ${kind}`);
  }
}

/** Whether `inner` grants nothing `outer` does not: the invariant of every child's set. */
export function within(inner: Capabilities, outer: Capabilities): boolean {
  const paths = inner.paths === undefined ? outer.paths === undefined : inner.paths.every((g) => mayReach(outer, g, g.write));
  const prefixes = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean =>
    a === undefined ? b === undefined : a.every((p) => allowed(b, p));
  return (
    paths &&
    (outer.maySpawn || !inner.maySpawn) &&
    hasLabels(inner.spawnLabels, outer.spawnLabels) &&
    prefixes(inner.lockPrefixes, outer.lockPrefixes) &&
    prefixes(inner.namePrefixes, outer.namePrefixes) &&
    narrower(inner.scope, outer.scope) === inner.scope
  );
}

/** The kinds capgive hands over: those that name a subtree or a prefix. */
const GIFT_KINDS: ReadonlySet<number> = new Set([KIND.CAP_PATH_RO.value, KIND.CAP_PATH_RW.value, KIND.CAP_LOCK_PREFIX.value, KIND.CAP_NAME_PREFIX.value]);

/**
 * capgive: the TAG_CAP message data handing one capability of `own` (the giver's set):
 * kind (i32) and text, a path spelled /n/<node>/<path> so it means the same on the
 * receiver's node. EINVAL for another kind or a capability `own` does not hold.
 */
export function encodeGift(own: Capabilities, kind: number, text: string, where: () => ResolvedPath): Uint8Array {
  if (!GIFT_KINDS.has(kind)) fail("EINVAL", `capgive hands paths and prefixes, not capability kind ${kind}`);
  // A set of the giver's own narrowed by the one grant: EINVAL if the giver lacks it.
  const granted = narrowCapabilities(own, own, kind, text, where);
  const path = granted.paths?.at(-1);
  const spelled = kind === KIND.CAP_PATH_RO.value || kind === KIND.CAP_PATH_RW.value ? `/n/${path!.node}/${path!.rel}` : text;
  const body = new TextEncoder().encode(spelled);
  const data = new Uint8Array(4 + body.byteLength);
  new DataView(data.buffer).setInt32(0, kind, true);
  data.set(body, 4);
  return data;
}

/**
 * `caps` with the capability a TAG_CAP message's `data` hands over (from another node,
 * maybe malformed: EINVAL). `resolve` turns its /n/<node>/<path> into a ResolvedPath. A
 * set holding MAX_GRANTS of the kind, or all of the namespace or names, stays as it is.
 */
export function withGift(caps: Capabilities, data: Uint8Array, resolve: (path: string) => ResolvedPath): Capabilities {
  if (data.byteLength < 4 || data.byteLength > 4 + 4 * MAX_PATH) fail("EINVAL", `a capability message of ${data.byteLength} bytes`);
  const kind = new DataView(data.buffer, data.byteOffset, data.byteLength).getInt32(0, true);
  const text = new TextDecoder().decode(data.subarray(4));
  if (!GIFT_KINDS.has(kind)) fail("EINVAL", `a capability message of kind ${kind}`);
  const add = <T>(list: readonly T[] | undefined, item: T): readonly T[] | undefined =>
    list === undefined || list.length >= MAX_GRANTS ? list : [...list, item];
  switch (kind) {
    case KIND.CAP_LOCK_PREFIX.value:
      return { ...caps, lockPrefixes: add(caps.lockPrefixes, text) };
    case KIND.CAP_NAME_PREFIX.value:
      return { ...caps, namePrefixes: add(caps.namePrefixes, text) };
    default: {
      const where = resolve(text);
      return { ...caps, paths: add(caps.paths, { node: where.node, rel: where.rel, write: kind === KIND.CAP_PATH_RW.value }) };
    }
  }
}
