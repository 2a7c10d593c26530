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

export interface ClusterView {
  readonly servedBy: string;
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

/**
 * The cluster as the asker of `processes` sees it (the listing their role allows); `token`
 * is theirs, for the other members, reached over https with the cluster's CA `ca`.
 */
export async function clusterView(node: ClusterNode, token: string, ca: Buffer | undefined, processes: Promise<ProcInfo[]>, seesAll: boolean): Promise<ClusterView> {
  const nodes = node.members.snapshot().members;
  const [all, locals] = await Promise.all([
    processes,
    Promise.all(nodes.filter((m) => m.state !== "down").map((m) =>
      m.name === node.name ? localView(node, seesAll) : peerView(m, token, ca).catch((error: Error) => ({ node: m.name, error: error.message })))),
  ]);
  return { servedBy: node.name, nodes, processes: all.slice(0, MAX_LISTED), truncated: all.length > MAX_LISTED, locals };
}

