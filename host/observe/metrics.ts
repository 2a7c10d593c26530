// A node's metrics in Prometheus's text format. Nothing here runs on the syscall path:
// the kernel and the channels count into plain numbers and typed arrays, and each gauge
// and counter reads them when scraped (prom-client's collect callbacks). Only the one
// call in SAMPLE_EVERY the kernel times reaches a histogram.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { SYSCALLS, type SyscallName } from "../../abi/abi.ts";
import type { ClusterNode } from "../cluster/node.ts";
import { SAMPLE_EVERY } from "../kernel/kernel-stats.ts";

/** Seconds: from a getpid (tens of ns) to a lock or recv that waits (seconds). */
const SYSCALL_BUCKETS = [1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1, 10];

/** Counter whose value is a total kept elsewhere: set to it at each scrape. */
function setTotal(counter: Counter<string>, value: number, labels: Record<string, string> = {}): void {
  counter.remove(labels);
  counter.inc(labels, value);
}

export class NodeMetrics {
  readonly registry = new Registry();

  constructor(node: ClusterNode) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ node: node.name });
    // Node's own: event-loop delay (nodejs_eventloop_lag_*), heap, GC, CPU, handles.
    collectDefaultMetrics({ register: this.registry });
    const kernel = () => node.kernel;

    new Gauge({ name: "onebox_processes", help: "Live processes on this node", registers, collect() {
      this.set(kernel().procs.size);
    } });
    new Counter({ name: "onebox_processes_started_total", help: "Processes started on this node (spawns from anywhere, and runs)", registers, collect() {
      setTotal(this, kernel().stats.started);
    } });
    new Counter({ name: "onebox_process_exits_total", help: "Processes ended on this node, by exit reason", labelNames: ["reason"], registers, collect() {
      for (const [reason, n] of Object.entries(kernel().stats.exits)) setTotal(this, n, { reason });
    } });
    new Counter({ name: "onebox_syscalls_total", help: "Calls guests made, by call (unused calls left out)", labelNames: ["call"], registers, collect() {
      const stats = kernel().stats;
      for (let i = 0; i < SYSCALLS.length; i++) {
        const calls = stats.calls(i);
        if (calls > 0) setTotal(this, calls, { call: SYSCALLS[i]!.name });
      }
    } });
    const duration = new Histogram({
      name: "onebox_syscall_duration_seconds",
      help: `Time in a call, blocking included, for one call in ${SAMPLE_EVERY} of each kind`,
      labelNames: ["call"],
      buckets: SYSCALL_BUCKETS,
      registers,
    });
    const byCall = new Map<SyscallName, Histogram.Internal<"call">>();
    kernel().stats.sampler = (event) => {
      let child = byCall.get(event.call);
      if (!child) byCall.set(event.call, (child = duration.labels({ call: event.call })));
      child.observe(event.durationNs / 1e9);
    };
    new Gauge({ name: "onebox_mailbox_messages", help: "Messages queued in this node's mailboxes: all, and the fullest one", labelNames: ["of"], registers, collect() {
      let all = 0;
      let fullest = 0;
      for (const proc of kernel().procs.values()) {
        all += proc.mailbox.length;
        fullest = Math.max(fullest, proc.mailbox.length);
      }
      this.set({ of: "all" }, all);
      this.set({ of: "fullest" }, fullest);
    } });
    new Gauge({ name: "onebox_memory_pages_in_use", help: "64 KiB pages the live processes' memories hold", registers, collect() {
      this.set(kernel().memoryPagesInUse);
    } });
    for (const [field, what] of [["msgs", "messages"], ["bytes", "bytes"]] as const) {
      new Counter({ name: `onebox_peer_${what}_total`, help: `${what[0]!.toUpperCase()}${what.slice(1)} exchanged with each peer (node or client), by direction`, labelNames: ["peer", "direction"], registers, collect() {
        for (const [peer, traffic] of node.peers.traffic.entries()) {
          setTotal(this, traffic[`${field}In`], { peer, direction: "in" });
          setTotal(this, traffic[`${field}Out`], { peer, direction: "out" });
        }
      } });
    }
    new Gauge({ name: "onebox_locks", help: "Locks held and processes waiting for one, cluster-wide (on the node serving the embedded coordinator)", labelNames: ["state"], registers, collect() {
      const counts = node.coordinator?.local.locks.counts();
      if (!counts) return;
      this.set({ state: "held" }, counts.held);
      this.set({ state: "waited" }, counts.waiting);
    } });
    new Gauge({ name: "onebox_names_registered", help: "Registered names, cluster-wide (on the node serving the embedded coordinator)", registers, collect() {
      const names = node.coordinator?.local.names;
      if (names) this.set([...names.entries()].length);
    } });
    new Counter({ name: "onebox_heartbeats_total", help: "Heartbeats this node sent and received (the coordinator receives members' and sends its list)", labelNames: ["direction"], registers, collect() {
      setTotal(this, node.stats.heartbeatsSent, { direction: "sent" });
      setTotal(this, node.stats.heartbeatsReceived, { direction: "received" });
    } });
    new Gauge({ name: "onebox_members", help: "Members of the cluster as this node sees them, by state", labelNames: ["state"], registers, collect() {
      const counts = { alive: 0, suspect: 0, down: 0 };
      for (const member of node.members.list()) counts[member.state]++;
      for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    } });
    new Counter({ name: "onebox_module_fetches_total", help: "Modules this node fetched from another by hash", registers, collect() {
      setTotal(this, node.stats.moduleFetches);
    } });
  }

  /** The exposition text, and its content type. */
  async scrape(): Promise<{ text: string; contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
