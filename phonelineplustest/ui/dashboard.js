// The dashboard of the PhoneLine+ fake: the request log live (server-sent
// events from /_fake/requests/stream), the faults with buttons to add the
// common ones, the customers with their users, numbers and orders, and
// the rate budget of the current minute. It reads only the control API.
"use strict";

const api = "/_fake/";
const maxRows = 500;
const rows = new Map(); // request id -> {data, tr, detail}
let open = null; // id of the expanded request

// h builds an element: h("td", {class: "x"}, "text", child...). Text is
// always set as text, never parsed as HTML.
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

async function call(method, path, body) {
  const opts = { method, headers: {} };
  if (body !== undefined) {
    opts.body = typeof body === "string" ? body : JSON.stringify(body);
    opts.headers["Content-Type"] = typeof body === "string" ? "text/plain" : "application/json";
  }
  const resp = await fetch(api + path, opts);
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) throw new Error(data.message || resp.status + " " + resp.statusText);
  return data;
}

// ---- the request log

function statusClass(s) {
  return "status s" + (s ? String(s)[0] : "0");
}

function statusText(r) {
  if (r.status) return String(r.status);
  return r.done ? "none" : "…";
}

function timeOf(iso) {
  const d = new Date(iso);
  const p = (n, w) => String(n).padStart(w || 2, "0");
  return p(d.getHours()) + ":" + p(d.getMinutes()) + ":" + p(d.getSeconds()) + "." + p(d.getMilliseconds(), 3);
}

function matches(r, q) {
  if (!q) return true;
  const hay = [r.method, r.path, r.query, String(r.status), r.fault || "", r.id].join(" ").toLowerCase();
  return q.toLowerCase().split(/\s+/).every((w) => hay.includes(w));
}

function rowFor(r) {
  const fault = r.faultAction ? h("span", { class: "tag", title: r.fault }, r.faultAction) : "";
  const tr = h("tr", { class: "row", "data-id": r.id, "data-path": r.path, "data-status": r.status, onclick: () => toggle(r.id) },
    h("td", { class: "time" }, timeOf(r.time)),
    h("td", {}, h("span", { class: "method " + r.method }, r.method)),
    h("td", { class: "path" }, r.path, r.query ? h("span", { class: "q" }, "?" + r.query) : ""),
    h("td", {}, h("span", { class: statusClass(r.status), title: r.actedStatus ? "the fake acted: " + r.actedStatus : "" }, statusText(r))),
    h("td", { class: "num" }, r.done ? r.durationMs.toFixed(1) : ""),
    h("td", {}, fault));
  return tr;
}

function pretty(body) {
  if (!body) return "(empty)";
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch (e) {
    return body;
  }
}

function headersList(hdr) {
  const keys = Object.keys(hdr || {}).sort();
  if (keys.length === 0) return h("div", { class: "kv" }, h("span", {}, "(no headers)"));
  return h("div", { class: "kv" }, keys.map((k) => h("div", {}, h("span", {}, k + ": "), hdr[k])));
}

function detailFor(r) {
  const acted = r.actedStatus ? [" · the fake acted with ", h("code", {}, String(r.actedStatus))] : "";
  const fault = r.fault ? [" · fault ", h("code", {}, r.fault)] : "";
  return h("tr", { class: "detail", "data-detail": r.id },
    h("td", { colspan: 6 },
      h("div", { class: "meta" }, "Request ", h("code", {}, r.id), r.keyID ? [" · key ", h("code", {}, r.keyID)] : "", fault, acted,
        r.truncated ? " · cut to the logged size" : ""),
      h("div", { class: "detail-grid" },
        h("div", {}, h("h3", {}, "Request"), headersList(r.header), h("pre", { class: "body", "data-testid": "request-body" }, pretty(r.body))),
        h("div", {}, h("h3", {}, "Answer " + statusText(r)), headersList(r.responseHeader),
          h("pre", { class: "body", "data-testid": "response-body" }, r.done ? pretty(r.responseBody) : "(still being served)")))));
}

function toggle(id) {
  open = open === id ? null : id;
  for (const [rid, row] of rows) {
    row.tr.classList.toggle("open", rid === open);
    if (row.detail) {
      row.detail.remove();
      row.detail = null;
    }
  }
  if (open && rows.has(open)) {
    const row = rows.get(open);
    row.detail = detailFor(row.data);
    row.tr.after(row.detail);
  }
}

function upsert(r, fresh) {
  const body = document.getElementById("requests");
  const old = rows.get(r.id);
  const tr = rowFor(r);
  if (old) {
    old.tr.replaceWith(tr);
    if (old.detail) {
      const d = detailFor(r);
      old.detail.replaceWith(d);
      old.detail = d;
    }
    tr.classList.toggle("open", open === r.id);
    old.tr = tr;
    old.data = r;
  } else {
    if (fresh) tr.classList.add("fresh");
    body.prepend(tr);
    rows.set(r.id, { data: r, tr, detail: null });
    while (rows.size > maxRows) {
      const [firstID, first] = rows.entries().next().value;
      first.tr.remove();
      if (first.detail) first.detail.remove();
      rows.delete(firstID);
    }
  }
  applyFilter();
}

function applyFilter() {
  const q = document.getElementById("filter").value.trim();
  let shown = 0;
  for (const row of rows.values()) {
    const ok = matches(row.data, q);
    row.tr.hidden = !ok;
    if (row.detail) row.detail.hidden = !ok;
    if (ok) shown++;
  }
  document.getElementById("requests-empty").hidden = rows.size > 0;
  document.getElementById("request-count").textContent = rows.size ? (q ? shown + " of " + rows.size : String(rows.size)) : "";
}

async function loadRequests() {
  const reqs = await call("GET", "requests?limit=" + maxRows);
  for (const r of reqs) upsert(r, false);
}

function stream() {
  const es = new EventSource(api + "requests/stream");
  const dot = document.getElementById("live-dot");
  const text = document.getElementById("live-text");
  es.onopen = () => {
    dot.classList.add("on");
    text.textContent = "live";
    loadRequests().catch(() => {});
  };
  es.onerror = () => {
    dot.classList.remove("on");
    text.textContent = "reconnecting…";
  };
  es.addEventListener("request", (ev) => {
    const r = JSON.parse(ev.data);
    upsert(r, !rows.has(r.id));
    if (r.done) refreshSoon();
  });
}

// ---- state, faults and the budget

let refreshTimer = null;
function refreshSoon() {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    refresh();
  }, 150);
}

async function refresh() {
  await Promise.all([loadState(), loadFaults(), loadBudget()]).catch(() => {});
}

// joinDots joins the values that are not empty with " · ".
function joinDots(...vs) {
  return vs.filter((v) => v).join(" · ");
}

function userName(c, id) {
  const u = (c.users || []).find((x) => x.ID === id);
  return u ? u.fullName || u.name : id ? "user " + id.slice(0, 8) : "";
}

function customerCard(c, orders) {
  const users = c.users || [];
  const numbers = c.numbers || [];
  const mine = orders.filter((o) => o.customerID === c.customerID);
  return h("div", { class: "customer", "data-customer-id": c.customerID, "data-testid": "customer" },
    h("div", { class: "customer-head" }, h("h3", {}, c.companyName), h("span", { class: "plan" }, c.plan + (c.status && c.status !== "active" ? " · " + c.status : ""))),
    h("div", { class: "who" }, joinDots(c.fullName, c.email, c.number && c.number.numberE164)),
    h("div", { class: "id" }, c.customerID),
    h("h4", {}, "Users (" + users.length + ")"),
    h("ul", {}, users.map((u) => h("li", { class: "user" },
      h("div", {}, h("b", {}, u.fullName || u.name), u.ID === c.userID ? h("span", { class: "primary" }, "primary") : ""),
      h("div", { class: "sec" }, joinDots(u.email, u.type, u.status.replace("_", " "), u.phoneNumber))))),
    numbers.length ? [h("h4", {}, "Numbers (" + numbers.length + ")"),
      h("ul", {}, numbers.map((n) => h("li", {}, h("span", { class: "num" }, n.numberE164),
        h("span", { class: "sec" }, n.allocatedTo && n.allocatedTo.userID ? "→ " + userName(c, n.allocatedTo.userID) : "unallocated"))))] : "",
    mine.length ? [h("h4", {}, "Orders (" + mine.length + ")"),
      h("ul", {}, mine.map((o) => h("li", {}, h("span", { class: "num" }, o.orderNumber),
        h("span", { class: "sec" }, (o.products || []).map((p) => p.quantity + " × " + p.sku).join(", "), " · ", o.status))))] : "");
}

async function loadState() {
  const st = await call("GET", "state?pool=false");
  const box = document.getElementById("customers");
  box.replaceChildren(...st.customers.slice().reverse().map((c) => customerCard(c, st.orders)));
  document.getElementById("customers-empty").hidden = st.customers.length > 0;
  document.getElementById("count-customers").textContent = st.stats.customers;
  document.getElementById("count-users").textContent = st.stats.users;
  document.getElementById("count-numbers").textContent = st.stats.numbers;
  document.getElementById("count-orders").textContent = st.stats.orders;
}

async function loadFaults() {
  const faults = await call("GET", "faults");
  const list = document.getElementById("faults");
  list.replaceChildren(...faults.map((f) => h("li", { class: f.spent ? "spent" : "", "data-fault-id": f.id },
    h("code", {}, f.line),
    h("span", { class: "fired" }, f.spent ? "spent" : f.fired ? "fired " + f.fired + "×" : "waiting"),
    h("button", { class: "ghost", type: "button", title: "Remove", onclick: () => removeFault(f.id) }, "✕"))));
  document.getElementById("faults-empty").hidden = faults.length > 0;
}

async function loadBudget() {
  const b = await call("GET", "budget");
  const spent = b.keys.reduce((n, k) => Math.max(n, k.spent), 0);
  const bar = document.getElementById("budget-bar");
  const text = document.getElementById("budget-text");
  if (!b.limit) {
    text.textContent = "no limit";
    bar.style.width = "0";
    return;
  }
  const pct = Math.min(100, (100 * spent) / b.limit);
  text.textContent = spent + " / " + b.limit;
  bar.style.width = pct + "%";
  bar.classList.toggle("high", pct >= 70 && pct < 100);
  bar.classList.toggle("full", pct >= 100);
}

async function addFault(text) {
  const err = document.getElementById("fault-error");
  err.textContent = "";
  try {
    await call("POST", "faults", text);
  } catch (e) {
    err.textContent = e.message;
  }
  loadFaults().catch(() => {});
}

async function removeFault(id) {
  await call("DELETE", "faults/" + encodeURIComponent(id)).catch(() => {});
  loadFaults().catch(() => {});
}

async function init() {
  const idx = await call("GET", "");
  document.getElementById("base-url").textContent = idx.baseURL;
  document.getElementById("key-id").textContent = idx.keyID;

  for (const b of document.querySelectorAll("#fault-buttons button")) {
    b.addEventListener("click", () => addFault(b.dataset.fault));
  }
  document.getElementById("custom-fault").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const input = document.getElementById("custom-fault-text");
    if (input.value.trim()) addFault(input.value.trim()).then(() => { input.value = ""; });
  });
  document.getElementById("clear-faults").addEventListener("click", async () => {
    await call("DELETE", "faults").catch(() => {});
    loadFaults().catch(() => {});
  });
  document.getElementById("clear-requests").addEventListener("click", async () => {
    await call("DELETE", "requests").catch(() => {});
    for (const row of rows.values()) {
      row.tr.remove();
      if (row.detail) row.detail.remove();
    }
    rows.clear();
    open = null;
    applyFilter();
  });
  document.getElementById("reset").addEventListener("click", async () => {
    if (!confirm("Reset the fake to the state it started with? Customers created since go, and so does the request log.")) return;
    await call("POST", "reset").catch(() => {});
    document.getElementById("clear-requests").click();
    refresh();
  });
  document.getElementById("filter").addEventListener("input", applyFilter);

  applyFilter();
  await refresh();
  stream();
  setInterval(loadBudget, 2000); // the window rolls on even when nothing happens
}

init().catch((e) => {
  document.getElementById("live-text").textContent = "could not reach the fake: " + e.message;
});
