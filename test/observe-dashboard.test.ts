// The web dashboard end to end: a real 3-node cluster (node processes on loopback, mutual
// TLS), the URL `onebox dashboard` prints with a user's token, opened in headless Chromium
// (Debian's, driven by playwright-core): it lists the nodes and the processes, kills one,
// and shows the live trace of a guest's messages across the nodes in causal order.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { chromium, type BrowserContext } from "playwright-core";
import { credentialsIn } from "../host/auth/certificates.ts";
import { httpGet } from "../host/observe/http-get.ts";
import { onebox } from "./helpers/cli.ts";
import { startNodeProcess, stopNodeProcess, type NodeProcess } from "./helpers/cluster.ts";
import { guest, REPO, tempDir } from "./helpers/guests.ts";

const CHROMIUM = "/usr/bin/chromium";
const DEADLINE_MS = 60_000;
const skip = fs.existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`;

const dir = tempDir("onebox-dashboard");
const secretFile = path.join(dir, "secret");
const caDir = path.join(dir, "ca");
const cred = (name: string): string => path.join(dir, "creds", name);
const nodes: NodeProcess[] = [];
let browser: BrowserContext | undefined;
/** The CLI's cluster options, as the admin `ada`. */
const asAda = (node: NodeProcess): string[] => ["--cluster", node.url, "--secret-file", secretFile, "--credentials", cred("ada")];

async function issue(args: string[]): Promise<void> {
  const result = await onebox(args, dir);
  assert.equal(result.code, 0, result.stderr);
}

before(async () => {
  if (skip) return;
  fs.writeFileSync(secretFile, "dashboard test secret");
  await issue(["cluster", "init", caDir]);
  await issue(["user", "add", "ada", "--role", "admin", "--ca-dir", caDir, "--out", cred("ada")]);
  await issue(["user", "add", "vic", "--role", "viewer", "--ca-dir", caDir, "--out", cred("vic")]);
  for (const name of ["node1", "node2", "node3"]) {
    await issue(["cluster", "cert", name, "--ca-dir", caDir, "--out", cred(name)]);
    const { caFile, certFile, keyFile } = credentialsIn(cred(name));
    nodes.push(await startNodeProcess(name, { join: nodes[0]?.url, secretFile, heartbeatMs: 500, cwd: dir, args: ["--ca", caFile, "--cert", certFile, "--key", keyFile] }));
  }
  // A fresh profile directory (playwright passes it as --user-data-dir). The nodes'
  // certificates are the test CA's, which Chromium does not know.
  browser = await chromium.launchPersistentContext(tempDir("onebox-chromium"), {
    executablePath: CHROMIUM,
    ignoreHTTPSErrors: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  await Promise.all(nodes.map(stopNodeProcess));
});

test("the dashboard lists the nodes and the processes, and kills one", { skip }, async () => {
  const wasm = await guest("mesh");
  // A process that sleeps for ten minutes on node2, run as an operator would.
  const sleeper = spawn(process.execPath, [path.join(REPO, "host/cli/main.ts"), "run", ...asAda(nodes[0]!), "--on", "node2", wasm, "sleep"], { cwd: dir, stdio: "ignore" });
  const ended = new Promise<number | null>((resolve) => sleeper.once("exit", resolve));
  let pid = 0;
  for (const deadline = performance.now() + DEADLINE_MS; pid === 0 && performance.now() < deadline; ) {
    const ps = await onebox(["ps", ...asAda(nodes[0]!), "--json"], dir);
    pid = (JSON.parse(ps.stdout) as { pid: number; node: string }[]).find((p) => p.node === "node2")?.pid ?? 0;
  }
  assert.ok(pid > 0, "the sleeper shows in ps");

  // Served by node3, which is not the coordinator: it gathers the others' views itself.
  const printed = await onebox(["dashboard", ...asAda(nodes[2]!)], dir);
  assert.equal(printed.code, 0, printed.stderr);
  const url = printed.stdout.trim();
  assert.equal(url, `${nodes[2]!.url.replace(/^wss:/, "https:")}/dashboard/#token=${fs.readFileSync(path.join(cred("ada"), "token"), "utf8").trim()}`);

  const page = await browser!.newPage();
  try {
    await page.goto(url);
    await page.waitForFunction(() => document.querySelectorAll("#nodes tbody tr").length === 3, null, { timeout: DEADLINE_MS });
    assert.deepEqual(await page.locator("#nodes tbody tr td:nth-child(2)").allTextContents(), ["node1", "node2", "node3"]);
    assert.deepEqual(await page.locator("#nodes tbody tr td:nth-child(3)").allTextContents(), ["alive", "alive", "alive"]);
    assert.equal(await page.locator("#served-by").textContent(), "served by node3");
    assert.equal(await page.locator("#asking").textContent(), "as ada (admin)");
    assert.equal(new URL(page.url()).hash, "", "the token leaves the address bar");

    const row = page.locator("#processes tbody tr", { has: page.locator(`button[data-pid="${pid}"]`) });
    await row.waitFor({ timeout: DEADLINE_MS });
    assert.equal(await row.locator("td:nth-child(2)").textContent(), "node2");
    assert.equal(await row.locator("td:nth-child(6)").textContent(), "ada", "the owner column");

    // A viewer's page (vic's token) lists the sleeper too, names vic, and offers no kill.
    const viewer = await browser!.newPage();
    try {
      await viewer.goto((await onebox(["dashboard", "--cluster", nodes[0]!.url, "--secret-file", secretFile, "--credentials", cred("vic")], dir)).stdout.trim());
      await viewer.locator("#processes tbody tr td:first-child", { hasText: new RegExp(`^${pid}$`) }).waitFor({ timeout: DEADLINE_MS });
      assert.equal(await viewer.locator("#asking").textContent(), "as vic (viewer)");
      assert.equal(await viewer.locator("#processes button.kill").count(), 0);
    } finally {
      await viewer.close();
    }
    await page.locator("#filter").fill(`${pid} node2`);
    assert.equal(await page.locator("#processes tbody tr").count(), 1, "the filter leaves the sleeper alone");
    await page.locator("#filter").fill("no-such-process");
    assert.equal(await page.locator("#processes tbody tr").count(), 0);
    await page.locator("#filter").fill(String(pid));
    // Flow between the nodes: node3 reports what it exchanged with node1.
    await page.waitForFunction(() => Array.from(document.querySelectorAll("#flow tbody tr")).some((tr) => tr.textContent?.startsWith("node3node1")), null, { timeout: DEADLINE_MS });

    await page.locator(`button[data-pid="${pid}"]`).click();
    assert.equal(await ended, 137, "the killed process's run exits with 137");
    await page.waitForFunction((gone) => !document.querySelector(`button[data-pid="${gone}"]`), pid, { timeout: DEADLINE_MS });
    assert.match((await page.locator("#status").textContent()) ?? "", new RegExp(`killed ${pid}`));
    // node3 served the page: its audit log names the token's user.
    assert.match(fs.readFileSync(path.join(dir, ".onebox", "audit", "node3.log"), "utf8"), new RegExp(`Z ada admin kill ${pid}: ok\n`));
  } finally {
    await page.close();
    if (sleeper.exitCode === null) sleeper.kill();
  }
});

test("the live trace shows a guest's sends and the recvs of them, across nodes, in causal order", { skip }, async () => {
  const rounds = 2;
  const run = await onebox(["run", ...asAda(nodes[0]!), "--on", "node1", await guest("causal"), "main", "node2", "node3", String(rounds)], dir);
  assert.equal(run.code, 0, run.stderr);
  const out = new Map(run.stdout.split("\n").filter((l) => l.includes("=")).map((l) => l.split("=") as [string, string]));
  const [main, relay1, relay2] = ["main.pid", "relay1.pid", "relay2.pid"].map((k) => Number(out.get(k)));
  assert.ok(main! > 0 && relay1! > 0 && relay2! > 0, run.stdout);

  const url = (await onebox(["dashboard", ...asAda(nodes[1]!)], dir)).stdout.trim();
  const page = await browser!.newPage();
  try {
    await page.goto(url);
    await page.waitForFunction(() => document.body.dataset.traced === "true", null, { timeout: DEADLINE_MS });
    // The chain's tree (main spawned both relays), its messages only.
    await page.locator("#trace-pid").fill(String(main));
    await page.locator("#trace-call").fill("send recv");
    // Round by round (and the empty message that ends it): main sends, relay1 takes it and sends on, relay2 too, main takes it.
    const hops = 6 * (rounds + 1);
    await page.waitForFunction((n) => document.querySelectorAll("#trace tbody tr").length === n, hops, { timeout: DEADLINE_MS });
    const rows = await page.locator("#trace tbody tr").evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (td) => td.textContent ?? "")));
    const expected: [number, string][] = [];
    for (let i = 0; i <= rounds; i++) expected.push([main!, "send"], [relay1!, "recv"], [relay1!, "send"], [relay2!, "recv"], [relay2!, "send"], [main!, "recv"]);
    assert.deepEqual(rows.map((r) => [Number(r[2]), r[3]]), expected, "the panel lists the chain in the order of its messages");
    for (let i = 1; i < rows.length; i++) assert.ok(Number(rows[i]![0]) >= Number(rows[i - 1]![0]), `row ${i} is in Lamport order`);
    for (let i = 1; i < rows.length; i += 2) {
      assert.equal(rows[i]![6], rows[i - 1]![6], `recv ${i} names the message of the send before it`);
      assert.match(rows[i]![6]!, /^\d+@\d+$/);
      assert.ok(Number(rows[i]![0]) > Number(rows[i - 1]![0]), "a recv's Lamport time is above its send's");
      assert.notEqual(rows[i]![1], rows[i - 1]![1], "every hop crosses nodes");
    }
    // Another filter: only relay2's calls (it spawned nothing), only its recvs.
    await page.locator("#trace-pid").fill(String(relay2));
    await page.locator("#trace-call").fill("recv");
    await page.waitForFunction((n) => document.querySelectorAll("#trace tbody tr").length === n, rounds + 1, { timeout: DEADLINE_MS });
    const recvs = await page.locator("#trace tbody tr").evaluateAll((trs) => trs.map((tr) => `${tr.children[1]!.textContent} ${tr.children[2]!.textContent} ${tr.children[3]!.textContent}`));
    assert.deepEqual(recvs, Array(rounds + 1).fill(`node3 ${relay2} recv`));
  } finally {
    await page.close();
  }
});

test("the trace API needs the token and refuses a bad filter", { skip }, async () => {
  const base = nodes[0]!.url.replace(/^wss:/, "https:");
  const token = (await onebox(["dashboard", ...asAda(nodes[0]!)], dir)).stdout.trim().replace(/^.*#token=/, "");
  const ca = fs.readFileSync(path.join(caDir, "ca.pem"));
  const get = (route: string, headers?: Record<string, string>) => httpGet(`${base}${route}`, { ca, headers, timeoutMs: DEADLINE_MS });
  assert.equal((await get("/api/trace")).status, 401);
  const auth = { authorization: `Bearer ${token}` };
  const bad = await get("/api/trace?pid=-1", auth);
  assert.equal(bad.status, 400);
  assert.match((JSON.parse(bad.body) as { error: string }).error, /pid must be an integer/);
  const good = await get("/api/trace?limit=3", auth);
  assert.equal(good.status, 200);
  assert.ok((JSON.parse(good.body) as { records: unknown[] }).records.length <= 3);
});

test("the page without the token shows why and gets nothing", { skip }, async () => {
  const page = await browser!.newPage();
  try {
    const base = (await onebox(["dashboard", ...asAda(nodes[0]!)], dir)).stdout.trim().replace(/#.*$/, "");
    await page.goto(base);
    await page.waitForFunction(() => document.querySelector("#status")?.textContent !== "", null, { timeout: DEADLINE_MS });
    assert.match((await page.locator("#status").textContent()) ?? "", /no token/);
    assert.equal(await page.locator("#nodes tbody tr").count(), 0);
  } finally {
    await page.close();
  }
});
