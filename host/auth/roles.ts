/**
 * Who may do what: the principals a certificate names and the rights of each role.
 * A certificate's OU is its role ("node" for a cluster member); its CN is the name.
 */

export const ROLES = ["admin", "operator", "user", "viewer"] as const;
export type UserRole = (typeof ROLES)[number];
/** A member node, or a client with a user role. */
export type Role = UserRole | "node";

export interface Principal {
  readonly name: string;
  readonly role: Role;
}

/**
 * What a client request needs. read: the member list and process listings; run: start a
 * process; kill: end one; every-process: act on (see, kill) other users' processes too;
 * revoke: revoke a user's or a node's credentials.
 */
export type Right = "read" | "run" | "kill" | "every-process" | "revoke";

const RIGHTS: Record<UserRole, readonly Right[]> = {
  admin: ["read", "run", "kill", "every-process", "revoke"],
  operator: ["read", "run", "kill", "every-process"],
  user: ["read", "run", "kill"],
  // Read only, of the whole cluster: a monitoring principal.
  viewer: ["read", "every-process"],
};

export function isUserRole(role: string): role is UserRole {
  return (ROLES as readonly string[]).includes(role);
}

export function mayDo(principal: Principal, right: Right): boolean {
  return principal.role !== "node" && RIGHTS[principal.role].includes(right);
}

/** Certificate names: letters, digits, '.', '_', '-' (they go into an X.509 subject and a file name). */
const NAME = /^[A-Za-z0-9._-]{1,64}$/;

export function checkPrincipalName(name: string): void {
  if (!NAME.test(name) || name === "." || name === "..") throw new Error(`name '${name}' must be 1..64 of A-Z a-z 0-9 . _ -`);
}

/** The principal a verified certificate's subject names; undefined for an OU that is no role. */
export function principalOf(subject: { readonly name: string; readonly unit: string }): Principal | undefined {
  if (subject.unit !== "node" && !isUserRole(subject.unit)) return undefined;
  return { name: subject.name, role: subject.unit };
}
