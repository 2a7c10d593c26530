// What the dashboard's page asks a node: the cluster's state, and to kill a process.
// The node that serves the page gathers the rest from the others over the same HTTP API
// (GET /api/local on each member, with the same token), so the mesh's wire is unchanged.
import type { ClusterNode } from "../cluster/node.ts";
import type { Member, ProcInfo } from "../transport/wire.ts";
import { httpUrlOf } from "./dashboard-token.ts";
import { httpGet } from "./http-get.ts";

/** Most processes, locks and names one answer lists; `truncated` says when there were more. */
export const MAX_LISTED = 5000;
/** How long the serving node waits for another member's local view. */
export const PEER_TIMEOUT_MS = 3000;

export interface PeerFlow {
  readonly peer: string;
  readonly msgsIn: number;
  readonly msgsOut: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
}

/** One node's own view: its traffic per peer, and the locks and names if it serves the coordinator. */
export interface LocalView {
  readonly node: string;
  readonly processes: number;
  readonly flow: PeerFlow[];
  readonly locks?: { name: string; holder: number; token: string; waiting: number }[];
  readonly names?: { name: string; pid: number }[];
}

/** Who asks, as the page shows it: their name and role, and whether it may kill (null: nobody known, --insecure). */
export type Asking = { readonly name: string; readonly role: string; readonly mayKill: boolean } | null;

/** What the cluster view is made for: the asker, their listing and their token (for the other members, over https with the cluster's CA). */
export interface ViewRequest {
  readonly asking: Asking;
  /** The processes the asker's role lets them list. */
  readonly processes: Promise<ProcInfo[]>;
  /** Whether the asker sees every process (and so the locks and names). */
  readonly seesAll: boolean;
  readonly token: string;
  readonly ca: Buffer | undefined;
}

export interface ClusterView {
  readonly servedBy: string;
  readonly asking: Asking;
  readonly nodes: Member[];
  readonly processes: ProcInfo[];
  readonly truncated: boolean;
  /** Each member's local view; a member that did not answer has `error` instead. */
  readonly locals: (LocalView | { node: string; error: string })[];
}

/**
 * `node`'s own view. `seesAll`: the asker may see every process, so also the locks and
 * names the coordinator keeps (they name other users' processes: not for a `user`).
 */
export function localView(node: ClusterNode, seesAll: boolean): LocalView {
  const flow = [...node.peers.traffic.entries()].map(([peer, t]) => ({ peer, ...t }));
  const coordinator = seesAll ? node.coordinator?.local : undefined;
  return {
    node: node.name,
    processes: node.kernel.procs.size,
    flow,
    ...(coordinator && {
      locks: coordinator.locks.list(MAX_LISTED).map((l) => ({ ...l, token: String(l.token) })),
      names: [...coordinator.names.entries()].slice(0, MAX_LISTED).map(([name, pid]) => ({ name, pid })),
    }),
  };
}

async function peerView(member: Member, token: string, ca: Buffer | undefined): Promise<LocalView> {
  const answer = await httpGet(`${httpUrlOf(member.url)}/api/local`, { ca, headers: { authorization: `Bearer ${token}` }, timeoutMs: PEER_TIMEOUT_MS });
  if (answer.status !== 200) throw new Error(`HTTP ${answer.status}`);
  return JSON.parse(answer.body) as LocalView;
}

/** The cluster as the asker sees it. */
export async function clusterView(node: ClusterNode, request: ViewRequest): Promise<ClusterView> {
  const nodes = node.members.snapshot().members;
  const [all, locals] = await Promise.all([
    request.processes,
    Promise.all(nodes.filter((m) => m.state !== "down").map((m) =>
      m.name === node.name ? localView(node, request.seesAll) : peerView(m, request.token, request.ca).catch((error: Error) => ({ node: m.name, error: error.message })))),
  ]);
  return { servedBy: node.name, asking: request.asking, nodes, processes: all.slice(0, MAX_LISTED), truncated: all.length > MAX_LISTED, locals };
}

