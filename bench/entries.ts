import { alternated } from "./alternated.ts";
import type { Entry } from "./entry.ts";
import { floorFsRead, floorImportCall, floorImportCallJspi, floorInstantiate, floorSuspend } from "./floors/local.ts";
import { cliRunHello, floorNodeWasiHello } from "./floors/process.ts";
import { floorWsRoundtrip, floorWsThroughput4k, floorWsThroughput64 } from "./floors/ws.ts";
import { guestTimed, type GuestRun } from "./guest-timed.ts";
import { processesPerNode } from "./local/capacity.ts";
import { SERVING_NODE } from "./remote/cluster.ts";
import { FILE_4K, MINIMAL_MODULE } from "./workdir.ts";

/** Calls per batch, batches and warm-up of the remote entries that cost a network round trip. */
const REMOTE = { calls: 20, batches: { quick: 30, full: 300 }, warmupCalls: 2_000 } as const;

const NULL_SYSCALL: GuestRun = { mode: "null", calls: 10_000, batches: { quick: 30, full: 300 } };
const LOCAL_ROUNDTRIP: GuestRun = { mode: "roundtrip", calls: 200, batches: { quick: 30, full: 300 } };
/** The journal's entries: each operation without and with a journal, measured alternately. */
const NULL_SYSCALL_JOURNAL = alternated(NULL_SYSCALL);
const LOCAL_ROUNDTRIP_JOURNAL = alternated(LOCAL_ROUNDTRIP);

/**
 * The suite, in run order: floors first, then every entry naming its floor. Names are
 * fixed so runs compare; a new entry is one more element here.
 */
export const ENTRIES: readonly Entry[] = [
  floorImportCall,
  floorImportCallJspi,
  floorSuspend,
  floorInstantiate,
  floorFsRead,
  floorWsRoundtrip,
  floorWsThroughput64,
  floorWsThroughput4k,
  floorNodeWasiHello,
  {
    name: "null-syscall",
    op: "getpid from a guest",
    floor: "floor-import-call",
    target: { of: "ratio", max: 2 },
    run: (ctx) => guestTimed(ctx, NULL_SYSCALL),
  },
  // What the journal costs: the same calls on a node with none (--journal 0), which the
  // journaled entries (the node's default) are divided by; the two are measured
  // alternately, in one measurement both entries read (alternated.ts).
  {
    name: "null-syscall-unjournaled",
    op: "getpid from a guest, on a node without a journal",
    floor: "floor-import-call",
    run: NULL_SYSCALL_JOURNAL.off,
  },
  {
    name: "journal-null-syscall",
    op: "getpid from a guest, journaled, against the same unjournaled",
    floor: "null-syscall-unjournaled",
    target: { of: "ratio", max: 1.2 },
    run: NULL_SYSCALL_JOURNAL.on,
  },
  {
    name: "clock",
    op: "clock_time_get (monotonic) from a guest",
    floor: "floor-import-call",
    run: (ctx) => guestTimed(ctx, { mode: "clock", calls: 10_000, batches: { quick: 30, full: 300 } }),
  },
  {
    name: "blocking-syscall",
    op: "whereis of the caller's own name: a blocking call that suspends and resumes at once",
    floor: "floor-suspend",
    target: { of: "ratio", max: 3 },
    run: (ctx) => guestTimed(ctx, { mode: "blocking", args: ["bench"], calls: 2_000, batches: { quick: 30, full: 300 } }),
  },
  {
    name: "local-roundtrip",
    op: "send 64 bytes + recv the echo, between two processes on one node",
    floor: "floor-suspend",
    target: { of: "median_ns", max: 2_000 },
    run: (ctx) => guestTimed(ctx, LOCAL_ROUNDTRIP),
  },
  {
    name: "local-roundtrip-unjournaled",
    op: "send 64 bytes + recv the echo, between two processes on one node without a journal",
    floor: "floor-suspend",
    run: LOCAL_ROUNDTRIP_JOURNAL.off,
  },
  {
    name: "journal-local-roundtrip",
    op: "send 64 bytes + recv the echo on one node, journaled, against the same unjournaled",
    floor: "local-roundtrip-unjournaled",
    target: { of: "ratio", max: 1.2 },
    run: LOCAL_ROUNDTRIP_JOURNAL.on,
  },
  // The same two operations recorded (onebox run --record): what keeping every call's
  // result and memory writes costs. No targets; compare with the two above.
  {
    name: "null-syscall-recorded",
    op: "getpid from a guest that is being recorded",
    floor: "floor-import-call",
    run: (ctx) => guestTimed(ctx, { mode: "null", calls: 10_000, batches: { quick: 30, full: 100 }, recorded: true }),
  },
  {
    name: "local-roundtrip-recorded",
    op: "send 64 bytes + recv the echo between two processes on one node, the sender recorded",
    floor: "floor-suspend",
    run: (ctx) => guestTimed(ctx, { mode: "roundtrip", calls: 200, batches: { quick: 30, full: 300 }, recorded: true }),
  },
  // The same two operations from a JavaScript component: what jco's glue and SpiderMonkey
  // add. No targets; they show what choosing the component path costs.
  {
    name: "component-null-syscall",
    op: "getpid from a JavaScript component guest",
    floor: "floor-import-call",
    run: (ctx) => guestTimed(ctx, { mode: "null", component: true, calls: 200, batches: { quick: 30, full: 300 }, warmupCalls: 2_000 }),
  },
  {
    name: "component-roundtrip",
    op: "send 64 bytes + recv the echo, between two JavaScript component processes on one node",
    floor: "floor-suspend",
    run: (ctx) => guestTimed(ctx, { mode: "roundtrip", component: true, calls: 10, batches: { quick: 30, full: 300 }, warmupCalls: 50 }),
  },
  {
    name: "local-spawn",
    op: "spawn + exit + wait of the minimal module",
    floor: "floor-instantiate",
    target: { of: "ratio", max: 3 },
    run: (ctx) => guestTimed(ctx, { mode: "spawn", args: [`/${MINIMAL_MODULE}`], calls: 20, batches: { quick: 30, full: 300 }, warmupCalls: 1_000 }),
  },
  {
    name: "file-local",
    op: "open + read 4 KiB + close of a file on the caller's node",
    floor: "floor-fs-read",
    run: (ctx) => guestTimed(ctx, { mode: "file", args: [`/${FILE_4K}`], calls: 50, batches: { quick: 30, full: 300 } }),
  },
  {
    name: "lock-local",
    op: "uncontended lock + unlock",
    floor: "floor-suspend",
    run: (ctx) => guestTimed(ctx, { mode: "lock", args: ["bench"], calls: 500, batches: { quick: 30, full: 300 } }),
  },
  // Across two node processes on loopback: the guest runs on one and reaches the other,
  // which also serves the coordinator (remote/cluster.ts). A remote round trip is a few
  // hundred microseconds, so fewer calls per batch and a shorter warm-up.
  {
    name: "remote-roundtrip",
    op: "send 64 bytes + recv the echo, with a process on another node",
    floor: "floor-ws-roundtrip",
    target: { of: "ratio", max: 1.3 },
    run: (ctx) => guestTimed(ctx, { mode: "roundtrip", args: [SERVING_NODE], remote: true, ...REMOTE }),
  },
  {
    name: "remote-spawn",
    op: "spawn + exit + wait of the minimal module on another node",
    floor: "floor-ws-roundtrip",
    run: (ctx) => guestTimed(ctx, { mode: "spawn", args: [`/${MINIMAL_MODULE}`, SERVING_NODE], remote: true, ...REMOTE }),
  },
  {
    name: "file-remote",
    op: "open + read 4 KiB + close of a file on another node",
    floor: "floor-ws-roundtrip",
    run: (ctx) => guestTimed(ctx, { mode: "file", args: [`/n/${SERVING_NODE}/${FILE_4K}`], remote: true, ...REMOTE }),
  },
  {
    name: "monitor-remote",
    op: "monitor + demonitor of a process on another node",
    floor: "floor-ws-roundtrip",
    run: (ctx) => guestTimed(ctx, { mode: "monitor", args: [SERVING_NODE], remote: true, ...REMOTE }),
  },
  {
    name: "lock-remote",
    op: "uncontended lock + unlock served by another node",
    floor: "floor-ws-roundtrip",
    run: (ctx) => guestTimed(ctx, { mode: "lock", args: ["bench"], remote: true, ...REMOTE }),
  },
  // Throughput entries report the time per message; 2x the floor's rate is a ratio of 0.5.
  // A batch is a burst the receiver counts, as in the floor.
  {
    name: "remote-throughput-64",
    op: "one 64-byte message, one sender to one receiver on another node",
    floor: "floor-ws-throughput-64",
    target: { of: "ratio", max: 0.5 },
    run: (ctx) => guestTimed(ctx, { mode: "stream", args: [SERVING_NODE, "64"], remote: true, calls: 10_000, batches: { quick: 20, full: 100 }, warmupCalls: 20_000 }),
  },
  {
    name: "remote-throughput-4k",
    op: "one 4 KiB message, one sender to one receiver on another node",
    floor: "floor-ws-throughput-4k",
    run: (ctx) => guestTimed(ctx, { mode: "stream", args: [SERVING_NODE, "4096"], remote: true, calls: 1_000, batches: { quick: 20, full: 100 }, warmupCalls: 2_000 }),
  },
  {
    name: "processes-per-node",
    op: "start a process that parks in recv, with capacity (live processes) and bytes per process",
    floor: "floor-instantiate",
    target: { of: "capacity", min: 10_000 },
    run: processesPerNode,
  },
  cliRunHello,
];
