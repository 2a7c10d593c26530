import protobuf from "protobufjs";
import { packagePath } from "../package-root.ts";

/** The one schema of everything on the wire; the types below mirror it field by field. */
const PROTO = packagePath("abi", "wire.proto");
const Frame = protobuf.loadSync(PROTO).lookupType("onebox.wire.Frame");

/** A frame larger than this closes its connection: nothing legitimate is that big. */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** 64-bit fields arrive as Long (or number) and leave as number, string or bigint text. */
type U64 = number | string | { toString(): string };

export interface Hello { cluster: string; abiVersion: number; nonce: Uint8Array; name: string; proof?: Uint8Array; nodeId?: number }
export interface Member { id: number; name: string; url: string; state: MemberState; labels: Record<string, string>; load: number; loopP99Us?: number; loopMaxUs?: number }
export type MemberState = "alive" | "suspect" | "down";
export interface Members { version: U64; members: Member[] }
export interface ExitNote { to: number; pid: number; reason: string; status: number; text: string; ref?: number }
export interface ProcInfo { pid: number; node: string; ppid: number; state: string; module: string; uptimeMs: number; memoryBytes: U64 }

/** Times.Change in abi/wire.proto: keep, set to the given ns, or set to the server's clock. */
export const TIME_MODE = { KEEP: 0, SET: 1, NOW: 2 } as const;
export interface WireTimes { handle: number; rel: string; follow: boolean; atime: number; atimeNs: U64; mtime: number; mtimeNs: U64 }

/** Fence in abi/wire.proto: the lock token a fenced write or truncate carries. */
export interface WireFence { lock: string; token: U64 }

/** JournalRecord and JournalPage in abi/wire.proto: a node's journal, decoded. */
export interface WireJournalRecord { node: string; seq: U64; pid: number; call: string; args: string; result: number; errno: string; startMs: number; durationUs: number; lamport: U64; msg: string }
export interface WireJournalPage { node: string; records: WireJournalRecord[]; next: U64; lost: U64; horizon: U64 }

/** The bodies a Msg can carry, by field name in abi/wire.proto. */
export interface Bodies {
  empty: Record<string, never>;
  join: { name: string; url: string; labels: Record<string, string> };
  joined: { nodeId: number; members: Members };
  members: Members;
  heartbeat: { nodeId: number; load: number; loopP99Us?: number; loopMaxUs?: number };
  lock: { name: string; pid: number; timeoutMs: number };
  token: { token: U64 };
  unlock: { name: string; pid: number };
  register: { name: string; pid: number };
  unregister: { name: string; pid: number };
  whereis: { name: string };
  pid: { pid: number };
  releaseAll: { pid: number };
  spawn: { moduleHash: string; moduleNode: string; argv: string[]; env: string[]; ppid: number; home: string; outputSink: number; memoryPages?: number; monotonicFloorMs?: number };
  fetchModule: { hash: string };
  moduleBytes: { data: Uint8Array };
  send: { from: number; to: number; tag: number; data: Uint8Array; lamport?: U64 };
  kill: { caller: number; pid: number };
  monitor: { watcher: number; pid: number; ref: number };
  demonitor: { watcher: number; pid: number; ref: number };
  down: ExitNote;
  childExit: ExitNote;
  output: { sink: number; fd: number; data: Uint8Array };
  ps: { cluster: boolean; ended?: boolean };
  procs: { procs: ProcInfo[] };
  run: { module: Uint8Array; argv: string[]; env: string[]; node: string };
  exited: ExitNote;
  nodes: Record<string, never>;
  credit: { pid: number; n: number };
  fOpen: { rel: string; flags: number };
  fRead: { handle: number; pos: U64; len: number };
  fWrite: { handle: number; pos: U64; data: Uint8Array; fence?: WireFence };
  fSize: { handle: number };
  fClose: { handle: number };
  fStat: { rel: string; follow: boolean };
  fReaddir: { rel: string };
  fMkdir: { rel: string };
  fUnlink: { rel: string; only: string };
  fRename: { from: string; to: string };
  fReadFile: { rel: string };
  count: { n: U64 };
  bytes: { data: Uint8Array };
  stat: { size: U64; mtimeNs: U64; kind: number; dev: U64; ino: U64; nlink: U64; atimeNs: U64; ctimeNs: U64 };
  names: { names: string[] };
  fFstat: { handle: number };
  fTruncate: { handle: number; size: U64; fence?: WireFence };
  fSync: { handle: number; dataOnly: boolean };
  fFutimes: WireTimes;
  fUtimes: WireTimes;
  fSymlink: { from: string; to: string };
  fReadlink: { rel: string };
  fLink: { from: string; to: string; follow: boolean };
  entries: { entries: { name: string; ino: U64; kind: number }[] };
  input: { data: Uint8Array; end: boolean };
  inputTaken: { n: U64 };
  journal: { cluster: boolean; since: Record<string, U64> };
  journalPages: { pages: WireJournalPage[] };
}
export type BodyName = keyof Bodies;
/** One body: exactly one key of Bodies set. */
export type Body = { [K in BodyName]: { [P in K]: Bodies[K] } }[BodyName];

export type Msg = Body & { id?: number; replyTo?: number; errno?: string; detail?: string };

export type Frame =
  | { hello: Hello }
  | { proof: { proof: Uint8Array } }
  | { refuse: { reason: string } }
  | { welcome: Record<string, never> }
  | { batch: { seq: U64; msgs: Msg[]; lamport?: U64 } };

export const encodeFrame = (frame: Frame): Uint8Array => Frame.encode(frame as unknown as protobuf.Message).finish();

/** Throws on bytes that are not a Frame: the caller closes that connection. */
export function decodeFrame(bytes: Uint8Array): Frame {
  const message = Frame.decode(bytes) as unknown as { kind?: string };
  if (!message.kind) throw new Error("frame with no kind");
  if (message.kind === "batch") for (const msg of (message as { batch: { msgs: Msg[] } }).batch.msgs) bodyName(msg);
  return message as unknown as Frame;
}

const HEADER = new Set(["id", "replyTo", "errno", "detail"]);

/** The one body a decoded Msg carries: the only own field that is not a header. */
export function bodyName(msg: Msg): BodyName {
  let name: string | undefined;
  for (const key of Object.keys(msg)) {
    if (HEADER.has(key)) continue;
    if (name !== undefined) throw new Error(`message with two bodies: ${name}, ${key}`);
    name = key;
  }
  if (name === undefined) throw new Error("message with no body");
  return name as BodyName;
}

/** A bytes field: protobufjs decodes an empty one as its shared default, not a Uint8Array. */
export const toBytes = (v: Uint8Array | undefined): Uint8Array => (v instanceof Uint8Array ? v : new Uint8Array());

export const toNumber = (v: U64): number => (typeof v === "number" ? v : Number(v.toString()));
export const toBigint = (v: U64): bigint => BigInt.asUintN(64, BigInt(typeof v === "number" ? v : v.toString()));
