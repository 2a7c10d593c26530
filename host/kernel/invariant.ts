/**
 * A broken invariant: a bug in onebox, caught at the state change that broke it (never a
 * guest's or a peer's doing: those get an errno). Callers on a frame's path see it as EIO;
 * elsewhere it ends the node, which is better than acting on a state known to be wrong.
 */
export class InvariantError extends Error {
  override readonly name = "InvariantError";
}

/** Assert `ok` at a state change; `broken` says what broke (a function, when building the text costs). */
export function invariant(ok: unknown, broken: string | (() => string)): asserts ok {
  if (!ok) throw new InvariantError(`invariant: ${typeof broken === "string" ? broken : broken()}`);
}
