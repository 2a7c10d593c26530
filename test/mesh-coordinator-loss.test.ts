// Losing the embedded coordinator (node1) on real node processes: kill -9 and SIGSTOP.
// The other nodes must keep running; lock and name calls fail with EHOSTUNREACH, the rest
// keeps working; a coordinator that was paused must not blame its own deafness on others.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { errno } from "../abi/abi.ts";
import { onebox } from "./helpers/cli.ts";
import { keyed, startNodeProcess, stopNodeProcess, waitFor, type NodeProcess } from "./helpers/cluster.ts";
import { guest, tempDir } from "./helpers/guests.ts";

const HEARTBEAT_MS = 500;
/** Generous: the machine is shared and loaded; the conditions themselves are what is checked. */
const DEADLINE_MS = 60_000;

interface Cluster {
  readonly dir: string;
  readonly secretFile: string;
  readonly nodes: NodeProcess[];
}

async function startCluster(): Promise<Cluster> {
  const dir = tempDir("onebox-coordloss");
  const secretFile = path.join(dir, "secret");
  fs.writeFileSync(secretFile, "coordinator loss secret");
  const nodes = [await startNodeProcess("node1", { secretFile, heartbeatMs: HEARTBEAT_MS, cwd: dir })];
  for (const name of ["node2", "node3"]) nodes.push(await startNodeProcess(name, { join: nodes[0]!.url, secretFile, heartbeatMs: HEARTBEAT_MS, cwd: dir }));
  return { dir, secretFile, nodes };
}

/** `onebox run` of the mesh guest through `via`, on node `on`; its key=value lines. */
async function run(c: Cluster, wasm: string, via: NodeProcess, on: string, ...guestArgs: string[]): Promise<Map<string, string>> {
  const result = await onebox(["run", "--cluster", via.url, "--secret-file", c.secretFile, "--on", on, wasm, ...guestArgs], c.dir);
  assert.equal(result.code, 0, `run ${guestArgs.join(" ")} on ${on}: ${result.stderr}`);
  return keyed(result.stdout.split("\n").filter(Boolean));
}

const running = (node: NodeProcess): boolean => node.child.exitCode === null && node.child.signalCode === null;

function assertRunning(nodes: readonly NodeProcess[]): void {
  for (const node of nodes) assert.ok(running(node), `${node.name} exited (${node.child.exitCode ?? node.child.signalCode}):\n${node.log()}`);
}

/**
 * Everything still works through node2: spawn there and on node3, send/recv, exit, ps;
 * a lock call fails with EHOSTUNREACH while the coordinator is gone, and works once it is back.
 */
async function othersStillWork(c: Cluster, wasm: string, coordinator: "gone" | "back" = "gone"): Promise<void> {
  const [, node2] = c.nodes;
  assert.equal((await run(c, wasm, node2!, "node2", "return")).size, 0);
  const ping = await run(c, wasm, node2!, "node2", "ping", "node3", "20");
  assert.ok(Number(ping.get("ping.mean-us")) > 0, `ping across node2 and node3: ${[...ping]}`);
  const lock = await run(c, wasm, node2!, "node2", "lockwait", "L");
  if (coordinator === "gone") assert.equal(lock.get("waiter.token"), String(-errno("EHOSTUNREACH")), "a lock call without the coordinator");
  else assert.ok(Number(lock.get("waiter.token")) > 0, `a lock call with the coordinator back: ${lock.get("waiter.token")}`);
  const ps = await onebox(["ps", "--cluster", node2!.url, "--secret-file", c.secretFile, "--json"], c.dir);
  assert.equal(ps.code, 0, ps.stderr);
}

test("kill -9 of the coordinator node: the others keep running, processes run and exit, locks get EHOSTUNREACH", async () => {
  const wasm = await guest("mesh");
  const c = await startCluster();
  const [node1, node2, node3] = c.nodes;
  try {
    node1!.child.kill("SIGKILL");
    await waitFor("node2 and node3 to declare node1 down", () => [node2!, node3!].every((n) => /node node1 \(1\) is down/.test(n.log())), DEADLINE_MS);
    await othersStillWork(c, wasm);
    assertRunning([node2!, node3!]);
  } finally {
    await Promise.all(c.nodes.map(stopNodeProcess));
  }
});

test("SIGSTOP of the coordinator node past 1.5 heartbeat timeouts, then SIGCONT: no node exits, and the others take it back", async () => {
  const wasm = await guest("mesh");
  const c = await startCluster();
  const [node1, node2, node3] = c.nodes;
  try {
    node1!.child.kill("SIGSTOP");
    // The pause itself is the point here: at least three heartbeat timeouts, and until both
    // others have given node1 up, so its own view of them is stale by more than 1.5 when it wakes.
    const paused = new Promise((resolve) => setTimeout(resolve, 3 * HEARTBEAT_MS));
    await waitFor("node2 and node3 to declare node1 down", () => [node2!, node3!].every((n) => /node node1 \(1\) is down/.test(n.log())), DEADLINE_MS);
    await othersStillWork(c, wasm);
    await paused;
    node1!.child.kill("SIGCONT");
    await waitFor("node1 to notice its own stall", () => /event loop stalled for \d+ ms/.test(node1!.log()), DEADLINE_MS);
    // node1 works, and still counts node2 and node3 alive (it did not blame them for its pause).
    assert.equal((await run(c, wasm, node1!, "node1", "return")).size, 0);
    const listed = JSON.parse((await onebox(["nodes", "--cluster", node1!.url, "--secret-file", c.secretFile, "--json"], c.dir)).stdout) as { name: string; state: string }[];
    assert.deepEqual(listed.map((m) => `${m.name}:${m.state}`), ["node1:alive", "node2:alive", "node3:alive"]);
    await waitFor("node2 and node3 to take node1 back", () => [node2!, node3!].every((n) => /node node1 \(1\) is back/.test(n.log())), DEADLINE_MS);
    for (const via of [node2!, node3!]) {
      const seen = JSON.parse((await onebox(["nodes", "--cluster", via.url, "--secret-file", c.secretFile, "--json"], c.dir)).stdout) as { name: string; state: string }[];
      assert.deepEqual(seen.map((m) => `${m.name}:${m.state}`), ["node1:alive", "node2:alive", "node3:alive"], `as ${via.name} sees it`);
    }
    await othersStillWork(c, wasm, "back");
    assertRunning(c.nodes);
    assert.doesNotMatch(node1!.log(), /node node[23] \(\d\) is down/);
  } finally {
    await Promise.all(c.nodes.map(stopNodeProcess));
  }
});
