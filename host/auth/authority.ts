import { fail, SysError } from "../kernel/errors.ts";
import type { Peer } from "../transport/handshake.ts";
import type { Conn } from "../transport/transport.ts";
import { bodyName, type Bodies, type Body, type Msg, type ProcInfo } from "../transport/wire.ts";
import type { AuditLog } from "./audit-log.ts";
import type { RevocationList } from "./revocations.ts";
import { mayDo, principalOf, type Principal, type Right } from "./roles.ts";

type Next = (msg: Msg) => Body | void | Promise<Body | void>;

/** The right each client request needs; any kind not here is for member nodes only. */
const CLIENT_REQUESTS: Partial<Record<string, Right>> = { nodes: "read", ps: "read", logs: "read", journal: "read", run: "run", input: "run", attach: "run", kill: "kill", revoke: "revoke" };

/** A principal as one credential (a certificate, a token) proves it, with when that was issued (Unix seconds). */
export interface Credential extends Principal {
  readonly issuedAt: number;
}

/**
 * Who is at the end of each accepted connection, and what each may ask. Under mutual TLS
 * the certificate says: a member node may send anything a node sends; a user's requests
 * are checked against its role and recorded in the audit log (all but the reads allowed). Without certificates
 * (--insecure) nobody is known and everything is allowed, as the warning at start says.
 */
export class Authority {
  private readonly audit: AuditLog | undefined;
  /** Credentials refused though the CA signed them (user revoke, cluster revoke). */
  readonly revocations: RevocationList;

  constructor(audit: AuditLog | undefined, revocations: RevocationList) {
    this.audit = audit;
    this.revocations = revocations;
  }

  /** EACCES if `who`'s credential was revoked. */
  checkRevoked(who: Credential): void {
    const revoked = this.revocations.refuses(who, who.issuedAt);
    if (revoked !== undefined) fail("EACCES", revoked);
  }

  /** EACCES if `who`'s credential (a certificate, a token) was revoked; a user's refusal is recorded as a `connect`. */
  admitCredential(who: Credential): void {
    try {
      this.checkRevoked(who);
    } catch (error) {
      if (who.role !== "node") this.audit?.record(who, "connect", "", verdict(error));
      throw error;
    }
  }

  /**
   * The principal of a connection past its handshake, or a one-line reason to refuse it.
   * `memberName` gives the name of a member by id: a node may claim only its own id.
   */
  admit(conn: Conn, peer: Peer, memberName: (id: number) => string | undefined): Credential | undefined {
    const certificate = conn.peerCertificate;
    if (!certificate) return undefined;
    const role = principalOf(certificate);
    if (!role) fail("EACCES", `certificate of '${certificate.name}' names no role (OU '${certificate.unit}')`);
    const principal = { ...role, issuedAt: certificate.issuedAt };
    this.admitCredential(principal);
    if (principal.role !== "node" && peer.nodeId !== 0) fail("EACCES", `${principal.role} '${principal.name}' claims to be node ${peer.nodeId}`);
    const claimed = peer.nodeId === 0 ? undefined : memberName(peer.nodeId);
    if (claimed !== undefined && claimed !== principal.name) fail("EACCES", `'${principal.name}' claims node id ${peer.nodeId}, which is '${claimed}'`);
    return principal;
  }

  /** Serve `msg` from `who` through `next` if its role allows it and its credential stands; record a client's request. */
  serve(who: Credential | undefined, fromMember: boolean, msg: Msg, next: Next): Body | void | Promise<Body | void> {
    if (who === undefined) return next(msg);
    const kind = bodyName(msg);
    if (who.role === "node") {
      this.checkRevoked(who);
      // A member forwards others' joins; a newcomer joins only under its certificate's name.
      const join = (msg as Partial<Bodies>).join;
      if (join && !fromMember && join.name !== who.name) fail("EACCES", `node '${who.name}' may not join as '${join.name}'`);
      return next(msg);
    }
    if (kind === "input") return next(msg);
    const detail = describe(msg);
    // Reads that pass are not recorded: `cluster up` alone polls the member list a dozen times.
    const quiet = CLIENT_REQUESTS[kind] === "read";
    const outcome = (result: string): void => void (quiet && !result.startsWith("refused") ? undefined : this.audit?.record(who, kind, detail, result));
    try {
      const served = this.check(who, kind, msg, next);
      if (!(served instanceof Promise)) {
        outcome("ok");
        return served;
      }
      return served.then(
        (body) => (outcome("ok"), body),
        (error: unknown) => {
          outcome(verdict(error));
          throw error;
        },
      );
    } catch (error) {
      outcome(verdict(error));
      throw error;
    }
  }

  private check(who: Credential, kind: string, msg: Msg, next: Next): Body | void | Promise<Body | void> {
    this.checkRevoked(who);
    const right = CLIENT_REQUESTS[kind];
    if (right === undefined) fail("EACCES", `${who.role} '${who.name}' may not send '${kind}': only member nodes do`);
    if (!mayDo(who, right)) fail("EACCES", `${who.role} '${who.name}' lacks the right '${right}'`);
    const m = msg as Partial<Bodies>;
    if (m.run) return next({ run: { ...m.run, owner: who.name, role: who.role } } as Msg);
    if (mayDo(who, "every-process")) return next(msg);
    if (m.ps) return Promise.resolve(next(msg)).then((reply) => ({ procs: { procs: ownProcs(who, reply) } }));
    // The journals show every process's calls and arguments (onebox trace).
    if (m.journal) fail("EACCES", `${who.role} '${who.name}' lacks the right 'every-process': the journals show every process's calls`);
    // A user's kill, logs and attach reach only a process of its own.
    const target = m.kill?.pid ?? m.logs?.pid ?? m.attach?.pid;
    if (target !== undefined) return this.ownOnly(who, target, msg, next);
    return next(msg);
  }

  /** Serve a request about process `pid` only if it is `who`'s (looked up cluster-wide first). */
  private async ownOnly(who: Principal, pid: number, msg: Msg, next: Next): Promise<Body | void> {
    const listed = await next({ ps: { cluster: true, ended: true } } as Msg);
    const target = procsOf(listed).find((p) => p.pid === pid);
    if (!target) fail("ESRCH", `no process ${pid}`);
    if (target.owner !== who.name) fail("EACCES", `${who.role} '${who.name}' lacks the right 'every-process': process ${pid} is not theirs`);
    return next(msg);
  }
}

const procsOf = (reply: Body | void): ProcInfo[] => (reply as Partial<Bodies> | undefined)?.procs?.procs ?? [];
const ownProcs = (who: Principal, reply: Body | void): ProcInfo[] => procsOf(reply).filter((p) => p.owner === who.name);

/** How a request that threw ended, for the audit line. */
const verdict = (error: unknown): string => `${error instanceof SysError && error.errnoName === "EACCES" ? "refused" : "failed"}: ${(error as Error).message}`;

/** What a request is about, for the audit line. */
function describe(msg: Msg): string {
  const m = msg as Partial<Bodies>;
  if (m.run) return [...m.run.argv].join(" ");
  if (m.revoke) return m.revoke.revoked.map((r) => `${r.node ? "node" : "user"} ${r.name}`).join(" ");
  const pid = m.kill?.pid ?? m.logs?.pid ?? m.attach?.pid;
  return pid === undefined ? "" : String(pid);
}
