// Time-travel benchmark (not a test): a 10-minute run of the "Distributed" preset (a cache killed for
// 30 s at 1:40) is opened as a run file in the release build, re-simulated to its end, then the view
// seeks to instants across it; each seek's wall time (until the instant is on screen) is reported.
// Target: every seek ≤ 1.5 s in Chromium. Run with `cargo xtask bench-browser`; figures go in the
// README's Performance section.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStaticServer, launchBrowser, openRecordedPage, waitForApp, screenshot } from '../e2e/support.mjs';

const RUN_SECONDS = Number(process.env.SEEK_RUN_SECONDS ?? 600);
const design = JSON.parse(
  execFileSync('cargo', ['run', '--quiet', '--release', '-p', 'engine', '--bin', 'arch-sim', '--', 'preset', 'distributed'], {
    encoding: 'utf8',
  }),
);
const run = {
  format: 'arch-explorer-run',
  version: 1,
  seed: 7,
  end_ns: RUN_SECONDS * 1e9,
  design,
  timeline: [{ at_ns: 100e9, live: { command: 'inject', fault: { type: 'kill', node: 'cache' }, duration_s: 30 } }],
};
const file = path.join(os.tmpdir(), `bench-seek-${process.pid}.run.json`);
fs.writeFileSync(file, JSON.stringify(run));

const server = await startStaticServer();
const browser = await launchBrowser();
try {
  const { page, problems, context } = await openRecordedPage(browser, { viewport: { width: 1280, height: 800 } });
  await page.goto(server.url);
  await waitForApp(page);
  const status = () => page.getByRole('region', { name: 'Run timeline' }).getByRole('status').innerText();
  const opened = Date.now();
  await page.locator('[data-input="run-file"]').setInputFiles(file);
  await page.waitForFunction(
    () => /^Live/.test(document.querySelector('.scrubber__status')?.textContent ?? '') && document.querySelector('.scrubber__range')?.max > 1,
    null,
    { timeout: 600_000, polling: 50 },
  );
  const openSeconds = (Date.now() - opened) / 1000;
  const seeks = [];
  for (const at of [37, 150, 299, 451, 588, 12, 333, 599, 105, 480]) {
    const started = await page.evaluate((target) => {
      const range = document.querySelector('.scrubber__range');
      const begun = performance.now();
      range.value = String(target);
      range.dispatchEvent(new Event('input', { bubbles: true }));
      return begun;
    }, at);
    const ended = await page.waitForFunction(
      (target) => {
        const text = document.querySelector('.scrubber__status')?.textContent ?? '';
        return text.startsWith('Viewing') && text.includes(`${String(Math.floor(target / 60)).padStart(2, '0')}:${String(target % 60).padStart(2, '0')}`) ? performance.now() : false;
      },
      at,
      { timeout: 60_000, polling: 'raf' },
    );
    seeks.push({ at_s: at, ms: Math.round((await ended.jsonValue()) - started) });
  }
  await screenshot(page, 'bench-seek');
  const sorted = seeks.map((seek) => seek.ms).sort((a, b) => a - b);
  console.log(
    JSON.stringify(
      {
        label: `seek in a ${RUN_SECONDS} s run of the Distributed preset`,
        open_and_resimulate_s: openSeconds.toFixed(1),
        seeks,
        median_ms: sorted[Math.floor(sorted.length / 2)],
        max_ms: sorted[sorted.length - 1],
        target_ms: 1500,
        problems: problems(),
      },
      null,
      2,
    ),
  );
  await context.close();
} finally {
  await browser.close();
  await server.close();
}
