// Browser frame-time benchmark (not a test): the release build in headless Chromium runs a 60-node design
// at 10 000 virtual requests per second with particles on, and reports the frame times seen by
// requestAnimationFrame and the engine's share of each frame. Then a 1 M requests/second design: does it
// keep up with real time? Then the largest per-request rate at 60 nodes that keeps real time, and memory
// over a long run. Run with `cargo xtask bench-browser`; figures go in the README.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStaticServer, launchBrowser, openRecordedPage, waitForApp, screenshot } from '../e2e/support.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

/** users → CDN, users → load balancer → `servers` servers → cache → database, plus monitoring. */
function design(name, ratePerSecond, servers) {
  const nodes = [
    { id: 'users', kind: 'users', position: { x: 0, y: 600 }, params: { rate_per_second: ratePerSecond } },
    { id: 'cdn', kind: 'cdn', position: { x: 250, y: 150 } },
    { id: 'lb', kind: 'load_balancer', position: { x: 250, y: 600 }, params: { algorithm: 'least_connections' } },
    { id: 'cache', kind: 'cache', position: { x: 900, y: 600 } },
    { id: 'database', kind: 'database', position: { x: 1150, y: 600 } },
    { id: 'monitoring', kind: 'monitoring', position: { x: 1150, y: 150 } },
  ];
  const links = [
    { from: 'users', to: 'cdn' },
    { from: 'users', to: 'lb' },
    { from: 'cache', to: 'database' },
  ];
  for (let index = 1; index <= servers; index += 1) {
    const id = `server-${index}`;
    // Each server has enough workers for its share of the traffic at about 60 % utilisation.
    const share = ratePerSecond / servers;
    const workers = Math.max(1, Math.ceil((share * 0.05) / 0.6));
    nodes.push({
      id,
      kind: 'server',
      position: { x: 600 + 160 * Math.floor((index - 1) / 20), y: 30 + 60 * ((index - 1) % 20) },
      params: { workers, queue_capacity: 1000 },
    });
    links.push({ from: 'lb', to: id }, { from: id, to: 'cache' });
  }
  return { version: 2, name, seed: 7, nodes, links };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function measure(browser, server, label, document) {
  const file = path.join(os.tmpdir(), `bench-${process.pid}-${label}.json`);
  fs.writeFileSync(file, JSON.stringify(document));
  const { page, problems, context } = await openRecordedPage(browser, { viewport: { width: 1280, height: 800 } });
  await page.goto(server.url);
  await waitForApp(page);
  await page.locator('[data-input="design-file"]').setInputFiles(file);
  await page.locator('.canvas__banner').waitFor();
  await page.waitForTimeout(2000); // warm-up
  const clockBefore = await page.getByLabel('Simulated clock').innerText();
  const frames = await page.evaluate(
    (seconds) =>
      new Promise((resolve) => {
        const deltas = [];
        let last = performance.now();
        const end = last + seconds * 1000;
        const tick = (now) => {
          deltas.push(now - last);
          last = now;
          if (now < end) requestAnimationFrame(tick);
          else resolve(deltas);
        };
        requestAnimationFrame(tick);
      }),
    SECONDS,
  );
  const clockAfter = await page.getByLabel('Simulated clock').innerText();
  const status = page.getByLabel('Engine status');
  const engineMs = Number(await status.getAttribute('data-engine-ms'));
  const eventsPerSecond = Number(await status.getAttribute('data-events-per-second'));
  const statusText = await status.innerText();
  await screenshot(page, `bench-${label}`);
  const memory = await page.evaluate(() => (performance.memory ? performance.memory.usedJSHeapSize : 0));
  await context.close();
  const sorted = [...frames].sort((a, b) => a - b);
  return {
    label,
    nodes: document.nodes.length,
    frames: frames.length,
    p50_ms: percentile(sorted, 0.5).toFixed(2),
    p95_ms: percentile(sorted, 0.95).toFixed(2),
    p99_ms: percentile(sorted, 0.99).toFixed(2),
    // A frame is only late when it misses a vsync: at 60 Hz that is longer than ~1.2 intervals.
    late_frames_over_20ms: frames.filter((delta) => delta > 20).length,
    engine_ms_per_frame: engineMs.toFixed(2),
    events_per_second: Math.round(eventsPerSecond),
    simulated: `${clockBefore} → ${clockAfter} in ${SECONDS} s`,
    status: statusText,
    js_heap_mb: (memory / 1048576).toFixed(1),
    problems: problems(),
  };
}

/**
 * Memory over a long run: the distributed-style benchmark design at 100× for `seconds` of wall time
 * (100 simulated seconds per wall second), sampling the JS heap and the wasm memory every 10 s.
 */
async function memoryOverTime(browser, server, document, seconds) {
  const file = path.join(os.tmpdir(), `bench-${process.pid}-memory.json`);
  fs.writeFileSync(file, JSON.stringify(document));
  const { page, problems, context } = await openRecordedPage(browser, { viewport: { width: 1280, height: 800 } });
  // Trunk announces the instantiated module; keep its exports to read the wasm memory's size.
  await page.addInitScript(() => {
    addEventListener('TrunkApplicationStarted', (event) => {
      window.benchWasm = event.detail.wasm;
    });
  });
  await page.goto(server.url);
  await waitForApp(page);
  await page.locator('[data-input="design-file"]').setInputFiles(file);
  await page.locator('.canvas__banner').waitFor();
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('100');
  const samples = [];
  for (let elapsed = 0; elapsed <= seconds; elapsed += 10) {
    if (elapsed > 0) await page.waitForTimeout(10_000);
    const memory = await page.evaluate(() => ({
      js: performance.memory ? performance.memory.usedJSHeapSize : 0,
      wasm: window.benchWasm?.memory?.buffer?.byteLength ?? 0,
    }));
    const clock = await page.getByLabel('Simulated clock').innerText();
    samples.push(`${clock}: JS heap ${(memory.js / 1048576).toFixed(1)} MB, wasm memory ${(memory.wasm / 1048576).toFixed(1)} MB`);
  }
  await context.close();
  return { label: `memory over ${seconds} s at 100×`, samples, problems: problems() };
}

/** "01:02.5" (or "1:02:03.5") as seconds. */
function clockSeconds(text) {
  return text
    .trim()
    .split(':')
    .reduce((total, part) => total * 60 + Number(part), 0);
}

/**
 * The largest per-request design that keeps real time: 60 nodes at rising rates (all under the
 * per-request limit), each played for SECONDS at 1×; a rate keeps up when the simulated clock
 * advances at least 97 % of the wall time.
 */
async function perRequestCeiling(browser, server) {
  const rates = (process.env.BENCH_CEILING_RATES ?? '20000,30000,40000,50000').split(',').map(Number);
  const runs = [];
  for (const rate of rates) {
    const result = await measure(browser, server, `ceiling-${rate}`, design(`Benchmark: 60 nodes at ${rate} req/s`, rate, 54));
    const [before, after] = result.simulated.split(' in ')[0].split(' → ').map(clockSeconds);
    const pace = (after - before) / SECONDS;
    runs.push({ rate, pace: pace.toFixed(2), keeps_real_time: pace >= 0.97, p95_ms: result.p95_ms, engine_ms_per_frame: result.engine_ms_per_frame, status: result.status });
  }
  const kept = runs.filter((run) => run.keeps_real_time).map((run) => run.rate);
  return { label: 'per-request ceiling at 60 nodes', largest_rate_keeping_real_time: kept.length ? Math.max(...kept) : 0, runs };
}

const server = await startStaticServer();
const browser = await launchBrowser();
try {
  const results = [
    await measure(browser, server, '60-nodes-10k-rps', design('Benchmark: 60 nodes at 10 000 req/s', 10_000, 54)),
    await measure(browser, server, '1M-rps', design('Benchmark: 1 M req/s', 1_000_000, 54)),
    await perRequestCeiling(browser, server),
    await memoryOverTime(browser, server, design('Benchmark: memory', 2_000, 10), Number(process.env.MEMORY_SECONDS ?? 60)),
  ];
  console.log(JSON.stringify(results, null, 2));
} finally {
  await browser.close();
  await server.close();
}
