/**
 * The numbers of a node's etcd lease and its self-fencing (docs/ARCHITECTURE.md has the
 * timeline). A node fences itself when its newest acknowledged keep-alive was SENT
 * `fenceAfterMs` ago: etcd restarts the lease's TTL when it receives that keep-alive,
 * which is after it was sent, so on etcd's clock the lease cannot expire before
 * sentAt + TTL. The margin between fenceAfterMs and the TTL covers
 *  - clock-rate drift between this machine and etcd's leader: 5% of the TTL (crystal
 *    oscillators drift about 0.01%, NTP slews at most 0.05%: a hundredfold allowance);
 *  - a stall of this node between the fence decision and its processes having stopped
 *    (a GC pause, a loaded event loop): 500 ms.
 */
export interface LeaseTiming {
  /** The lease's TTL in whole seconds, as etcd takes it. */
  readonly ttlSeconds: number;
  readonly ttlMs: number;
  readonly keepAliveEveryMs: number;
  readonly marginMs: number;
  /** Fence when the newest acknowledged keep-alive was sent this long ago. */
  readonly fenceAfterMs: number;
  /** A single etcd call (lock, name, member record) fails with EHOSTUNREACH after this. */
  readonly callTimeoutMs: number;
}

/** etcd 3.4 refuses TTLs below about 1.5 election timeouts; 2 s covers its default. */
export const MIN_TTL_SECONDS = 2;
export const DRIFT_FRACTION = 0.05;
export const STALL_ALLOWANCE_MS = 500;
/** Long enough for etcd to elect a new leader on a loaded machine; then EHOSTUNREACH. */
const CALL_TIMEOUT_MS = 5000;
/** Keep-alives per TTL: several may be lost (a leader election) before the fence. */
const KEEPALIVES_PER_TTL = 5;

/**
 * The lease for a failure-detection timeout: TTL = 1.5 timeouts (rounded up to whole
 * seconds), so a dead node's keys go within two timeouts, as the embedded coordinator's
 * "down after 1.5 timeouts" does.
 */
export function leaseTiming(heartbeatTimeoutMs: number): LeaseTiming {
  const ttlSeconds = Math.max(MIN_TTL_SECONDS, Math.ceil((heartbeatTimeoutMs * 1.5) / 1000));
  const ttlMs = ttlSeconds * 1000;
  const marginMs = Math.ceil(ttlMs * DRIFT_FRACTION) + STALL_ALLOWANCE_MS;
  const keepAliveEveryMs = Math.floor(ttlMs / KEEPALIVES_PER_TTL);
  const timing = { ttlSeconds, ttlMs, keepAliveEveryMs, marginMs, fenceAfterMs: ttlMs - marginMs, callTimeoutMs: CALL_TIMEOUT_MS };
  if (!(timing.fenceAfterMs > timing.keepAliveEveryMs)) throw new Error(`lease timing leaves no room for a keep-alive: ${JSON.stringify(timing)}`);
  return timing;
}
