// The onebox dashboard: polls the node that served it (GET /api/cluster, and GET
// /api/trace for the live trace) and kills through it (POST /api/kill). The token comes in the URL's fragment, which the browser
// never sends to a server, and travels only in the Authorization header. Everything a
// node reports is shown as text (textContent), never parsed as HTML.
const REFRESH_MS = 2000;
const TRACE_REFRESH_MS = 1000;

const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
if (fromHash) {
  sessionStorage.setItem("onebox-token", fromHash);
  history.replaceState(null, "", location.pathname);
}
const token = sessionStorage.getItem("onebox-token") ?? "";

const $ = (selector) => document.querySelector(selector);
let latest = null;

function status(text, isError = false) {
  const el = $("#status");
  el.textContent = text;
  el.className = isError ? "error" : "";
}

async function api(path, init = {}) {
  const response = await fetch(path, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body;
}

/** Replace a table's rows: one array of cells (text, or a Node) per row. */
function fill(table, rows, rowClass = () => "") {
  const body = $(`${table} tbody`);
  body.replaceChildren(...rows.map(({ cells, item }) => {
    const tr = document.createElement("tr");
    tr.className = rowClass(item);
    for (const cell of cells) {
      const td = document.createElement("td");
      if (cell instanceof Node) td.append(cell);
      else {
        td.textContent = String(cell);
        if (typeof cell === "number") td.className = "num";
      }
      tr.append(td);
    }
    return tr;
  }));
}

function killButton(pid) {
  const button = document.createElement("button");
  button.className = "kill";
  button.textContent = "kill";
  button.dataset.pid = String(pid);
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await api("/api/kill", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ pid }) });
      status(`killed ${pid}`);
    } catch (error) {
      status(`kill ${pid}: ${error.message}`, true);
    }
    await refresh();
  });
  return button;
}

function render(view) {
  $("#served-by").textContent = `served by ${view.servedBy}`;
  $("#asking").textContent = view.asking ? `as ${view.asking.name} (${view.asking.role})` : "as nobody known (--insecure)";
  fill("#nodes", view.nodes.map((m) => ({ item: m, cells: [m.id, m.name, m.state, m.load, `${m.loopP99Us ?? 0} / ${m.loopMaxUs ?? 0}`, m.url] })), (m) => m.state);
  const words = $("#filter").value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const shown = view.processes.filter((p) => {
    const text = `${p.pid} ${p.node} ${p.ppid} ${p.state} ${p.module} ${p.owner ?? ""}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
  // A role that may not kill (viewer) gets no buttons: the node would refuse them (403).
  const mayKill = view.asking?.mayKill ?? true;
  fill("#processes", shown.map((p) => ({ item: p, cells: [p.pid, p.node, p.ppid, p.state, p.module, p.owner || "-", Math.round(p.uptimeMs / 1000), Math.round(Number(p.memoryBytes) / 1024), mayKill ? killButton(p.pid) : ""] })));
  $("#truncated").hidden = !view.truncated;
  const flows = view.locals.flatMap((l) => (l.error ? [{ item: l, cells: [l.node, `unreachable: ${l.error}`, "", "", "", ""] }] : l.flow.map((f) => ({ item: f, cells: [l.node, f.peer, f.msgsOut, f.msgsIn, f.bytesOut, f.bytesIn] }))));
  fill("#flow", flows);
  const coordinator = view.locals.find((l) => l.locks);
  fill("#locks", (coordinator?.locks ?? []).map((l) => ({ item: l, cells: [l.name, l.holder, l.token, l.waiting] })));
  fill("#names", (coordinator?.names ?? []).map((n) => ({ item: n, cells: [n.name, n.pid] })));
}

async function refresh() {
  try {
    latest = await api("/api/cluster");
    render(latest);
    if ($("#status").className === "error") status("");
    document.body.dataset.loaded = "true";
  } catch (error) {
    status(error.message, true);
  }
}

/** The live trace: the newest calls the node lets through the pid and call filters, in causal order. */
let traceAsked = 0;
async function refreshTrace() {
  const asked = ++traceAsked;
  const query = new URLSearchParams();
  const pid = $("#trace-pid").value.trim();
  const calls = $("#trace-call").value.trim();
  if (pid) query.set("pid", pid);
  if (calls) query.set("call", calls.replace(/\s+/g, ","));
  try {
    const trace = await api(`/api/trace?${query}`);
    if (asked !== traceAsked) return; // a later request (the filter changed) answers instead
    fill("#trace", trace.records.map((r) => ({
      item: r,
      cells: [r.lamport, r.node, r.pid, r.call, r.args, r.errno ? `${r.result} ${r.errno}` : r.result, r.msg],
    })));
    $("#trace-lost").textContent = trace.lost > 0 ? `${trace.lost} calls were overwritten in their node's journal before they were read.` : "";
    document.body.dataset.traced = "true";
  } catch (error) {
    status(`trace: ${error.message}`, true);
  }
}

$("#filter").addEventListener("input", () => latest && render(latest));
for (const input of ["#trace-pid", "#trace-call"]) $(input).addEventListener("input", refreshTrace);
if (!token) status("no token: open the URL 'onebox dashboard' prints", true);
else {
  await Promise.all([refresh(), refreshTrace()]);
  setInterval(refresh, REFRESH_MS);
  setInterval(refreshTrace, TRACE_REFRESH_MS);
}
