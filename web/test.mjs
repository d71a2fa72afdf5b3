// The browser test of the web build: a real Chromium (Debian's, headless,
// WebGL2 on SwiftShader) opens dist/web/ from a local server and the one
// file from file://, driven by Playwright. Each check can fail:
//   the page becomes ready with no console error; the canvas shows the
//   synapse (pixel counts of its colours); a key press (S) changes the
//   state hash; ?lecture&cue=6 shows cue 6 and PageDown reaches cue 7; a bad
//   query parameter shows its message and the default scenario; replay()
//   of a shipped command log equals `synapse-lab replay` of the same file;
//   the offline synapse-lab.html becomes ready from file://.
// It prints the first-frame time and the page's bench (molecule-steps/s).
// Usage: node web/test.mjs [dist/web] [path/to/native/synapse-lab]
import { chromium } from "playwright-core";
import { createServer } from "node:http";
import { readFileSync, existsSync } from "node:fs";
import { join, extname, resolve } from "node:path";
import { execFileSync } from "node:child_process";

const dir = resolve(process.argv[2] ?? "dist/web");
const native = process.argv[3];
const fixture = resolve("web/fixtures/session.log.ron");
const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };

const server = createServer((req, res) => {
  const path = join(dir, decodeURIComponent(new URL(req.url, "http://x").pathname).replace(/^\/$/, "/index.html"));
  if (!path.startsWith(dir) || !existsSync(path)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { "content-type": types[extname(path)] ?? "application/octet-stream" }).end(readFileSync(path));
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
};

/** Open a page and wait until it is ready; returns the page and its console errors. */
async function open(url) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url);
  // SwiftShader on two cores takes a while; a page that never becomes ready fails here, not by hanging.
  const ready = await page
    .evaluate(() => Promise.race([window.synapseLab.ready, new Promise((_, fail) => setTimeout(() => fail(new Error("not ready after 300 s")), 300000))]))
    .catch((e) => ({ error: String(e) }));
  return { page, errors, ready };
}
/** Mean frame time (ms) over `ms` of wall time, from requestAnimationFrame. */
const frameTime = (page, ms) =>
  page.evaluate((ms) => new Promise((r) => { const t0 = performance.now(); let n = 0; const f = () => { n++; if (performance.now() - t0 < ms) requestAnimationFrame(f); else r((performance.now() - t0) / n); }; requestAnimationFrame(f); }), ms);
const frames = (page, n) => page.evaluate((n) => new Promise((r) => { const f = (k) => (k ? requestAnimationFrame(() => f(k - 1)) : r()); f(n); }), n);

try {
  // 1. Ready, no console error, and a picture of the synapse.
  const { page, errors, ready } = await open(base);
  check(ready && !ready.error, `the page becomes ready (first frame after ${ready?.firstFrameMs} ms)`);
  check(errors.length === 0, `no console error${errors.length ? ": " + errors.slice(0, 3).join(" | ") : ""}`);
  await frames(page, 5);
  const png = (await page.screenshot()).toString("base64");
  const counts = await page.evaluate(async (png) => {
    const img = new Image();
    img.src = "data:image/png;base64," + png;
    await img.decode();
    const c = new OffscreenCanvas(img.width, img.height).getContext("2d");
    c.drawImage(img, 0, 0);
    // The 3D view lies between the left panel and the plots, as in the native render test.
    const d = c.getImageData(300, 80, 600, 560).data;
    let green = 0, blue = 0, yellow = 0;
    const colours = new Set();
    for (let i = 0; i < d.length; i += 4) {
      const [r, g, b] = [d[i], d[i + 1], d[i + 2]];
      colours.add((r << 16) | (g << 8) | b);
      if (g > r + 25 && g > b + 25) green++;
      if (b > r + 20 && b - r <= 80) blue++;
      if (r > 150 && g > 120 && b < 90 && r >= g) yellow++;
    }
    return { colours: colours.size, green, blue, yellow };
  }, png);
  check(counts.colours > 500 && counts.green > 5000 && counts.blue > 5000, `the canvas shows the synapse (${JSON.stringify(counts)})`);

  console.log(`frame time, default scenario: ${(await frameTime(page, 5000)).toFixed(0)} ms`);

  // 2. A key press reaches the model: S, a spike, changes A's state hash (paused, so only the key can).
  await page.evaluate(() => window.synapseLab.send("Playback(Play(false))"));
  await frames(page, 5);
  const paused = await page.evaluate(() => window.synapseLab.stateHash());
  await frames(page, 5);
  const still = await page.evaluate(() => window.synapseLab.stateHash());
  await page.focus("#synapse-lab");
  await page.keyboard.press("KeyS");
  await frames(page, 5);
  const spiked = await page.evaluate(() => window.synapseLab.stateHash());
  check(paused === still && spiked !== paused, `S changes the state hash (${paused} → ${spiked})`);

  // 3. The page's bench, against the native figure when the binary is given.
  const bench = await page.evaluate(() => window.synapseLab.bench(100000, 100));
  let nativeBench = null;
  if (native) {
    const line = execFileSync(native, ["bench", "--molecules", "100000", "--steps", "100", "--threads", "1"], { encoding: "utf8" });
    nativeBench = Number(/molecule_steps_per_s=([0-9.e+]+)/.exec(line)[1]);
  }
  console.log(`bench: page ${bench.toExponential(3)} molecule-steps/s${nativeBench ? `, native ${nativeBench.toExponential(3)} (page/native ${(bench / nativeBench).toFixed(2)})` : ""}`);

  // 4. replay() of a shipped command log equals the native replay.
  const log = readFileSync(fixture, "utf8");
  const replayed = await page.evaluate((log) => window.synapseLab.replay(log), log);
  if (native) {
    const expected = /final state hash: (0x[0-9a-f]+)/.exec(execFileSync(native, ["replay", fixture], { encoding: "utf8" }))[1];
    check(replayed === expected, `replay() in the page ${replayed} = synapse-lab replay ${expected}`);
  } else {
    check(/^0x[0-9a-f]{16}$/.test(replayed), `replay() gives a hash (${replayed}; no native binary given to compare)`);
  }
  await page.close();

  // 5. A lecturer's link: cue 6, then PageDown to cue 7.
  {
    const { page, ready } = await open(base + "?lecture&cue=6");
    check(ready && !ready.error, "?lecture&cue=6 becomes ready");
    await frames(page, 3);
    console.log(`frame time, lecture cue 6 (presenter mode): ${(await frameTime(page, 5000)).toFixed(0)} ms`);
    const six = await page.evaluate(() => window.synapseLab.cue());
    await page.focus("#synapse-lab");
    // Cue 6 asks a prediction: the first PageDown reveals the answer (the
    // clicker's "next" walks through a cue's steps), a later one moves on.
    let now = six;
    let presses = 0;
    for (; presses < 4 && now === six; presses++) {
      await page.keyboard.press("PageDown");
      // A press acts within a frame or two; 20 frames is ample, and a press
      // that only reveals the answer costs no more than that.
      for (let k = 0; k < 10 && now === six; k++) {
        await frames(page, 2);
        now = await page.evaluate(() => window.synapseLab.cue());
      }
    }
    check(six === 6 && now === 7, `the link opens cue ${six}; PageDown reaches cue ${now} (${presses} presses)`);
    await page.close();
  }

  // 6. A bad parameter: its message, and the default scenario.
  {
    const { page, ready } = await open(base + "?theme=blue");
    const msg = await page.evaluate(() => { const m = document.getElementById("synapse-lab-message"); return m.hidden ? "" : document.getElementById("synapse-lab-message-text").textContent; });
    check(ready && !ready.error && msg.includes("theme=blue: use dark or light"), `?theme=blue says why and opens the default (${JSON.stringify(msg.slice(0, 90))})`);
    await page.close();
  }

  // 7. The one file, from file://.
  {
    const { page, errors, ready } = await open("file://" + join(dir, "synapse-lab.html"));
    check(ready && !ready.error, `synapse-lab.html becomes ready from file:// (first frame after ${ready?.firstFrameMs} ms)`);
    check(errors.length === 0, `no console error from file://${errors.length ? ": " + errors.slice(0, 3).join(" | ") : ""}`);
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
if (failures.length) {
  console.error(`web test: ${failures.length} failed`);
  process.exit(1);
}
console.log("web test: all passed");
