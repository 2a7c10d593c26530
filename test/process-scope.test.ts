// The process scope (kill, monitor, link) and the default sets of root processes, as
// pure functions: the cluster test (scope.test.ts) shows them on real nodes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { FLAGS } from "../abi/abi.ts";
import { checkMakeDir, EVERY_NODE, FULL_CAPABILITIES, narrowCapabilities, ROOT_CAPABILITIES, within, type Capabilities } from "../host/kernel/capabilities.ts";
import { SysError } from "../host/kernel/errors.ts";
import { resolvePath } from "../host/kernel/namespace.ts";
import { ancestorsOfChild, checkInScope, MAX_ANCESTORS, type Asker } from "../host/kernel/process-scope.ts";
import { rootCapabilities } from "../host/kernel/root-capabilities.ts";
import { ancestorsFromWire, capabilitiesFromWire, capabilitiesOnWire } from "../host/cluster/capabilities-wire.ts";

const errnoOf = (run: () => unknown): string => {
  try {
    run();
    return "ok";
  } catch (error) {
    if (error instanceof SysError) return error.errnoName;
    throw error;
  }
};

test("a process reaches itself and its descendants, on its owner's terms; --scope owner every process of its owner; the operator its owner's", () => {
  type Proc = { readonly pid: number; readonly owner: string; readonly ancestors: readonly number[] };
  const root: Proc = { pid: 10, owner: "alice", ancestors: [] };
  const child = { pid: 20, owner: "alice", ancestors: ancestorsOfChild(root) };
  const grandchild = { pid: 30, owner: "alice", ancestors: ancestorsOfChild(child) };
  const sibling = { pid: 40, owner: "alice", ancestors: [99] };
  const bobs = { pid: 50, owner: "bob", ancestors: [10] };
  const asker = (pid: number, scope: Asker["scope"], owner: string | undefined = "alice"): Asker => ({ pid, owner, scope });
  const verdict = (who: Asker, target: Proc): string => errnoOf(() => checkInScope(who, target, "kill"));
  assert.deepEqual([root, child, grandchild, sibling, bobs].map((t) => verdict(asker(10, "descendants"), t)), ["ok", "ok", "ok", "EPERM", "EPERM"]);
  assert.deepEqual([root, child, grandchild, sibling, bobs].map((t) => verdict(asker(10, "children"), t)), ["ok", "ok", "EPERM", "EPERM", "EPERM"]);
  assert.deepEqual([root, child, grandchild, sibling, bobs].map((t) => verdict(asker(10, "owner"), t)), ["ok", "ok", "ok", "ok", "EPERM"]);
  assert.deepEqual([sibling, bobs].map((t) => verdict({ pid: 10, owner: undefined, scope: "owner" }, t)), ["ok", "ok"], "no owner: the single-user model");
  assert.deepEqual([sibling, bobs].map((t) => verdict(asker(0, "descendants"), t)), ["ok", "EPERM"], "the operator, by its owner alone");
  // Ancestors are bounded: the 65th generation below a root is out of its reach.
  let deep = root;
  for (let generation = 1; generation <= MAX_ANCESTORS + 1; generation++) deep = { pid: 1000 + generation, owner: "alice", ancestors: ancestorsOfChild(deep) };
  assert.equal(deep.ancestors.length, MAX_ANCESTORS);
  assert.equal(verdict(asker(10, "descendants"), deep), "EPERM");
  assert.equal(verdict(asker(1002, "descendants"), deep), "ok");
});

test("a spawn's ancestors from the wire: its parent first, at most MAX_ANCESTORS, no pid twice", () => {
  assert.deepEqual(ancestorsFromWire(7, [7, 3]), [7, 3]);
  assert.deepEqual(ancestorsFromWire(0, []), []);
  assert.equal(errnoOf(() => ancestorsFromWire(7, [8, 3])), "EINVAL");
  assert.equal(errnoOf(() => ancestorsFromWire(7, [7, 3, 3])), "EINVAL");
  assert.equal(errnoOf(() => ancestorsFromWire(7, [7, ...Array.from({ length: MAX_ANCESTORS }, (_, i) => i + 100)])), "EINVAL");
});

test("scopes narrow and never widen; a set's scope travels on the wire", () => {
  const KIND = FLAGS.capKind;
  const narrow = (own: Capabilities, kind: number): Capabilities => narrowCapabilities(own, own, kind, "", () => ({ node: "n1", rel: "" }));
  const owner = { ...ROOT_CAPABILITIES, scope: "owner" as const };
  assert.equal(narrow(owner, KIND.CAP_SCOPE_DESCENDANTS.value).scope, "descendants");
  const children = narrow(ROOT_CAPABILITIES, KIND.CAP_KILL_CHILDREN.value);
  assert.equal(children.scope, "children");
  assert.equal(narrow(children, KIND.CAP_SCOPE_DESCENDANTS.value).scope, "children", "CAP_SCOPE_DESCENDANTS does not widen children");
  assert.ok(within(ROOT_CAPABILITIES, owner) && within(children, ROOT_CAPABILITIES) && !within(owner, ROOT_CAPABILITIES) && !within(ROOT_CAPABILITIES, children));
  for (const caps of [owner, ROOT_CAPABILITIES, children]) assert.equal(capabilitiesFromWire(capabilitiesOnWire(caps)).scope, caps.scope);
  assert.equal(capabilitiesFromWire(undefined).scope, "descendants");
  assert.equal(errnoOf(() => capabilitiesFromWire({ scope: "everyone" })), "EINVAL");
});

test("a user's root: read-only everywhere, read-write in its home on every node, mkdir on the way there; an admin's and an ownerless one's: everything; --ro and --rw narrow", () => {
  const resolve = (path: string) => resolvePath({ home: "n1" }, "n1", path);
  const user = rootCapabilities("alice", "user", undefined, resolve);
  assert.deepEqual(user.paths, [{ node: EVERY_NODE, rel: "", write: false }, { node: EVERY_NODE, rel: "home/alice", write: true }]);
  assert.equal(user.scope, "descendants");
  const at = (node: string, rel: string) => ({ node, rel });
  const mkdir = (caps: Capabilities, node: string, rel: string): string => errnoOf(() => checkMakeDir(caps, at(node, rel), rel));
  assert.deepEqual([mkdir(user, "n2", "home"), mkdir(user, "n3", "home/alice"), mkdir(user, "n3", "home/alice/x"), mkdir(user, "n2", "home/bob"), mkdir(user, "n2", "etc")], ["ok", "ok", "ok", "EACCES", "EACCES"]);
  assert.ok(within({ ...ROOT_CAPABILITIES, paths: [{ node: "n7", rel: "home/alice/a", write: true }] }, user), "a grant on one node is within one on every node");
  assert.ok(!within({ ...ROOT_CAPABILITIES, paths: [{ node: EVERY_NODE, rel: "home", write: false }] }, { ...ROOT_CAPABILITIES, paths: [{ node: "n1", rel: "", write: false }] }), "one on every node is not within one on a node");
  assert.equal(rootCapabilities("ada", "admin", undefined, resolve).paths, undefined);
  assert.equal(rootCapabilities(undefined, undefined, undefined, resolve).paths, undefined);
  assert.equal(rootCapabilities("olga", "operator", { scope: "owner" }, resolve).scope, "owner");
  assert.deepEqual(rootCapabilities("alice", "user", { ro: ["/n/n2/pub"], rw: ["/home/alice/tmp"] }, resolve).paths, [{ node: "n2", rel: "pub", write: false }, { node: "n1", rel: "home/alice/tmp", write: true }]);
  assert.equal(errnoOf(() => rootCapabilities("alice", "user", { rw: ["/etc"] }, resolve)), "EINVAL");
  assert.ok(within(rootCapabilities("ada", "admin", { rw: ["/etc"] }, resolve), FULL_CAPABILITIES));
});
