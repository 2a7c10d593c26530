// A seeded frame fuzzer against a live node process, before and after the handshake:
// random bytes, hellos with random fields, and, with the secret, batches of messages of
// every kind with random field values (some with their bytes mutated). The node must stay
// up and still serve a legitimate call. Only `join` is left out: it makes the node dial
// the URL it names, and tests talk to 127.0.0.1 only.
//   ONEBOX_FUZZ_FRAMES=100000   more frames (default 5000)
//   ONEBOX_FUZZ_SEED=N          another seed (default 1)
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import protobuf from "protobufjs";
import { ABI_VERSION } from "../abi/abi.ts";
import { DEFAULT_CLUSTER_NAME } from "../host/cli/cluster-options.ts";
import { prng } from "../host/transport/sim-network.ts";
import { encodeFrame, type Body, type Frame } from "../host/transport/wire.ts";
import { WsTransport } from "../host/transport/ws-transport.ts";
import { authenticated, stillServes, targetNode } from "./helpers/peer.ts";

const FRAMES = Number(process.env.ONEBOX_FUZZ_FRAMES ?? 5000);
const SEED = Number(process.env.ONEBOX_FUZZ_SEED ?? 1);
const WIRE = protobuf.loadSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "../abi/wire.proto"));
const MSG = WIRE.lookupType("onebox.wire.Msg");
const HEADERS = new Set(["id", "replyTo", "errno", "detail"]);
const KINDS = MSG.fieldsArray.map((f) => f.name).filter((name) => !HEADERS.has(name) && name !== "join");

const target = targetNode("fuzz secret");
const random = prng(SEED);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;

function randomBytes(max: number): Uint8Array {
  return Uint8Array.from({ length: int(max + 1) }, () => int(256));
}

function randomString(): string {
  return pick(["", "L", "a/b", "../..", "/", "\u0000", "x".repeat(int(300)), String(int(1e9)), "node1"]);
}

function randomScalar(type: string): unknown {
  switch (type) {
    case "string":
      return randomString();
    case "bytes":
      return randomBytes(64);
    case "bool":
      return random() < 0.5;
    case "uint64":
    case "int64":
      return pick([0, 1, 2 ** 53, -1, int(1e6)]);
    default:
      // 32-bit integers: edges and small values (pids, handles, tags, timeouts)
      return pick([0, 1, -1, 2 ** 31 - 1, (1 << 20) | 1, int(1000), 4294967295]);
  }
}

/** A random value of every field of `type`, a few levels deep. */
function randomMessage(type: protobuf.Type, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (random() < 0.2) continue;
    const one = (): unknown => (field.resolvedType instanceof protobuf.Type ? (depth < 3 ? randomMessage(field.resolvedType, depth + 1) : {}) : field.resolvedType ? 0 : randomScalar(field.type));
    if (field instanceof protobuf.MapField) out[field.name] = Object.fromEntries(Array.from({ length: int(3) }, () => [randomString(), randomScalar(field.type)]));
    else if (field.repeated) out[field.name] = Array.from({ length: int(4) }, one);
    else out[field.name] = one();
  }
  return out;
}

function randomBody(): Body {
  const kind = pick(KINDS);
  const field = MSG.fields[kind]!;
  field.resolve();
  return { [kind]: randomMessage(field.resolvedType as protobuf.Type) } as unknown as Body;
}

function mutate(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  for (let i = 0, n = 1 + int(4); i < n && out.length > 0; i++) out[int(out.length)] = int(256);
  return random() < 0.2 ? out.subarray(0, int(out.length)) : out;
}

/** One unauthenticated connection: a fuzzed first frame, then garbage so the node is quick to close it. */
async function preHandshake(): Promise<void> {
  const conn = await new WsTransport().connect(target.node.url);
  const closed = new Promise<void>((resolve) => conn.setHandlers(() => {}, () => resolve()));
  const hello: Frame = {
    hello: {
      cluster: random() < 0.7 ? DEFAULT_CLUSTER_NAME : randomString(),
      abiVersion: random() < 0.8 ? ABI_VERSION : int(5),
      nonce: randomBytes(40),
      name: randomString(),
      proof: random() < 0.5 ? randomBytes(40) : undefined,
      nodeId: int(3),
    },
  };
  const frame = random() < 0.3 ? randomBytes(200) : random() < 0.5 ? mutate(encodeFrame(hello)) : encodeFrame(hello);
  conn.send(frame);
  conn.send(randomBytes(16));
  await closed;
}

test(`${FRAMES} fuzzed frames (seed ${SEED}) before and after the handshake leave the node up and serving`, async () => {
  const before = Math.floor(FRAMES / 5);
  for (let done = 0; done < before; done += 16) await Promise.all(Array.from({ length: Math.min(16, before - done) }, preHandshake));
  await stillServes(target);

  let channel = await authenticated(target, "fuzzer");
  for (let sent = 0; sent < FRAMES - before; sent++) {
    if (channel.isClosed) channel = await authenticated(target, "fuzzer");
    if (random() < 0.05) {
      channel.conn.send(mutate(encodeFrame({ batch: { seq: sent + 1, msgs: [randomBody() as never] } })));
    } else if (random() < 0.5) {
      channel.cast(randomBody());
    } else {
      // A call: its answer (often an errno) comes back; pace the fuzzer on it now and then.
      const answered = channel.call(randomBody()).catch(() => undefined);
      if (sent % 50 === 0) await answered;
    }
  }
  channel.close("fuzz done");
  await stillServes(target);
  assert.equal(target.node.child.exitCode, null, target.node.log());
});
