import { realClock, type Clock, type ClockTimer } from "../clock/clock.ts";
import { BufferedConn, type Conn, type Transport } from "./transport.ts";

export interface SimFaults {
  /** Chance a frame is lost. The receiver sees the gap and drops the connection, as TCP would. */
  readonly drop: number;
  /** Chance a frame is delivered twice. */
  readonly duplicate: number;
  /** Latency of each frame, uniform in [min, max] ms; order per direction is kept. */
  readonly delayMs: readonly [number, number];
}

const NO_FAULTS: SimFaults = { drop: 0, duplicate: 0, delayMs: [0, 1] };

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashString(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

class SimConn extends BufferedConn {
  readonly remote: string;
  peer!: SimConn;
  private readonly net: SimNetwork;
  /** from -> to host names: what a partition cuts. */
  readonly from: string;
  readonly to: string;
  private readonly random: () => number;
  private lastDelivery = 0;
  private readonly inFlight: { at: number; run: () => void }[] = [];
  /** A delivery timer is set: one at a time, for the head of the queue. */
  private waiting = false;

  constructor(net: SimNetwork, from: string, to: string, link: string) {
    super();
    this.net = net;
    this.from = from;
    this.to = to;
    this.remote = `sim://${to}`;
    // Each direction of each link draws from its own stream, so one link's traffic does
    // not shift another's faults: a seed replays the same faults for the same traffic.
    this.random = prng(net.seed ^ hashString(link));
  }

  send(frame: Uint8Array): void {
    if (this.isClosed || this.net.cut(this.from, this.to)) return;
    const faults = this.net.faults;
    if (this.random() < faults.drop) return this.net.trace?.(`drop ${this.from}->${this.to} ${frame.byteLength}B`);
    const copies = this.random() < faults.duplicate ? 2 : 1;
    const [min, max] = faults.delayMs;
    const at = Math.max(this.lastDelivery, this.net.clock.now() + min + this.random() * (max - min));
    this.lastDelivery = at;
    const bytes = frame.slice();
    this.enqueue(at, () => {
      for (let i = 0; i < copies && !this.net.cut(this.from, this.to); i++) {
        this.net.trace?.(`deliver ${this.from}->${this.to} ${bytes.byteLength}B`);
        this.peer.received(bytes);
      }
    });
  }

  private enqueue(at: number, run: () => void): void {
    this.inFlight.push({ at, run });
    this.scheduleDelivery(this.inFlight[0]!.at);
  }

  private scheduleDelivery(at: number): void {
    if (this.waiting) return;
    this.waiting = true;
    this.net.schedule(at, () => {
      this.waiting = false;
      this.deliver();
    });
  }

  /**
   * Frames leave in the order sent: one timer for the head of the queue, because timers
   * of different lengths set at different times may fire out of order. A held end's
   * frames wait, in order, for resume().
   */
  private deliver(): void {
    if (this.net.held(this.from, this.to)) return;
    const now = this.net.clock.now();
    while (this.inFlight.length > 0 && this.inFlight[0]!.at <= now + 1) this.inFlight.shift()!.run();
    if (this.inFlight.length > 0) this.scheduleDelivery(this.inFlight[0]!.at);
  }

  /** Its host was released: deliver what waited. */
  resume(): void {
    if (this.inFlight.length > 0) this.scheduleDelivery(Math.max(this.net.clock.now(), this.inFlight[0]!.at));
  }

  close(reason: string): void {
    if (this.isClosed) return;
    this.closed(reason);
    this.enqueue(Math.max(this.lastDelivery, this.net.clock.now()), () => this.peer.closed(`peer closed: ${reason}`));
  }

  /** Gone without a word, like a kill -9 behind a dead switch. */
  vanish(): void {
    this.closed("vanished");
  }
}

/**
 * Many nodes in one process over a network that drops, delays, duplicates and partitions
 * frames from a seed. Host names are the listen addresses; URLs are sim://host.
 */
export class SimNetwork {
  readonly seed: number;
  /** What delays are measured in; the nodes on this network should use it too. */
  readonly clock: Clock;
  faults: SimFaults;
  /** Told of every frame delivered or dropped: with a VirtualClock, part of a replay's trace. */
  trace: ((event: string) => void) | undefined;
  private readonly listeners = new Map<string, (conn: Conn) => void>();
  private readonly conns = new Set<SimConn>();
  private readonly cuts = new Set<string>();
  private readonly holds = new Set<string>();
  private readonly timers = new Set<ClockTimer>();
  private links = 0;

  constructor(seed: number, faults: Partial<SimFaults> = {}, clock: Clock = realClock) {
    this.seed = seed;
    this.clock = clock;
    this.faults = { ...NO_FAULTS, ...faults };
  }

  /** The transport one simulated host uses. */
  host(name: string): Transport {
    return {
      listen: async (address, accept) => {
        if (this.listeners.has(address)) throw new Error(`sim: ${address} already listening`);
        this.listeners.set(address, accept);
        return {
          url: `sim://${address}`,
          close: async () => {
            this.listeners.delete(address);
          },
        };
      },
      connect: async (url) => {
        const target = url.replace(/^sim:\/\//, "");
        const accept = this.listeners.get(target);
        if (!accept || this.cut(name, target)) throw new Error(`sim: connect ${url}: refused`);
        const link = `${name}->${target}#${this.links++}`;
        const mine = new SimConn(this, name, target, link);
        const theirs = new SimConn(this, target, name, `${link}'`);
        mine.peer = theirs;
        theirs.peer = mine;
        this.conns.add(mine).add(theirs);
        accept(theirs);
        return mine;
      },
    };
  }

  /** Frames between the two groups vanish in both directions until heal(). */
  partition(groupA: readonly string[], groupB: readonly string[]): void {
    for (const a of groupA) for (const b of groupB) this.cuts.add(`${a}|${b}`).add(`${b}|${a}`);
  }

  heal(): void {
    this.cuts.clear();
  }

  cut(from: string, to: string): boolean {
    return this.cuts.has(`${from}|${to}`);
  }

  /**
   * A paused host (SIGSTOP): frames to and from it wait, in order, until release(), as
   * TCP buffers them for a stopped process; nothing is lost. (Its own timers still run:
   * the clock is shared.)
   */
  hold(name: string): void {
    this.holds.add(name);
  }

  release(name: string): void {
    this.holds.delete(name);
    for (const conn of this.conns) if (conn.from === name || conn.to === name) conn.resume();
  }

  held(from: string, to: string): boolean {
    return this.holds.has(from) || this.holds.has(to);
  }

  /** A host dies: its listener goes and its connections fall silent (no close is seen). */
  crash(name: string): void {
    this.listeners.delete(name);
    for (const conn of this.conns) if (conn.from === name) conn.vanish();
    this.partition([name], [...new Set([...this.conns].map((c) => c.to))]);
  }

  schedule(at: number, run: () => void): void {
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, Math.max(0, at - this.clock.now()));
    this.timers.add(timer);
  }

  /** Stop every pending delivery: the test is over. */
  stop(): void {
    for (const timer of this.timers) this.clock.clearTimeout(timer);
    this.timers.clear();
  }
}
