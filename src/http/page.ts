// The operation-monitor page: one self-contained HTML document (no bundler,
// no CDN). It loads /api/agents, then follows /api/events from that
// snapshot's last_event_id. Rows are keyed by address and updated in place,
// batched into one animation frame, so 10k agents stay responsive.
// (The script avoids backticks and dollar-braces: it lives in a template string.)

export const MONITOR_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>OCS operation monitor</title>
<style>
:root { --bg:#111217; --panel:#181b1f; --line:#2c3038; --text:#d8d9da; --dim:#8e9297;
  --c1:#6e7178; --c2:#5794f2; --c3:#56a64b; --c4:#e0b400; --c5:#3274d9; --c6:#e02f44; --c7:#8f3bb8; --c8:#ff780a; }
* { box-sizing: border-box; }
body { margin:0; font:13px/1.35 system-ui, sans-serif; background:var(--bg); color:var(--text); }
header { position:sticky; top:0; z-index:2; background:var(--panel); border-bottom:1px solid var(--line); padding:8px 12px;
  display:flex; flex-wrap:wrap; gap:8px 18px; align-items:center; }
h1 { font-size:15px; margin:0; font-weight:600; }
.stat b { font-variant-numeric: tabular-nums; }
.pill { padding:1px 7px; border-radius:9px; background:var(--line); }
.pill.ok { background:#1e4d2b; } .pill.bad { background:#6b1d27; } .pill.warn { background:#5c4a00; }
input, select { background:var(--bg); color:var(--text); border:1px solid var(--line); border-radius:4px; padding:4px 6px; font:inherit; }
input { width:18em; }
.legend span { display:inline-block; padding:0 6px; margin-right:3px; border-radius:3px; color:#fff; }
main { padding:8px 12px; }
section { margin-bottom:12px; }
section.hidden, .row.hidden { display:none; }
h2 { font-size:13px; margin:8px 0 4px; font-weight:600; color:var(--dim); }
h2 .name { color:var(--text); margin-right:8px; }
.row { display:flex; align-items:center; gap:8px; padding:2px 4px; border-bottom:1px solid var(--line);
  content-visibility:auto; contain-intrinsic-size:auto 22px; }
.dot { width:9px; height:9px; border-radius:50%; flex:none; background:var(--c3); }
.row.expired .dot { background:var(--c7); }
.row.expired .addr { color:var(--dim); text-decoration:line-through; }
.addr { width:22em; flex:none; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; font-family:ui-monospace, monospace; }
.state { width:5em; flex:none; color:var(--dim); }
.ops { display:flex; flex-wrap:wrap; gap:3px; }
.op { padding:0 6px; border-radius:3px; color:#fff; white-space:nowrap; }
.c1 { background:var(--c1); } .c2 { background:var(--c2); } .c3 { background:var(--c3); } .c4 { background:var(--c4); color:#111; }
.c5 { background:var(--c5); } .c6 { background:var(--c6); } .c7 { background:var(--c7); } .c8 { background:var(--c8); }
#empty { color:var(--dim); padding:20px; }
</style>
</head>
<body>
<header>
  <h1>OCS operation monitor</h1>
  <span class="stat">registry <span id="ready" class="pill">…</span></span>
  <span class="stat">stream <span id="live" class="pill">connecting</span></span>
  <span class="stat">alive <b id="n-alive">0</b></span>
  <span class="stat">expired <b id="n-expired">0</b></span>
  <span class="stat">shown <b id="n-shown">0</b></span>
  <span class="stat">heartbeats/s <b id="hb-rate">–</b></span>
  <span class="stat">rejected <b id="rejected">0</b></span>
  <span class="stat">lag <b id="lag">–</b></span>
  <input id="filter" type="search" placeholder="Filter: address, class or op" autocomplete="off">
  <select id="state-filter">
    <option value="all">all</option><option value="alive">alive</option><option value="expired">expired</option>
    <option value="problems">failed, degraded or expired</option>
  </select>
  <span class="legend"><span class="c1">none</span><span class="c2">starting</span><span class="c3">running</span><span class="c4" style="color:#111">stopping</span><span class="c5">succeeded</span><span class="c6">failed</span><span class="c7">expired</span><span class="c8">degraded</span></span>
</header>
<main id="groups"><div id="empty">Loading agents…</div></main>
<script>
"use strict";
(function () {
  var CODE_NAMES = { 1: "none", 2: "starting", 3: "running", 4: "stopping", 5: "succeeded", 6: "failed", 7: "expired", 8: "degraded" };
  var params = new URLSearchParams(location.search);
  var token = params.get("access_token");
  function api(path, query) {
    var q = new URLSearchParams(query || {});
    if (token) q.set("access_token", token);
    var s = q.toString();
    return path + (s ? "?" + s : "");
  }
  function $(id) { return document.getElementById(id); }

  var agents = new Map();   // address -> entry {a: agent data, row, opsKey, opEls, group}
  var groups = new Map();   // class -> {el, rows, countEl}
  var dirty = new Set();
  var frame = 0;
  var filterText = [];
  var filterState = "all";
  var groupsEl = $("groups");

  function schedule() { if (!frame) frame = requestAnimationFrame(render); }
  function upsert(a) {
    var e = agents.get(a.agent_address || a.address);
    var address = a.agent_address || a.address;
    if (!e) { e = { a: null, row: null, opsKey: "", opEls: [], group: null }; agents.set(address, e); }
    e.a = { address: address, agent_class: a.agent_class, state: a.state || (a.expired ? "expired" : "alive"), op_codes: a.op_codes || {} };
    dirty.add(address);
    schedule();
  }

  function groupFor(cls) {
    var key = cls == null ? "(no class)" : cls;
    var g = groups.get(key);
    if (g) return g;
    var el = document.createElement("section");
    var h = document.createElement("h2");
    var name = document.createElement("span"); name.className = "name"; name.textContent = key;
    var count = document.createElement("span");
    h.append(name, count);
    var rows = document.createElement("div");
    el.append(h, rows);
    g = { key: key, el: el, rows: rows, countEl: count, alive: 0, expired: 0, shown: 0 };
    groups.set(key, g);
    var keys = Array.from(groups.keys()).sort();
    var next = groups.get(keys[keys.indexOf(key) + 1]);
    groupsEl.insertBefore(el, next ? next.el : null);
    var empty = $("empty"); if (empty) empty.remove();
    return g;
  }

  function visible(a) {
    if (filterState === "alive" && a.state !== "alive") return false;
    if (filterState === "expired" && a.state !== "expired") return false;
    if (filterState === "problems") {
      var bad = a.state === "expired";
      for (var op in a.op_codes) { var c = a.op_codes[op]; if (c === 6 || c === 7 || c === 8) bad = true; }
      if (!bad) return false;
    }
    if (!filterText.length) return true;
    var hay = (a.address + " " + (a.agent_class || "") + " " + Object.keys(a.op_codes).join(" ")).toLowerCase();
    for (var i = 0; i < filterText.length; i++) if (hay.indexOf(filterText[i]) < 0) return false;
    return true;
  }

  function paint(address, e) {
    var a = e.a;
    var g = groupFor(a.agent_class);
    if (!e.row) {
      var row = document.createElement("div");
      var dot = document.createElement("span"); dot.className = "dot";
      var addr = document.createElement("span"); addr.className = "addr"; addr.textContent = address; addr.title = address;
      var state = document.createElement("span"); state.className = "state";
      var ops = document.createElement("span"); ops.className = "ops";
      row.append(dot, addr, state, ops);
      row.dataset.address = address;
      e.row = row; e.stateEl = state; e.opsEl = ops;
    }
    if (e.group !== g) { g.rows.appendChild(e.row); e.group = g; }
    e.row.className = "row " + a.state + (visible(a) ? "" : " hidden");
    e.stateEl.textContent = a.state;
    var names = Object.keys(a.op_codes);
    var key = names.join("\\u0000");
    if (key !== e.opsKey) {
      e.opsEl.textContent = "";
      e.opEls = names.map(function (n) {
        var s = document.createElement("span"); s.textContent = n; e.opsEl.appendChild(s); return s;
      });
      e.opsKey = key;
    }
    for (var i = 0; i < names.length; i++) {
      var code = a.op_codes[names[i]];
      var cls = "op c" + code;
      var el = e.opEls[i];
      if (el.className !== cls) { el.className = cls; el.title = names[i] + ": " + (CODE_NAMES[code] || code); }
    }
  }

  function render() {
    frame = 0;
    dirty.forEach(function (address) { var e = agents.get(address); if (e) paint(address, e); });
    dirty.clear();
    recount();
  }

  function recount() {
    var alive = 0, expired = 0, shown = 0;
    groups.forEach(function (g) { g.alive = 0; g.expired = 0; g.shown = 0; });
    agents.forEach(function (e) {
      if (!e.group) return;
      if (e.a.state === "expired") { expired++; e.group.expired++; } else { alive++; e.group.alive++; }
      if (e.row.className.indexOf("hidden") < 0) { shown++; e.group.shown++; }
    });
    groups.forEach(function (g) {
      g.countEl.textContent = g.alive + " alive, " + g.expired + " expired";
      g.el.className = g.shown ? "" : "hidden";
    });
    $("n-alive").textContent = alive;
    $("n-expired").textContent = expired;
    $("n-shown").textContent = shown;
  }

  function refilter() {
    agents.forEach(function (e) {
      if (e.row) e.row.className = "row " + e.a.state + (visible(e.a) ? "" : " hidden");
    });
    recount();
  }
  var filterTimer = 0;
  $("filter").addEventListener("input", function (ev) {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(function () {
      filterText = ev.target.value.toLowerCase().split(/\\s+/).filter(Boolean);
      refilter();
    }, 120);
  });
  $("state-filter").addEventListener("change", function (ev) { filterState = ev.target.value; refilter(); });

  // The table, page by page; returns the event id the snapshot is current to.
  async function loadTable() {
    var offset = 0, last = null;
    for (;;) {
      var r = await fetch(api("/api/agents", { limit: "5000", offset: String(offset) }));
      if (!r.ok) throw new Error("GET /api/agents: " + r.status);
      var page = await r.json();
      if (last === null) last = page.last_event_id;
      page.agents.forEach(upsert);
      if (page.next_offset == null) return last;
      offset = page.next_offset;
    }
  }

  var source = null;
  function follow(lastEventId) {
    if (source) source.close();
    source = new EventSource(api("/api/events", lastEventId ? { last_event_id: lastEventId } : {}));
    var live = $("live");
    source.onopen = function () { live.textContent = "live"; live.className = "pill ok"; };
    source.onerror = function () { live.textContent = "reconnecting"; live.className = "pill warn"; };
    ["joined", "restarted", "revived", "ops-changed", "expired"].forEach(function (type) {
      source.addEventListener(type, function (ev) { upsert(JSON.parse(ev.data)); });
    });
    source.addEventListener("resync", function () { loadTable().catch(showError); });
  }

  var lastBeats = null, lastAt = 0;
  async function pollStatus() {
    try {
      var r = await fetch(api("/api/status"));
      var s = await r.json();
      var ready = $("ready");
      ready.textContent = s.ready ? "ready" : "not ready";
      ready.className = "pill " + (s.ready ? "ok" : "bad");
      ready.title = s.address + " (" + s.version + ")";
      var now = Date.now();
      if (lastBeats !== null) $("hb-rate").textContent = Math.round((s.counters.heartbeats - lastBeats) / ((now - lastAt) / 1000));
      lastBeats = s.counters.heartbeats; lastAt = now;
      var rejected = 0; for (var k in s.counters.rejected) rejected += s.counters.rejected[k];
      $("rejected").textContent = rejected;
      $("lag").textContent = Math.round(s.event_loop_lag * 1000) + " ms";
    } catch (err) {
      $("ready").textContent = "unreachable"; $("ready").className = "pill bad";
    }
    setTimeout(pollStatus, 5000);
  }

  function showError(err) { var e = $("empty"); if (e) e.textContent = String(err); }

  loadTable().then(function (last) {
    if (!agents.size) showError("No agents yet: they appear here as they join.");
    follow(last);
  }).catch(showError);
  pollStatus();
})();
</script>
</body>
</html>
`;
