import { fail } from "../kernel/errors.ts";
import type { CoordinatorService } from "./coordinator-service.ts";
import type { ExportServer } from "./file-server.ts";
import type { FrameTable } from "./frame-table.ts";
import type { MembershipService } from "./membership-service.ts";
import type { OperatorConsole } from "./operator-console.ts";
import type { Peers } from "./peers.ts";
import type { ProcessRouting } from "./process-routing.ts";
import type { RevocationService } from "./revocation-service.ts";

/** The duties of a node that serve frames (node.ts makes them). */
export interface Duties {
  readonly membership: MembershipService;
  /** The embedded coordinator, on the founding node only. */
  readonly coordinator: () => CoordinatorService | undefined;
  readonly processes: ProcessRouting;
  readonly files: () => ExportServer;
  /** Detached runs, logs and attach (operator-console.ts). */
  readonly console: () => OperatorConsole;
  /** Flow control's credit ledgers live with the connections they belong to. */
  readonly peers: Peers;
  readonly revocations: RevocationService;
  readonly name: string;
}

/**
 * Every frame kind a node serves, and who serves it: one hop from a kind to its code.
 * Kinds absent here are replies (token, pid, count, ...) or go to the CLI (exited,
 * inputTaken); receiving one as a request is ENOTSUP (frame-table.ts).
 */
export function frameTable(d: Duties): FrameTable {
  const coordinator = (): CoordinatorService => d.coordinator() ?? fail("EHOSTUNREACH", `${d.name} is not the coordinator`);
  return {
    // membership (membership-service.ts)
    join: (b) => d.membership.join(b),
    nodes: () => d.membership.list(),
    members: (b, c) => d.membership.applyList(b, c),
    heartbeat: (b, c) => d.membership.heard(b, c),
    // coordination: the embedded coordinator's locks and names (coordinator-service.ts)
    lock: (b) => coordinator().lock(b),
    unlock: (b) => coordinator().unlock(b),
    register: (b) => coordinator().register(b),
    unregister: (b) => coordinator().unregister(b),
    whereis: (b) => coordinator().whereis(b),
    releaseAll: (b) => coordinator().releaseAll(b),
    waitFor: (b) => coordinator().waitFor(b),
    waitDone: (b) => coordinator().waitDone(b),
    // processes (process-routing.ts)
    spawn: (b) => d.processes.serveSpawn(b),
    fetchModule: (b) => d.processes.serveFetchModule(b),
    send: (b, c) => d.processes.serveSend(b, c),
    kill: (b) => d.processes.serveKill(b),
    monitor: (b) => d.processes.serveMonitor(b),
    demonitor: (b) => d.processes.serveDemonitor(b),
    down: (b) => d.processes.serveDown(b),
    childExit: (b) => d.processes.serveChildExit(b),
    procLink: (b) => d.processes.serveProcLink(b),
    procUnlink: (b) => d.processes.serveProcUnlink(b),
    exitSignal: (b) => d.processes.serveExitSignal(b),
    output: (b) => d.processes.serveOutput(b),
    ps: (b) => d.processes.servePs(b),
    journal: (b) => d.processes.serveJournal(b),
    run: (b, c) => (b.detached ? d.console().runDetached(b).then((pid) => ({ pid: { pid } })) : d.processes.serveRun(b, c)),
    // Input on a connection attached to a detached process is its; any other, a run's.
    input: (b, c) => void (d.console().feed(c.channel, b) || d.processes.serveInput(b, c)),
    // the operator's console (operator-console.ts)
    logs: (b, c) => d.console().serveLogs(b, c.channel),
    attach: (b, c) => d.console().attach(b.pid, c.channel),
    // revocation (revocation-service.ts)
    revoke: (b) => d.revocations.revoke(b),
    revoked: (b, c) => d.revocations.merged(b, c.channel.peerName),
    // flow control (flow-control.ts, kept per connection by peers.ts)
    credit: (b, c) => d.peers.granted(b, c.channel),
    // files on this node's export (file-server.ts)
    fOpen: (b, c) => d.files().serve("fOpen", b, c.from),
    fRead: (b, c) => d.files().serve("fRead", b, c.from),
    fWrite: (b, c) => d.files().serve("fWrite", b, c.from),
    fSize: (b, c) => d.files().serve("fSize", b, c.from),
    fClose: (b, c) => d.files().serve("fClose", b, c.from),
    fStat: (b, c) => d.files().serve("fStat", b, c.from),
    fFstat: (b, c) => d.files().serve("fFstat", b, c.from),
    fReaddir: (b, c) => d.files().serve("fReaddir", b, c.from),
    fMkdir: (b, c) => d.files().serve("fMkdir", b, c.from),
    fUnlink: (b, c) => d.files().serve("fUnlink", b, c.from),
    fRename: (b, c) => d.files().serve("fRename", b, c.from),
    fReadFile: (b, c) => d.files().serve("fReadFile", b, c.from),
    fTruncate: (b, c) => d.files().serve("fTruncate", b, c.from),
    fSync: (b, c) => d.files().serve("fSync", b, c.from),
    fFutimes: (b, c) => d.files().serve("fFutimes", b, c.from),
    fUtimes: (b, c) => d.files().serve("fUtimes", b, c.from),
    fSymlink: (b, c) => d.files().serve("fSymlink", b, c.from),
    fReadlink: (b, c) => d.files().serve("fReadlink", b, c.from),
    fLink: (b, c) => d.files().serve("fLink", b, c.from),
  };
}
