import { fail } from "./errors.ts";

/**
 * A process's view of the cluster's files. `/` is the export of its home node, inherited
 * from its parent wherever the child runs; `/n/<node>/` is any node's export and
 * `/local/` the export of the node the process runs on. `n` and `local` are therefore
 * reserved names at the top of the namespace.
 */
export interface Namespace {
  readonly home: string;
}

/** A path resolved to the node that serves it and a path inside that node's export. */
export interface ResolvedPath {
  readonly node: string;
  /** Normalized, no leading slash, no `.` or `..`; "" is the export's root. */
  readonly rel: string;
}

export const MAX_PATH = 4096;

/** `..` stops at the top (as in Plan 9), so no spelling of a path climbs out of an export. */
export function normalize(path: string): string[] {
  if (path.length > MAX_PATH) fail("ENAMETOOLONG", `path longer than ${MAX_PATH}`);
  if (path.includes("\0")) fail("EINVAL", "path contains NUL");
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return parts;
}

export function resolvePath(ns: Namespace, localNode: string, path: string): ResolvedPath {
  const parts = normalize(path);
  if (parts[0] === "n") {
    if (parts.length < 2) fail("EINVAL", "/n needs a node name: /n/<node>/...");
    return { node: parts[1]!, rel: parts.slice(2).join("/") };
  }
  if (parts[0] === "local") return { node: localNode, rel: parts.slice(1).join("/") };
  return { node: ns.home, rel: parts.join("/") };
}
