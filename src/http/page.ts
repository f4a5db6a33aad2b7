// The operation-monitor page: one self-contained HTML document (no bundler,
// no CDN). It loads /api/agents, then follows /api/events from that
// snapshot's last_event_id. Rows are keyed by address and updated in place,
// batched into one animation frame, so 10k agents stay responsive. Suspect,
// flapping, missing (from /api/expected) and stale (the registry not hearing
// heartbeats) are shown distinctly; a click opens an agent's detail.
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
.row.suspect .dot { background:var(--c4); box-shadow:0 0 0 2px #5c4a00; }
.row.suspect .state { color:var(--c4); }
.row.missing .dot { background:transparent; border:2px dashed var(--dim); }
.row.missing .addr { color:var(--dim); font-style:italic; }
.row.missing .state { color:var(--c8); }
.row.stale .dot { background:repeating-linear-gradient(45deg, var(--dim) 0 2px, transparent 2px 4px); box-shadow:none; border:0; }
.row.stale .state::after { content:" · stale"; color:var(--c6); }
.flag { flex:none; padding:0 5px; border-radius:3px; font-size:11px; background:#6b1d27; color:#fff; }
.row { cursor:pointer; }
.row:hover, .row.selected { background:#1f232a; }
#stale { display:none; background:#6b1d27; color:#fff; padding:6px 12px; font-weight:600; }
body.stale #stale { display:block; }
#nomatch { display:none; color:var(--dim); padding:20px; }
#detail { position:fixed; top:0; right:0; bottom:0; width:min(520px, 100vw); z-index:3; background:var(--panel); border-left:1px solid var(--line);
  overflow:auto; padding:12px 14px; display:none; box-shadow:-4px 0 12px #0008; }
#detail.open { display:block; }
#detail h3 { margin:0 0 6px; font:600 14px ui-monospace, monospace; word-break:break-all; }
#detail table { border-collapse:collapse; width:100%; margin:6px 0 10px; }
#detail td, #detail th { text-align:left; padding:2px 6px 2px 0; border-bottom:1px solid var(--line); vertical-align:top; }
#detail th { color:var(--dim); font-weight:normal; width:11em; }
#detail .close { float:right; cursor:pointer; background:none; border:1px solid var(--line); color:var(--text); border-radius:4px; }
.addr { width:22em; flex:none; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; font-family:ui-monospace, monospace; }
.state { width:14em; flex:none; color:var(--dim); white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
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
  <span class="stat">role <b id="role">–</b></span>
  <span class="stat">stream <span id="live" class="pill">connecting</span></span>
  <span class="stat">alive <b id="n-alive">0</b></span>
  <span class="stat">expired <b id="n-expired">0</b></span>
  <span class="stat">suspect <b id="n-suspect">0</b></span>
  <span class="stat">flapping <b id="n-flapping">0</b></span>
  <span class="stat">missing <b id="n-missing">0</b></span>
  <span class="stat">shown <b id="n-shown">0</b></span>
  <span class="stat">heartbeats/s <b id="hb-rate">–</b></span>
  <span class="stat">rejected <b id="rejected">0</b></span>
  <span class="stat">lag <b id="lag">–</b></span>
  <input id="filter" type="search" placeholder="Filter: address, class or op" autocomplete="off">
  <select id="state-filter">
    <option value="all">all</option><option value="alive">alive</option><option value="expired">expired</option>
    <option value="suspect">suspect</option><option value="flapping">flapping</option><option value="missing">missing</option>
    <option value="problems">failed, degraded, expired, suspect or missing</option>
  </select>
  <select id="sort" title="Sort">
    <option value="class">by class</option><option value="address">by address</option><option value="state">by state</option><option value="change">by last change</option>
  </select>
  <span class="legend"><span class="c1">none</span><span class="c2">starting</span><span class="c3">running</span><span class="c4" style="color:#111">stopping</span><span class="c5">succeeded</span><span class="c6">failed</span><span class="c7">expired</span><span class="c8">degraded</span></span>
</header>
<div id="stale"></div>
<main id="groups"><div id="empty">Loading agents…</div><div id="nomatch"></div><section id="flat" class="hidden"><div></div></section></main>
<aside id="detail" aria-live="polite"></aside>
<script>
"use strict";
(function () {
  var CODE_NAMES = { 1: "none", 2: "starting", 3: "running", 4: "stopping", 5: "succeeded", 6: "failed", 7: "expired", 8: "degraded" };
  var STATE_ORDER = { missing: 0, expired: 1, suspect: 2, alive: 3 };
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
  var sortKey = "class";
  var groupsEl = $("groups");
  var flatRows = $("flat").firstChild;
  var staleSince = null;
  var clockOffset = 0;      // registry time - browser time, seconds
  var selected = null;

  function now() { return Date.now() / 1000 + clockOffset; }
  function ago(seconds) {
    var s = Math.max(0, seconds);
    if (s < 60) return Math.round(s) + " s";
    if (s < 3600) return Math.round(s / 60) + " min";
    if (s < 86400) return Math.round(s / 3600) + " h";
    return Math.round(s / 86400) + " d";
  }
  function at(t) { return t == null ? "–" : new Date((t - clockOffset) * 1000).toLocaleTimeString() + " (" + ago(now() - t) + " ago)"; }

  function schedule() { if (!frame) frame = requestAnimationFrame(render); }
  function upsert(a) {
    var address = a.agent_address || a.address;
    var e = agents.get(address);
    if (!e) { e = { a: null, row: null, opsKey: "", opEls: [], group: null }; agents.set(address, e); }
    var state = a.missing ? "missing" : (a.state || (a.expired ? "expired" : "alive"));
    var prev = e.a || {};
    e.a = {
      address: address, agent_class: a.agent_class === undefined ? prev.agent_class : a.agent_class, state: state,
      op_codes: a.op_codes || {}, suspect: a.suspect || null, flapping: a.flapping || null,
      time_expired: a.time_expired !== undefined ? a.time_expired : (state === "expired" ? (prev.time_expired || a.at) : null),
      changed: a.last_transition || a.at || prev.changed || 0, host: a.host || null
    };
    dirty.add(address);
    schedule();
    if (selected === address) loadDetail();
  }
  function shownState(a) { return a.state === "alive" && a.suspect ? "suspect" : a.state; }

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
    groupsEl.insertBefore(el, next ? next.el : $("flat"));
    var empty = $("empty"); if (empty) empty.remove();
    return g;
  }

  function visible(a) {
    var st = shownState(a);
    if (filterState === "alive" && a.state !== "alive") return false;
    if (filterState === "expired" && a.state !== "expired") return false;
    if (filterState === "suspect" && st !== "suspect") return false;
    if (filterState === "flapping" && !a.flapping) return false;
    if (filterState === "missing" && a.state !== "missing") return false;
    if (filterState === "problems") {
      var bad = st !== "alive" || !!a.flapping;
      for (var op in a.op_codes) { var c = a.op_codes[op]; if (c === 6 || c === 7 || c === 8) bad = true; }
      if (!bad) return false;
    }
    if (!filterText.length) return true;
    var hay = (a.address + " " + (a.agent_class || "") + " " + Object.keys(a.op_codes).join(" ")).toLowerCase();
    for (var i = 0; i < filterText.length; i++) if (hay.indexOf(filterText[i]) < 0) return false;
    return true;
  }

  function stateText(a) {
    var st = shownState(a);
    if (st === "expired") return a.time_expired ? "expired " + ago(now() - a.time_expired) + " ago" : "expired";
    if (st === "suspect") return "suspect (" + (a.suspect.reason === "left" ? "session left" : "late") + ") " + ago(now() - a.suspect.since);
    if (st === "missing") return "missing: never heard";
    return "alive";
  }
  function rowClass(e) {
    var a = e.a;
    return "row " + shownState(a) + (a.flapping ? " flapping" : "") + (staleSince !== null && a.state !== "missing" ? " stale" : "") +
      (selected === a.address ? " selected" : "") + (visible(a) ? "" : " hidden");
  }

  function paint(address, e) {
    var a = e.a;
    var g = groupFor(a.agent_class);
    if (!e.row) {
      var row = document.createElement("div");
      var dot = document.createElement("span"); dot.className = "dot";
      var addr = document.createElement("span"); addr.className = "addr"; addr.textContent = address; addr.title = address;
      var state = document.createElement("span"); state.className = "state";
      var flag = document.createElement("span"); flag.className = "flag"; flag.textContent = "flapping"; flag.hidden = true;
      var ops = document.createElement("span"); ops.className = "ops";
      row.append(dot, addr, state, flag, ops);
      row.dataset.address = address;
      e.row = row; e.stateEl = state; e.opsEl = ops; e.flagEl = flag;
    }
    if (e.group !== g) { e.group = g; if (sortKey === "class") g.rows.appendChild(e.row); else flatRows.appendChild(e.row); }
    e.row.className = rowClass(e);
    e.stateEl.textContent = stateText(a);
    e.flagEl.hidden = !a.flapping;
    e.flagEl.title = a.flapping ? a.flapping.reason : "";
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

  var resortDue = false;
  function render() {
    frame = 0;
    dirty.forEach(function (address) { var e = agents.get(address); if (e) paint(address, e); });
    dirty.clear();
    if (sortKey !== "class") resortDue = true;
    recount();
  }

  function recount() {
    var alive = 0, expired = 0, suspect = 0, flapping = 0, missing = 0, shown = 0;
    groups.forEach(function (g) { g.alive = 0; g.expired = 0; g.shown = 0; });
    agents.forEach(function (e) {
      if (!e.group) return;
      var st = shownState(e.a);
      if (st === "missing") missing++;
      else if (e.a.state === "expired") { expired++; e.group.expired++; } else { alive++; e.group.alive++; }
      if (st === "suspect") suspect++;
      if (e.a.flapping) flapping++;
      if (e.row.className.indexOf("hidden") < 0) { shown++; e.group.shown++; }
    });
    groups.forEach(function (g) {
      g.countEl.textContent = g.alive + " alive, " + g.expired + " expired";
      g.el.className = g.shown && sortKey === "class" ? "" : "hidden";
    });
    $("flat").className = sortKey === "class" ? "hidden" : "";
    $("n-alive").textContent = alive;
    $("n-expired").textContent = expired;
    $("n-suspect").textContent = suspect;
    $("n-flapping").textContent = flapping;
    $("n-missing").textContent = missing;
    $("n-shown").textContent = shown;
    var nomatch = $("nomatch");
    var filtering = filterText.length || filterState !== "all";
    nomatch.style.display = agents.size && !shown && filtering ? "block" : "none";
    nomatch.textContent = "No agent matches the filter" + (filterText.length ? " \\u201c" + filterText.join(" ") + "\\u201d" : "") +
      (filterState !== "all" ? " (" + filterState + ")" : "") + ".";
  }

  function refilter() {
    agents.forEach(function (e) { if (e.row) e.row.className = rowClass(e); });
    recount();
  }

  function compare(x, y) {
    var a = x.a, b = y.a;
    if (sortKey === "state") {
      var d = STATE_ORDER[shownState(a)] - STATE_ORDER[shownState(b)];
      if (d) return d;
      if (!!a.flapping !== !!b.flapping) return a.flapping ? -1 : 1;
    } else if (sortKey === "change") {
      if (a.changed !== b.changed) return b.changed - a.changed;
    }
    return a.address < b.address ? -1 : a.address > b.address ? 1 : 0;
  }
  function resort() {
    resortDue = false;
    var list = [];
    agents.forEach(function (e) { if (e.row) list.push(e); });
    if (sortKey === "class") {
      list.sort(function (x, y) { return x.a.address < y.a.address ? -1 : 1; });
      list.forEach(function (e) { e.group.rows.appendChild(e.row); });
    } else {
      list.sort(compare);
      var frag = document.createDocumentFragment();
      list.forEach(function (e) { frag.appendChild(e.row); });
      flatRows.appendChild(frag);
    }
    recount();
  }
  $("sort").addEventListener("change", function (ev) { sortKey = ev.target.value; resort(); });

  var filterTimer = 0;
  $("filter").addEventListener("input", function (ev) {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(function () {
      filterText = ev.target.value.toLowerCase().split(/\\s+/).filter(Boolean);
      refilter();
    }, 120);
  });
  $("state-filter").addEventListener("change", function (ev) { filterState = ev.target.value; refilter(); });

  // Relative times ("expired 3 min ago") and the order of a sorted list, kept current.
  setInterval(function () {
    agents.forEach(function (e) { if (e.row && (e.a.state !== "alive" || e.a.suspect)) e.stateEl.textContent = stateText(e.a); });
    if (resortDue) resort();
    if (staleSince !== null) $("stale").textContent = staleText();
  }, 1000);

  // --- one agent's detail, on click ---
  groupsEl.addEventListener("click", function (ev) {
    var row = ev.target.closest(".row");
    if (!row) return;
    select(row.dataset.address);
  });
  function select(address) {
    var before = selected && agents.get(selected);
    selected = address;
    if (before && before.row) before.row.className = rowClass(before);
    var e = agents.get(address);
    if (e && e.row) e.row.className = rowClass(e);
    loadDetail();
  }
  var detailTimer = 0;
  function loadDetail() {
    clearTimeout(detailTimer);
    if (!selected) return;
    var address = selected;
    var e = agents.get(address);
    if (e && e.a.state === "missing") { showMissing(e.a); return; }
    fetch(api("/api/agents/" + encodeURIComponent(address))).then(function (r) { return r.json(); }).then(function (d) {
      if (selected === address) showDetail(d);
    }).catch(function () {});
    detailTimer = setTimeout(loadDetail, 2000);
  }
  function cell(tr, text, tag) { var td = document.createElement(tag || "td"); td.textContent = text; tr.appendChild(td); return td; }
  function table(rows) {
    var t = document.createElement("table");
    rows.forEach(function (r) { var tr = document.createElement("tr"); cell(tr, r[0], "th"); cell(tr, r[1]); t.appendChild(tr); });
    return t;
  }
  function panel(title) {
    var d = $("detail");
    d.textContent = "";
    d.className = "open";
    var close = document.createElement("button"); close.className = "close"; close.textContent = "close";
    close.addEventListener("click", function () { var was = selected; selected = null; d.className = ""; var e = agents.get(was); if (e && e.row) e.row.className = rowClass(e); });
    var h = document.createElement("h3"); h.textContent = title;
    d.append(close, h);
    return d;
  }
  function showMissing(a) {
    var d = panel(a.address);
    d.appendChild(table([["state", "missing: the site config expects it up, never heard"], ["agent class", a.agent_class || "–"], ["host", a.host || "–"]]));
  }
  function showDetail(d) {
    var p = panel(d.agent_address);
    var hb = d.heartbeats;
    var st = d.state === "alive" && d.suspect ? "suspect (" + d.suspect.reason + ") since " + at(d.suspect.since) : d.state;
    if (d.state === "expired") st = "expired " + ago(now() - d.time_expired) + " ago (at " + at(d.time_expired) + ")";
    p.appendChild(table([
      ["state", st + (d.stale_since != null ? " \\u2014 stale: the registry has not heard heartbeats since " + at(d.stale_since) : "")],
      ["flapping", d.flapping ? d.flapping.reason : "no"],
      ["agent class", d.agent_class || "–"],
      ["last heartbeat", ago(hb.age) + " ago (" + hb.count + " heartbeats)"],
      ["interval", hb.mean_interval == null ? "not known yet" : "last " + hb.last_interval.toFixed(3) + " s, mean " + hb.mean_interval.toFixed(3) + " s, jitter " + hb.jitter.toFixed(3) + " s"],
      ["timeout", d.timeout + " s"],
      ["session", d.session_id || "–"],
      ["restarts", String(d.restarts)],
      ["first seen", at(d.first_seen)],
      ["last change", at(d.last_transition)],
      ["site config", d.expected === null ? "none" : d.expected === false ? "not named (unexpected)" : "host " + d.expected.host + ", manage " + d.expected.manage]
    ]));
    var ops = document.createElement("table");
    var head = document.createElement("tr"); ["op", "code", "in this code for", "agent_operations field"].forEach(function (x) { cell(head, x, "th"); }); ops.appendChild(head);
    d.ops.forEach(function (op) {
      var tr = document.createElement("tr");
      cell(tr, op.name);
      var code = cell(tr, ""); var span = document.createElement("span"); span.className = "op c" + op.code; span.textContent = (op.code_name || op.code).toLowerCase(); code.appendChild(span);
      cell(tr, ago(now() - op.in_code_since));
      cell(tr, op.field || "(withheld)");
      tr.className = "op-row";
      ops.appendChild(tr);
    });
    p.appendChild(ops);
    var h = document.createElement("h2"); h.textContent = "history (newest first)"; p.appendChild(h);
    var hist = document.createElement("table");
    d.history.slice().reverse().forEach(function (t) {
      var tr = document.createElement("tr"); tr.className = "history";
      cell(tr, t.type + (t.id === null ? " (damped)" : ""), "th");
      cell(tr, at(t.at));
      hist.appendChild(tr);
    });
    p.appendChild(hist);
  }

  // --- data ---
  // The table, page by page; returns the event id the snapshot is current to.
  async function loadTable() {
    var offset = 0, last = null;
    for (;;) {
      var r = await fetch(api("/api/agents", { limit: "5000", offset: String(offset) }));
      if (!r.ok) throw new Error("GET /api/agents: " + r.status);
      var page = await r.json();
      if (last === null) { last = page.last_event_id; clockOffset = page.time - Date.now() / 1000; }
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
    ["joined", "restarted", "revived", "ops-changed", "expired", "suspect", "suspect-cleared", "flapping", "flapping-cleared"].forEach(function (type) {
      source.addEventListener(type, function (ev) { upsert(JSON.parse(ev.data)); });
    });
    source.addEventListener("forgotten", function (ev) {
      var address = JSON.parse(ev.data).address, e = agents.get(address);
      if (!e) return;
      if (e.row) e.row.remove();
      agents.delete(address);
      recount();
    });
    source.addEventListener("resync", function () { loadTable().catch(showError); });
  }

  // Expected agents never heard: a row each, until they are heard.
  async function loadExpected() {
    try {
      var r = await fetch(api("/api/expected"));
      var x = await r.json();
      var missing = new Set();
      x.missing.forEach(function (m) {
        missing.add(m.address);
        var e = agents.get(m.address);
        if (!e || e.a.state === "missing") upsert({ address: m.address, agent_class: m.agent_class, missing: true, host: m.host });
      });
      agents.forEach(function (e, address) {
        if (e.a.state === "missing" && !missing.has(address)) {
          if (e.row) e.row.remove();
          agents.delete(address);
        }
      });
      recount();
    } catch (err) { /* a registry without it: nothing expected */ }
    setTimeout(loadExpected, 10000);
  }

  function staleText() {
    return "The registry has not heard heartbeats for " + ago(now() - staleSince) + " (since " + new Date((staleSince - clockOffset) * 1000).toLocaleTimeString() +
      "): every row below may be out of date.";
  }
  function setStale(since) {
    if (since === staleSince) return;
    staleSince = since;
    document.body.classList.toggle("stale", since !== null);
    if (since !== null) $("stale").textContent = staleText();
    refilter();
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
      if (s.leadership) $("role").textContent = s.leadership.role + (s.leadership.takeovers ? " · " + s.leadership.takeovers + " takeovers" : "");
      setStale(s.stale_since === undefined ? (s.ready ? null : s.time) : s.stale_since);
      var t = Date.now();
      if (lastBeats !== null) $("hb-rate").textContent = Math.round((s.counters.heartbeats - lastBeats) / ((t - lastAt) / 1000));
      lastBeats = s.counters.heartbeats; lastAt = t;
      var rejected = 0; for (var k in s.counters.rejected) rejected += s.counters.rejected[k];
      $("rejected").textContent = rejected;
      $("lag").textContent = Math.round(s.event_loop_lag * 1000) + " ms";
    } catch (err) {
      $("ready").textContent = "unreachable"; $("ready").className = "pill bad";
    }
    setTimeout(pollStatus, staleSince === null ? 5000 : 2000);
  }

  function showError(err) { var e = $("empty"); if (e) e.textContent = String(err); }

  loadTable().then(function (last) {
    if (!agents.size) showError("No agents yet: they appear here as they join.");
    follow(last);
    loadExpected();
  }).catch(showError);
  pollStatus();
})();
</script>
</body>
</html>
`;
