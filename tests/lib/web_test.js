// The dashboard in a real browser (Debian's chromium, driven by
// playwright-core): what is on screen sets the attention in the dataplane.
//   node web_test.js URL CONTROL_SOCKET OUT_DIR HOVER_TTL_MS
// Prints one JSON object of measurements; tests/system/web.sh judges them.
"use strict";
const net = require("net");
const { chromium } = require("playwright-core");
const [url, sock, outDir, ttlArg] = process.argv.slice(2);
const TTL = Number(ttlArg);

function ctl(cmd) {
  return new Promise((resolve, reject) => {
    const c = net.createConnection(sock);
    let buf = "";
    c.on("data", (d) => {
      buf += d;
      const i = buf.indexOf("\n");
      if (i >= 0) { c.end(); resolve(JSON.parse(buf.slice(0, i))); }
    });
    c.on("error", reject);
    c.write(cmd + "\n");
  });
}
async function level(sensor, attr) {
  const r = await ctl("attention " + sensor);
  const k = ((r.attention || {}).keys || []).find((x) => x.name === attr);
  return k ? k.level : "none";
}
// ms until the key's level is `want` (polled every 5 ms), or -1 after
// `limit` ms: a deadline for a state, generous (web.sh bounds the figure)
async function until(sensor, attr, want, limit) {
  const t0 = Date.now();
  while (Date.now() - t0 < limit) {
    if ((await level(sensor, attr)) === want) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 5));
  }
  return -1;
}
const canvasSig = (page, key) => page.evaluate((k) => {
  const c = document.querySelector(`.tile[data-key="${k}"] canvas`);
  if (!c) return { ink: 0, sig: 0 };
  const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let ink = 0, sig = 0;
  for (let i = 0; i < d.length; i += 4) {
    const lit = d[i] + d[i + 1] + d[i + 2] > 150;
    if (lit) { ink++; sig = (sig * 31 + i) >>> 0; }
  }
  return { ink, sig };
}, key);

(async () => {
  const out = {};
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu"] });
  const page = await browser.newPage({ viewport: { width: 1300, height: 800 } });
  await page.goto(url);
  await page.waitForFunction(() => window.spStats && window.spStats.tab && window.spStats.keys.length > 0);
  out.tab = await page.evaluate(() => window.spStats.tab);
  out.keys = await page.evaluate(() => window.spStats.keys.length);
  out.dom_tiles = await page.evaluate(() => document.querySelectorAll(".tile").length);
  // the first tile is in view: medium
  out.first_medium_ms = await until(1, "ecg", "medium", 10000);
  // a tile far down: not loaded, then scrolled into view
  // (a sensor that sends: the dataplane shows attention for known keys)
  const far = process.env.FAR_KEY || "390/heartrate";
  const [fs, fa] = far.split("/");
  out.far_key = far;
  out.far_before = await level(fs, fa);
  const scrolledAt = await page.evaluate((k) => {
    const s = window.spStats, i = s.keys.indexOf(k), c = Math.max(1, Math.floor((document.getElementById("scroller").clientWidth - 8) / 308));
    document.getElementById("scroller").scrollTop = Math.floor(i / c) * 178;
    return performance.now();
  }, far);
  out.scroll_medium_ms = await until(fs, fa, "medium", 10000);
  // of which the page's own share: from the scroll to its report sent
  out.scroll_report_ms = Math.round(await page.evaluate(() => window.spStats.reportedAt) - scrolledAt);
  out.first_after_scroll = await level(1, "ecg");   // scrolled away: no longer loaded
  // hover it: high; leave: lapses at the TTL back to medium
  await page.hover(`.tile[data-key="${far}"]`);
  out.hover_high_ms = await until(fs, fa, "high", 10000);
  await page.waitForTimeout(TTL * 1.5);             // renewed while it stays
  out.hover_still_high = await level(fs, fa);
  await page.mouse.move(2, 2);
  const t0 = Date.now();
  out.lapse_ms = (await until(fs, fa, "medium", TTL + 10000));
  out.lapse_total_ms = Date.now() - t0;
  // back to the top: the ECG tile draws a waveform that moves
  // (states with deadlines: a busy machine's browser draws late)
  await page.evaluate(() => { document.getElementById("scroller").scrollTop = 0; });
  let a = await canvasSig(page, "1/ecg");
  for (const t0 = Date.now(); a.ink <= 50 && Date.now() - t0 < 10000;) {
    await page.waitForTimeout(100);
    a = await canvasSig(page, "1/ecg");
  }
  let b = a;
  const c1 = Date.now();
  while (b.sig === a.sig && Date.now() - c1 < 10000) {
    await page.waitForTimeout(100);
    b = await canvasSig(page, "1/ecg");
  }
  out.ecg_ink = [a.ink, b.ink];
  out.ecg_changed = a.sig !== b.sig;
  out.ecg_change_ms = Date.now() - c1;
  await page.screenshot({ path: outDir + "/dashboard.png" });
  out.draws = await page.evaluate(() => window.spStats.draws);
  out.msgs = await page.evaluate(() => window.spStats.msgs);
  // closing the tab takes its levels along: the far key, which only this
  // tab had, goes back to none (the gateway's viewer stays for other tabs)
  await page.close();
  const c0 = Date.now();
  let gone = -1;
  while (Date.now() - c0 < 10000) {
    if ((await level(fs, fa)) === "none") { gone = Date.now() - c0; break; }
    await new Promise((r) => setTimeout(r, 10));
  }
  out.close_gone_ms = gone;
  await browser.close();
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
