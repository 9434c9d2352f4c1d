// senseplane dashboard: a grid of tiles (sensor x attribute) with virtual
// scrolling; what is on screen is reported to senseplane-web, which turns
// it into attention (under the pointer or focused: high for a TTL; pinned:
// high; in view: medium; loaded out of view, or the tab hidden: low).
// Each tile redraws at its tier's cadence, not on every message. The tiles
// are the keys that exist (the gateway's "keys" frame: every sensor with
// the attributes it sends), narrowed by the filter box.
"use strict";

const TILE_W = 300, TILE_H = 170, GAP = 8, OVERSCAN = 2;  // rows
const WINDOW_S = 8;                                      // seconds drawn
const CADENCE = { high: 0, medium: 50, low: 200, none: Infinity };

const st = {
  ws: null, tab: "", all: [], keys: [], hoverTtl: 1000, filter: "",
  total: 0, cut: false, dropped: 0,
  tiles: new Map(),   // key -> tile (only the loaded ones: the DOM is small)
  data: new Map(),    // key -> {t: [], v: [[]...], last, lastT, dirty}
  levels: new Map(),  // key -> level the gateway set
  pinned: new Set(), focus: null, renew: null,
  frames: 0, msgs: 0, draws: 0, lastReport: "",
};
window.spStats = st;   // for the browser test

const scroller = document.getElementById("scroller");
const spacer = document.getElementById("spacer");
const grid = document.getElementById("grid");
const status = document.getElementById("status");
const count = document.getElementById("count");
const filterBox = document.getElementById("filter");

// "1-100 12 ecg heart": ids in any range given (none given: all), and
// attribute names containing any word given (none given: all)
function matcher(text) {
  const ranges = [], words = [];
  for (const w of text.split(/[\s,]+/).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(w);
    if (m) ranges.push([Number(m[1]), Number(m[2] || m[1])]);
    else words.push(w.toLowerCase());
  }
  return (s, a) => (!ranges.length || ranges.some(([lo, hi]) => s >= lo && s <= hi)) &&
    (!words.length || words.some((w) => a.includes(w)));
}

function applyFilter() {
  const ok = matcher(st.filter);
  const keys = st.all.filter(([s, a]) => ok(s, a)).map(([s, a]) => s + "/" + a);
  if (keys.join() !== st.keys.join()) { st.keys = keys; layout(); }
  showCount();
  st.lastReport = "";
  report(false);
}

function showCount() {
  const sensors = new Set(st.all.map(([s]) => s)).size;
  let t = st.keys.length + " of " + st.all.length + " keys · " + sensors + " sensors";
  // the gateway lists the lowest ids up to its --max-sensors: say so
  if (st.cut) t += " (the first " + sensors + " of " + st.total + " sensors)";
  count.textContent = t;
  count.classList.toggle("cut", st.cut);
  if (st.dropped) count.insertAdjacentHTML("beforeend", ` · <span class="dropped">${st.dropped} dropped</span>`);
}

function cols() {
  return Math.max(1, Math.floor((scroller.clientWidth - GAP) / (TILE_W + GAP)));
}

function layout() {
  const rows = Math.ceil(st.keys.length / cols());
  spacer.style.height = (rows * (TILE_H + GAP) + GAP) + "px";
  render();
}

// which keys are loaded (rendered) and which are visible
function windowed() {
  const c = cols(), rowH = TILE_H + GAP;
  const top = scroller.scrollTop, bottom = top + scroller.clientHeight;
  const first = Math.floor(top / rowH), last = Math.floor((bottom - 1) / rowH);
  const lo = Math.max(0, first - OVERSCAN) * c;
  const hi = Math.min(st.keys.length, (last + OVERSCAN + 1) * c);
  const loaded = [], visible = [];
  for (let i = lo; i < hi; i++) {
    const k = st.keys[i], row = Math.floor(i / c);
    const y0 = GAP + row * rowH, y1 = y0 + TILE_H;
    loaded.push([k, i]);
    if (y1 > top && y0 < bottom) visible.push(k);
  }
  return { loaded, visible };
}

function makeTile(key, i) {
  const [sensor, attr] = key.split("/");
  const el = document.createElement("div");
  el.className = "tile";
  el.tabIndex = 0;
  el.dataset.key = key;
  el.dataset.level = st.levels.get(key) || "none";
  el.innerHTML = `<div class="top"><span class="name">${sensor} · ${attr}</span>` +
    `<span class="lv none">none</span><span class="age">–</span>` +
    `<button class="pin" title="pin: keep it high">pin</button></div><div class="plot"></div>`;
  const t = { el, key, attr, plot: null, lastDraw: 0, drawn: 0 };
  el.addEventListener("mouseenter", () => setFocus(key));
  el.addEventListener("mouseleave", () => { if (st.focus === key) setFocus(null); });
  el.addEventListener("focus", () => setFocus(key));
  el.addEventListener("blur", () => { if (st.focus === key) setFocus(null); });
  el.querySelector(".pin").addEventListener("click", (e) => {
    e.stopPropagation();
    if (st.pinned.has(key)) st.pinned.delete(key); else st.pinned.add(key);
    el.classList.toggle("pinned", st.pinned.has(key));
    report(true);
  });
  el.classList.toggle("pinned", st.pinned.has(key));
  place(t, i);
  showLevel(t);
  return t;
}

function place(t, i) {
  const c = cols();
  t.el.style.left = (GAP + (i % c) * (TILE_W + GAP)) + "px";
  t.el.style.top = (GAP + Math.floor(i / c) * (TILE_H + GAP)) + "px";
}

function render() {
  // what is on screen goes to the gateway first, before the page's own
  // work on the tiles: the dataplane changes levels while the DOM does
  report(false);
  const { loaded } = windowed();
  const want = new Set(loaded.map(([k]) => k));
  for (const [k, t] of st.tiles)
    if (!want.has(k)) { if (t.plot) t.plot.destroy(); t.el.remove(); st.tiles.delete(k); }
  for (const [k, i] of loaded) {
    let t = st.tiles.get(k);
    if (!t) { t = makeTile(k, i); st.tiles.set(k, t); grid.appendChild(t.el); t.dirty = true; }
    else place(t, i);
  }
  report(false);   // pins of tiles just loaded (sent only if it changed)
}

function setFocus(key) {
  st.focus = key;
  clearInterval(st.renew);
  // the gateway keeps a hover high for its TTL after the last report:
  // renew it while the pointer stays
  if (key) st.renew = setInterval(() => report(true), Math.max(50, st.hoverTtl / 3));
  report(true);
}

function report(force) {
  if (!st.ws || st.ws.readyState !== 1) return;
  const { loaded, visible } = windowed();
  const msg = JSON.stringify({
    t: "view", loaded: loaded.map(([k]) => k), visible,
    pinned: [...st.pinned].filter((k) => st.tiles.has(k)),
    focus: st.focus, hidden: document.visibilityState === "hidden",
  });
  if (!force && msg === st.lastReport) return;
  st.lastReport = msg;
  st.ws.send(msg);
  st.reportedAt = performance.now();   // the test splits its latencies by it
}

function showLevel(t) {
  const lv = st.levels.get(t.key) || "none";
  t.el.dataset.level = lv;
  const b = t.el.querySelector(".lv");
  b.className = "lv " + lv;
  b.textContent = lv;
}

function onData(m) {
  for (const [sensor, attr, t0ms, dtms, dim, vals] of m) {
    const key = sensor + "/" + attr;
    let d = st.data.get(key);
    if (!d) { d = { t: [], v: [], dim: 0, last: 0, lastT: 0 }; st.data.set(key, d); }
    const n = vals.length;
    d.dim = dim;
    while (d.v.length < dim) d.v.push([]);
    const ns = Math.floor(n / dim);
    for (let i = 0; i < ns; i++) {
      const ts = (t0ms + i * dtms) / 1000;
      // a backfill (history when a tile's level rises) can arrive after
      // newer samples: put it in time order
      let at = d.t.length;
      while (at > 0 && d.t[at - 1] > ts) at--;
      d.t.splice(at, 0, ts);
      for (let j = 0; j < dim; j++) d.v[j].splice(at, 0, Number(vals[i * dim + j]));
      if (ts > d.lastT) d.lastT = ts;
    }
    const cut = d.lastT - WINDOW_S;
    let drop = 0;
    while (drop < d.t.length && d.t[drop] < cut) drop++;
    if (drop > 256) { d.t.splice(0, drop); for (const a of d.v) a.splice(0, drop); }
    d.recv = performance.now();
    st.msgs++;
    const t = st.tiles.get(key);
    if (t) t.dirty = true;
  }
}

function draw(t, now) {
  const d = st.data.get(t.key);
  if (!d || !d.t.length) return;
  const box = t.el.querySelector(".plot");
  if (t.attr === "geolocation") {
    if (!t.canvas) { t.canvas = document.createElement("canvas"); t.canvas.width = 286; t.canvas.height = 140; box.appendChild(t.canvas); }
    const c = t.canvas.getContext("2d"), la = d.v[0], lo = d.v[1] || d.v[0];
    const mn = (a) => Math.min(...a.slice(-500)), mx = (a) => Math.max(...a.slice(-500));
    const x0 = mn(lo), x1 = mx(lo) || x0 + 1e-9, y0 = mn(la), y1 = mx(la) || y0 + 1e-9;
    c.fillStyle = "#19202a"; c.fillRect(0, 0, 286, 140);
    c.strokeStyle = "#57ab5a"; c.beginPath();
    const k0 = Math.max(0, la.length - 500);
    for (let i = k0; i < la.length; i++) {
      const x = 8 + (lo[i] - x0) / ((x1 - x0) || 1) * 270, y = 132 - (la[i] - y0) / ((y1 - y0) || 1) * 124;
      if (i === k0) c.moveTo(x, y); else c.lineTo(x, y);
    }
    c.stroke();
  } else if (d.t.length < 2 && t.attr !== "ecg") {
    box.innerHTML = `<div class="value">${d.v[0][0].toPrecision(4)}</div>`;
  } else {
    const series = [{}].concat(d.v.map((_, j) => ({ stroke: ["#e5534b", "#57ab5a", "#539bf5"][j % 3], width: 1, points: { show: false } })));
    if (!t.plot || t.plot.series.length !== series.length) {
      box.innerHTML = "";
      if (t.plot) t.plot.destroy();
      t.plot = new uPlot({ width: 286, height: 140, legend: { show: false }, cursor: { show: false },
        scales: { x: { time: true } }, axes: [{ show: false }, { stroke: "#8a99ab", size: 40, grid: { stroke: "#242c38" } }],
        series }, [d.t].concat(d.v), box);
    } else {
      t.plot.setData([d.t].concat(d.v));
    }
  }
  t.drawn++; st.draws++;
  t.lastDraw = now;
}

function frame(now) {
  const wall = Date.now() / 1000;
  for (const t of st.tiles.values()) {
    const lv = st.levels.get(t.key) || "none";
    const d = st.data.get(t.key);
    if (d) {
      const age = Math.max(0, wall - d.lastT);
      const a = t.el.querySelector(".age");
      a.textContent = age < 10 ? (age * 1000).toFixed(0) + " ms" : age.toFixed(0) + " s";
      t.el.classList.toggle("stale", age > 2);
    }
    // at most ~8 ms of drawing a frame: the rest waits for the next one,
    // so that a scroll or a hover is never queued behind a long frame
    if (t.dirty && now - t.lastDraw >= CADENCE[lv] && performance.now() - now < 8) {
      t.dirty = false; draw(t, now);
    }
  }
  requestAnimationFrame(frame);
}

function connect() {
  const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/", "senseplane");
  st.ws = ws;
  ws.onopen = () => { status.textContent = "connected"; };
  ws.onclose = () => { status.textContent = "disconnected: retrying"; setTimeout(connect, 1000); };
  ws.onmessage = (ev) => {
    const m = JSON.parse(ev.data);
    st.frames++;
    if (m.t === "d") {
      onData(m.m);
      // the gateway dropped the oldest of this tab's queue: it says how many
      if (m.dropped !== undefined && m.dropped !== st.dropped) { st.dropped = m.dropped; showCount(); }
    }
    else if (m.t === "lvl") {
      for (const [k, lv] of Object.entries(m.k)) {
        st.levels.set(k, lv);
        const t = st.tiles.get(k);
        if (t) showLevel(t);
      }
    } else if (m.t === "hello") {
      st.tab = m.tab; st.hoverTtl = m.hover_ttl_ms;
      status.textContent = "tab " + m.tab + " · viewer " + m.viewer + " · lens " + m.lens;
    } else if (m.t === "keys") {
      const all = [];
      for (const [s, attrs] of m.sensors) for (const a of attrs.slice().sort()) all.push([s, a]);
      all.sort((x, y) => x[0] - y[0]);
      st.all = all; st.total = m.total; st.cut = m.cut;
      applyFilter();
    }
  };
}

scroller.addEventListener("scroll", render, { passive: true });
filterBox.addEventListener("input", () => { st.filter = filterBox.value; applyFilter(); });
window.addEventListener("resize", layout);
document.addEventListener("visibilitychange", () => report(true));
requestAnimationFrame(frame);
connect();
