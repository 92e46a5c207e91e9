// Brigade's operator dashboard: plain JavaScript and SVG, no third-party code, served by the
// binary itself so it works offline. It reads the same admin API as any other client.
"use strict";

const COLOURS = ["#1f6feb", "#b54708", "#12b76a", "#9e77ed", "#f04438", "#667085"];
const SVG = "http://www.w3.org/2000/svg";
const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem("brigade.token");
let refreshToken = sessionStorage.getItem("brigade.refresh");
let renewal;

// Access tokens are short-lived (15 minutes by default): renew well before one expires, and
// once more if a call is refused anyway, so an open dashboard stays signed in.
function keep(tokens) {
  token = tokens.access_token;
  refreshToken = tokens.refresh_token;
  sessionStorage.setItem("brigade.token", token);
  sessionStorage.setItem("brigade.refresh", refreshToken);
  clearTimeout(renewal);
  renewal = setTimeout(renew, Math.max(1, tokens.expires_in * 0.8) * 1000);
}

function forget() {
  token = refreshToken = null;
  clearTimeout(renewal);
  sessionStorage.removeItem("brigade.token");
  sessionStorage.removeItem("brigade.refresh");
}

async function renew() {
  if (!refreshToken) return false;
  try {
    const res = await fetch("/v1/auth/refresh", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ refresh_token: refreshToken }),
    });
    if (!res.ok) return false;
    keep(await res.json());
    return true;
  } catch (_) {
    return false;
  }
}

async function api(path, options = {}, retried = false) {
  const headers = Object.assign({ Accept: "application/json" }, options.headers || {});
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(path, Object.assign({}, options, { headers }));
  if (res.status === 401 && !retried && !path.startsWith("/v1/auth/") && (await renew())) {
    return api(path, options, true);
  }
  const body = res.headers.get("content-type")?.includes("json") ? await res.json() : null;
  if (!res.ok) throw new Error(body?.detail || `${res.status} ${res.statusText}`);
  return body;
}

function el(tag, attrs = {}, text) {
  const node = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function fill(tableId, rows) {
  const body = $(tableId).querySelector("tbody");
  body.replaceChildren();
  if (rows.length === 0) {
    const td = el("td", { colspan: $(tableId).querySelectorAll("th").length, class: "empty" }, "nothing yet");
    body.append(el("tr"));
    body.lastChild.append(td);
  }
  for (const cells of rows) {
    const tr = el("tr");
    for (const c of cells) tr.append(el("td", {}, c));
    body.append(tr);
  }
}

// Hours from `from` to `to`, as ISO strings (the usage report's period starts).
function hours(from, to) {
  const out = [];
  const t = new Date(from);
  t.setUTCMinutes(0, 0, 0);
  for (; t < to; t.setUTCHours(t.getUTCHours() + 1)) out.push(t.toISOString().slice(0, 13));
  return out;
}

// Sums report rows per hour and per series name (the top `limit` names, the rest as "other").
function series(rows, slots, nameOf, valueOf = (r) => r.count, limit = 5) {
  const totals = new Map();
  for (const r of rows) totals.set(nameOf(r), (totals.get(nameOf(r)) || 0) + r.count);
  const top = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit).map((e) => e[0]);
  const byName = new Map();
  for (const r of rows) {
    const name = top.includes(nameOf(r)) ? nameOf(r) : "other";
    if (!byName.has(name)) byName.set(name, new Array(slots.length).fill(0));
    const i = slots.indexOf(r.period_start.slice(0, 13));
    if (i >= 0) byName.get(name)[i] += valueOf(r);
  }
  return [...byName.entries()].map(([name, values]) => ({ name, values }));
}

function legend(id, list) {
  const ul = $(id);
  ul.replaceChildren();
  list.forEach((s, i) => {
    const li = el("li");
    const swatch = el("i");
    // Set through the CSSOM: the page's policy forbids inline style attributes.
    swatch.style.background = COLOURS[i % COLOURS.length];
    li.append(swatch, s.name);
    ul.append(li);
  });
}

// Axes, labels and the plotting area; returns the scales.
function frame(svg, slots, max, unit) {
  svg.replaceChildren();
  const w = svg.clientWidth || 600, h = svg.clientHeight || 220;
  svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
  const left = 44, right = 8, top = 8, bottom = 22;
  const x = (i) => left + (i * (w - left - right)) / Math.max(slots.length, 1);
  const y = (v) => top + (h - top - bottom) * (1 - v / (max || 1));
  svg.append(el("svg:line", { class: "axis", x1: left, x2: w - right, y1: y(0), y2: y(0) }));
  for (const f of [0.5, 1]) {
    svg.append(el("svg:line", { class: "axis", x1: left, x2: w - right, y1: y(max * f), y2: y(max * f) }));
    svg.append(el("svg:text", { x: 4, y: y(max * f) + 3 }, `${+(max * f).toFixed(max * f < 10 ? 1 : 0)}${unit}`));
  }
  // Hours for a day or two; for longer windows, each day's date at its midnight (UTC).
  const days = slots.length > 48;
  const step = Math.max(1, Math.ceil(slots.length / 8));
  slots.forEach((s, i) => {
    const tick = days ? s.slice(11, 13) === "00" : i % step === 0;
    if (!tick) return;
    const label = days ? s.slice(5, 10) : `${s.slice(11, 13)}h`;
    svg.append(el("svg:text", { x: x(i), y: h - 6, class: "tick", "data-slot": s }, label));
  });
  return { x, y, width: (w - left - right) / Math.max(slots.length, 1) };
}

function stackedBars(svg, slots, list) {
  const totals = slots.map((_, i) => list.reduce((sum, s) => sum + s.values[i], 0));
  const { x, y, width } = frame(svg, slots, Math.max(...totals, 1), "");
  let bars = 0;
  slots.forEach((_, i) => {
    let base = 0;
    list.forEach((s, k) => {
      const v = s.values[i];
      if (v <= 0) return;
      const bar = el("svg:rect", {
        class: "bar", x: x(i) + 1, width: Math.max(width - 2, 1), y: y(base + v),
        height: y(base) - y(base + v), fill: COLOURS[k % COLOURS.length], "data-value": v,
      });
      bar.append(el("svg:title", {}, `${s.name}: ${v}`));
      svg.append(bar);
      base += v;
      bars += 1;
    });
  });
  svg.dataset.points = bars;
}

function lines(svg, slots, list, unit) {
  const max = Math.max(...list.flatMap((s) => s.values.filter((v) => v !== null)), 1);
  const { x, y, width } = frame(svg, slots, max, unit);
  let points = 0;
  list.forEach((s, k) => {
    const d = s.values
      .map((v, i) => (v === null ? null : `${x(i) + width / 2},${y(v)}`))
      .filter(Boolean);
    points += d.length;
    if (d.length === 0) return;
    svg.append(el("svg:path", {
      class: "line", d: `M${d.join("L")}`, fill: "none", stroke: COLOURS[k % COLOURS.length], "stroke-width": 2,
    }));
    s.values.forEach((v, i) => {
      if (v !== null) svg.append(el("svg:circle", { cx: x(i) + width / 2, cy: y(v), r: 2.5, fill: COLOURS[k % COLOURS.length] }));
    });
  });
  svg.dataset.points = points;
}

// Users' names by id, looked up once per page (admins may read any user).
const people = new Map();

async function learnNames(rows) {
  const ids = [...new Set(rows.map((r) => r.user_id).filter((id) => id && !people.has(id)))];
  await Promise.all(ids.slice(0, 50).map(async (id) => {
    try {
      const user = await api(`/v1/admin/users/${encodeURIComponent(id)}`);
      people.set(id, user.name || user.email);
    } catch (_) {
      people.set(id, `user …${id.slice(-6)}`);
    }
  }));
}

function callerName(r) {
  const who = people.get(r.user_id) || (r.user_id ? `user …${r.user_id.slice(-6)}` : "");
  if (r.subject === "api_key") return `API key of ${who}`;
  if (r.subject === "user") return who;
  return "anonymous (by address)";
}

// `GET /v1/menu`; pages outside the API (docs, this dashboard) count as one.
function operationName(r) {
  const [method, route] = r.operation.split(" ");
  if (!route || !route.startsWith("/v1/")) return "pages (docs, dashboard, probes)";
  return `${method} ${route}`;
}

// The 95th percentile of an hour's calls, read from their latency histogram: linear within
// the bucket it falls in, not the bucket's upper bound. `bounds` are the buckets' upper
// bounds; the last bucket has none, so a p95 there reads as its lower bound.
function p95(rows, bounds) {
  const counts = new Array(bounds.length + 1).fill(0);
  for (const r of rows) r.latency_buckets.forEach((c, i) => { if (i < counts.length) counts[i] += c; });
  const total = counts.reduce((a, b) => a + b, 0);
  if (!total) return null;
  const target = 0.95 * total;
  let seen = 0;
  for (let i = 0; i < bounds.length; i++) {
    if (counts[i] > 0 && seen + counts[i] >= target) {
      const low = i === 0 ? 0 : bounds[i - 1];
      return low + ((bounds[i] - low) * (target - seen)) / counts[i];
    }
    seen += counts[i];
  }
  return bounds[bounds.length - 1];
}

function render(usage, health, inventory, windowHours) {
  const to = new Date();
  const slots = hours(new Date(to - windowHours * 3600e3), to);
  const rows = usage.data;
  const total = rows.reduce((s, r) => s + r.count, 0);
  const share = (cls) => rows.filter((r) => r.status_class === cls).reduce((s, r) => s + r.count, 0);
  const weighted = rows.reduce((s, r) => s + r.latency_avg_ms * r.count, 0);
  const percent = (n) => (total ? `${((100 * n) / total).toFixed(1)} %` : "–");
  $("stat-requests").textContent = total.toLocaleString();
  $("stat-server-errors").textContent = percent(share("5xx"));
  $("stat-client-errors").textContent = percent(share("4xx"));
  $("stat-latency").textContent = total ? `${(weighted / total).toFixed(1)} ms` : "–";
  $("stat-backlog").textContent = health.data.reduce((s, h) => s + h.backlog, 0);
  $("stat-dead").textContent = health.data.reduce((s, h) => s + h.dead_letters, 0);

  const callers = series(rows, slots, callerName);
  stackedBars($("chart-callers"), slots, callers);
  legend("legend-callers", callers);
  const operations = series(rows, slots, operationName);
  stackedBars($("chart-operations"), slots, operations);
  legend("legend-operations", operations);

  const perHour = (list) => series(list, slots, () => "n", (r) => r.count, 1)[0]?.values || slots.map(() => 0);
  const all = perHour(rows);
  // Server failures apart from refusals: a burst of 429s is the limiter working, not an outage.
  const rate = ["5xx", "4xx"].map((cls) => {
    const failed = perHour(rows.filter((r) => r.status_class === cls));
    return { name: `${cls} %`, values: all.map((n, i) => (n ? (100 * failed[i]) / n : null)) };
  });
  lines($("chart-errors"), slots, rate, "%");
  legend("legend-errors", rate);

  const sum = series(rows, slots, () => "mean", (r) => r.latency_avg_ms * r.count, 1)[0]?.values || [];
  const bounds = usage.latency_bucket_bounds_ms;
  const latency = [
    { name: "mean", values: all.map((n, i) => (n ? sum[i] / n : null)) },
    {
      name: "p95 (estimated from the latency histogram)",
      values: slots.map((slot) => p95(rows.filter((r) => r.period_start.slice(0, 13) === slot), bounds)),
    },
  ];
  lines($("chart-latency"), slots, latency, "ms");
  legend("legend-latency", latency);

  fill("outbox", health.data.map((h) => [h.subscription, h.backlog, h.attempts, h.dead_letters]));
  fill("modules", inventory.modules.map((m) => [m.name, m.version, m.owner, m.purpose, m.depends_on.join(", ") || "—", m.operations]));
  fill("operations", inventory.operations.map((o) => [
    o.method, o.path, o.module, o.visibility, o.scopes.join(", ") || "—",
    Object.entries(o.rate_limit).filter(([, p]) => p).map(([c, p]) => `${c}: ${p}`).join(", ") || "—",
    o.deprecated ? `yes${o.sunset ? `, sunset ${o.sunset}` : ""}` : "",
  ]));
  fill("events", inventory.events.map((e) => [e.event_type, e.version, e.producer, e.consumers.join(", ") || "—", e.summary]));
}

async function load() {
  document.body.dataset.state = "loading";
  const windowHours = Number($("window").value);
  const from = new Date(Date.now() - windowHours * 3600e3).toISOString();
  try {
    const [usage, health, inventory] = await Promise.all([
      api(`/v1/admin/usage?group_by=hour&from=${encodeURIComponent(from)}`),
      api("/v1/admin/events/health"),
      api("/v1/admin/inventory"),
    ]);
    await learnNames(usage.data);
    render(usage, health, inventory, windowHours);
    $("updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
    document.body.dataset.state = "ready";
  } catch (e) {
    document.body.dataset.state = "error";
    $("updated").textContent = e.message;
  }
}

function show(signedIn) {
  $("login").hidden = signedIn;
  $("dashboard").hidden = !signedIn;
  $("logout").hidden = !signedIn;
  if (!signedIn) document.body.dataset.state = "signed-out";
}

async function start() {
  if (!token) return show(false);
  try {
    const me = await api("/v1/me");
    if (!me.roles.includes("admin")) throw new Error("this dashboard is for admins");
    show(true);
    await load();
  } catch (e) {
    forget();
    show(false);
    $("login-error").textContent = e.message;
  }
}

$("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("login-error").textContent = "";
  try {
    const body = JSON.stringify({ email: $("email").value, password: $("password").value });
    const tokens = await api("/v1/auth/login", { method: "POST", body, headers: { "Content-Type": "application/json" } });
    keep(tokens);
    await start();
  } catch (e) {
    $("login-error").textContent = e.message;
  }
});
$("logout").addEventListener("click", async () => {
  try { await api("/v1/auth/logout", { method: "POST" }); } catch (_) { /* signed out anyway */ }
  forget();
  show(false);
});
$("refresh").addEventListener("click", load);
$("window").addEventListener("change", load);
// A reload keeps the session: renew at once if the stored access token may be stale.
if (token && refreshToken) renew().finally(start); else start();
