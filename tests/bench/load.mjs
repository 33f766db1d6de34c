// Load-time benchmark (not a test): how long from navigation to the first painted frame of the running
// example design, with the release build served gzip-compressed as GitHub Pages serves it. Each load uses
// a fresh browser context (no HTTP cache, no cached compiled wasm). Two network conditions: localhost, and
// school Wi-Fi emulated through the DevTools protocol (10 Mbit/s down and up, 40 ms latency). Prints the
// median of RUNS loads for each, with the transferred bytes. Run with `cargo xtask bench-browser`.
import { startStaticServer, launchBrowser, openRecordedPage, screenshot } from '../e2e/support.mjs';

const RUNS = Number(process.env.BENCH_LOAD_RUNS ?? 5);

const CONDITIONS = [
  { label: 'localhost', network: undefined },
  {
    label: 'school Wi-Fi (10 Mbit/s, 40 ms)',
    network: { offline: false, latency: 40, downloadThroughput: (10e6 / 8), uploadThroughput: (10e6 / 8) },
  },
];

// Runs in the page before any of its scripts: on every animation frame, until it holds, checks whether
// the running example is on screen (a node shows figures from the engine's snapshot) and records the
// time of that frame, in milliseconds since navigation started.
function watchFirstFrame() {
  const check = (now) => {
    const stats = document.querySelector('[data-node-id] .node__stats');
    if (stats && stats.textContent.trim() !== '') {
      window.__firstFrame = now;
      return;
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

async function loadOnce(browser, server, network, index, label) {
  const { page, context, problems } = await openRecordedPage(browser);
  let transferred = 0;
  const session = await context.newCDPSession(page);
  await session.send('Network.enable');
  await session.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (network) await session.send('Network.emulateNetworkConditions', network);
  session.on('Network.loadingFinished', (event) => {
    transferred += event.encodedDataLength;
  });
  await page.addInitScript(watchFirstFrame);
  await page.goto(server.url);
  await page.waitForFunction(() => window.__firstFrame !== undefined, null, { timeout: 60_000 });
  const firstFrame = await page.evaluate(() => window.__firstFrame);
  const timing = await page.evaluate(() => {
    const [navigation] = performance.getEntriesByType('navigation');
    const wasm = performance.getEntriesByType('resource').find((entry) => entry.name.endsWith('.wasm'));
    return {
      html: navigation ? navigation.responseEnd : 0,
      wasmEnd: wasm ? wasm.responseEnd : 0,
    };
  });
  if (index === 0) await screenshot(page, `bench-load-${label.split(' ')[0]}`);
  const seen = problems();
  await context.close();
  if (seen.length > 0) throw new Error(`the page reported problems:\n${seen.join('\n')}`);
  return { firstFrame, transferred, ...timing };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const server = await startStaticServer({ gzip: true });
const browser = await launchBrowser();
try {
  console.log(`Load → first frame of the running example, gzip-served, median of ${RUNS} fresh loads`);
  console.log('| network | first frame (median) | all runs | wasm downloaded by (median) | transferred |');
  console.log('|---|---|---|---|---|');
  for (const { label, network } of CONDITIONS) {
    const runs = [];
    for (let index = 0; index < RUNS; index += 1) runs.push(await loadOnce(browser, server, network, index, label));
    const frames = runs.map((run) => run.firstFrame);
    const kilobytes = (median(runs.map((run) => run.transferred)) / 1024).toFixed(0);
    console.log(
      `| ${label} | ${(median(frames) / 1000).toFixed(2)} s | ${frames.map((ms) => (ms / 1000).toFixed(2)).join(', ')} s | ` +
        `${(median(runs.map((run) => run.wasmEnd)) / 1000).toFixed(2)} s | ${kilobytes} KB |`,
    );
  }
} finally {
  await browser.close();
  await server.close();
}
