// Runs as files on the release build: play the "Horizontal scaling" preset, kill a server, scrub back
// before the kill and see it healthy, resume from there (a fork: the server stays up), go back to the
// branch left, save the run as a file, open it in a fresh page (re-simulated to the same instant, the
// kill on its timeline), travel in it again; a design file opened as a run is refused whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useServerAndBrowser, openRecordedPage, waitForApp, screenshot, eventually } from './support.mjs';

const app = useServerAndBrowser();

/** Simulated seconds from the toolbar clock ("mm:ss.t"). */
async function clock(page) {
  const text = await page.getByLabel('Simulated clock').innerText();
  const [minutes, seconds] = text.split(':');
  return Number(minutes) * 60 + Number(seconds);
}

/** A recorded page of the app (1280×900 unless `options` say otherwise) on the "Horizontal scaling"
 *  preset, at `speed` when given. */
async function horizontalPage(options = {}, speed) {
  const recorded = await openRecordedPage(app.browser, { viewport: { width: 1280, height: 900 }, ...options });
  await recorded.page.goto(app.server.url);
  await waitForApp(recorded.page);
  await recorded.page.getByRole('combobox', { name: 'Open a preset' }).selectOption('Horizontal scaling');
  if (speed) await recorded.page.getByRole('combobox', { name: 'Speed' }).selectOption(speed);
  return recorded;
}

const health = (page, id) => page.locator(`[data-node-id="${id}"]`).getAttribute('class');
const status = (page) => page.getByRole('region', { name: 'Run timeline' }).getByRole('status').innerText();

test('travel back before a kill, resume from there, save the run and reopen it re-simulated', async () => {
  const { page, problems, context } = await horizontalPage({ acceptDownloads: true }, '5');
  await eventually(() => clock(page), (t) => t >= 5, { what: 'the run past 5 s' });
  await page.locator('[data-node-id="server-1"]').click();
  await page.getByRole('group', { name: 'Chaos controls' }).getByRole('button', { name: 'Kill' }).click();
  await eventually(() => clock(page), (t) => t >= 25, { what: 'the run past 25 s' });
  assert.match(await health(page, 'server-1'), /node--down/);

  // The kill is a mark on the run's timeline.
  const timeline = page.getByRole('region', { name: 'Run timeline' });
  const marks = await timeline.getByRole('list', { name: 'Moments of the run' }).getByRole('listitem').evaluateAll(
    (items) => items.map((item) => item.getAttribute('aria-label')),
  );
  assert.ok(marks.some((mark) => /Killed server-1/.test(mark)), marks.join(' | '));

  // Back to 2 s with the keyboard: Home, then two steps right.
  const slider = timeline.getByRole('slider', { name: 'Instant in view' });
  await slider.focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await eventually(() => status(page), (text) => /^Viewing 00:02 of 00:2\d/.test(text), { what: 'the view at 2 s' });
  assert.ok((await clock(page)) <= 2.05, `the clock shows the instant in view: ${await clock(page)}`);
  assert.match(await health(page, 'server-1'), /node--healthy/);
  assert.equal(await page.getByRole('button', { name: 'Resume from here' }).first().isVisible(), true);
  await screenshot(page, 'time-travel-before-the-kill');
  // One event at a time, from the instant in view: the model says what happened.
  await timeline.getByRole('button', { name: 'Next event' }).click();
  const first = await timeline.getByLabel('Last event').innerText();
  assert.match(first, /^00:02\.\d{6} — \S.+/);
  await slider.focus();
  await page.keyboard.press('.');
  await eventually(() => timeline.getByLabel('Last event').innerText(), (text) => text !== first, { what: 'a second event' });
  assert.match(await status(page), /^Viewing 00:02 of/);

  // Resume from here: a new future in which server-1 was never killed.
  await timeline.getByRole('button', { name: 'Resume from here' }).click();
  await eventually(() => status(page), (text) => /^Live/.test(text), { what: 'the fork live' });
  await eventually(() => clock(page), (t) => t >= 12, { what: 'the fork past the old kill' });
  assert.match(await health(page, 'server-1'), /node--healthy/);
  await page.getByRole('button', { name: 'Pause' }).click();
  await screenshot(page, 'time-travel-forked');

  // The branch left is one step back: server-1 is down there.
  await timeline.getByRole('button', { name: 'Back to the branch you left' }).click();
  await eventually(() => health(page, 'server-1'), (c) => /node--down/.test(c), { what: 'the old branch' });
  const savedAt = await clock(page);
  assert.ok(savedAt >= 25, `the old branch is where it was: ${savedAt}`);

  // Save the run.
  await page.getByLabel('Run file', { exact: true }).click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Save the run as a file' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /\.run\.json$/);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'arch-run-'));
  const file = path.join(folder, download.suggestedFilename());
  await download.saveAs(file);
  const run = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(run.format, 'arch-explorer-run');
  assert.ok(run.timeline.some((entry) => entry.live?.command === 'kill' && entry.live.node === 'server-1'));
  assert.match(run.digest, /^[0-9a-f]{16}$/);
  assert.deepEqual(problems(), []);
  await context.close();

  // A fresh page opens the run: re-simulated to where it was saved, the kill on its timeline.
  const fresh = await openRecordedPage(app.browser, { viewport: { width: 1280, height: 900 } });
  await fresh.page.goto(app.server.url);
  await waitForApp(fresh.page);
  await fresh.page.locator('[data-input="run-file"]').setInputFiles(file);
  await fresh.page.getByText(/Opened the run/).waitFor();
  const reopenedAt = await eventually(
    async () => ((await status(fresh.page)).startsWith('Live') ? clock(fresh.page) : -1),
    (t) => Math.abs(t - savedAt) < 0.2,
    { what: `the opened run re-simulated to ${savedAt} s`, timeout: 30_000 },
  );
  assert.ok(Math.abs(reopenedAt - savedAt) < 0.2, `reopened at ${reopenedAt}, saved at ${savedAt}`);
  // Re-simulated in the browser to the digest the file claims (checked, not trusted).
  assert.match(await status(fresh.page), new RegExp(`replayed to digest ${run.digest}$`));
  assert.match(await health(fresh.page, 'server-1'), /node--down/);
  assert.equal(await fresh.page.getByRole('button', { name: 'Play' }).isVisible(), true);
  await screenshot(fresh.page, 'time-travel-reopened');
  const freshTimeline = fresh.page.getByRole('region', { name: 'Run timeline' });
  await freshTimeline.getByRole('slider', { name: 'Instant in view' }).focus();
  await fresh.page.keyboard.press('Home');
  await eventually(() => health(fresh.page, 'server-1'), (c) => /node--healthy/.test(c), { what: 'server-1 healthy at 0 s' });
  await fresh.page.keyboard.press('End');
  await eventually(() => status(fresh.page), (text) => /^Live/.test(text), { what: 'back to live' });

  // A design file is not a run: refused whole, the run untouched.
  const design = path.join(folder, 'design.json');
  fs.writeFileSync(design, JSON.stringify({ version: 2, name: 'x', nodes: [], links: [] }));
  await fresh.page.locator('[data-input="run-file"]').setInputFiles(design);
  await eventually(
    () => fresh.page.getByRole('alert').allInnerTexts(),
    (texts) => texts.some((text) => /not opened: format: this is not a run file/.test(text)),
    { what: 'the refusal' },
  );
  assert.match(await health(fresh.page, 'server-1'), /node--down/);
  await screenshot(fresh.page, 'time-travel-refused');
  assert.deepEqual(fresh.problems(), []);
  await fresh.context.close();
});

test('a replay link opens the run read-only in a fresh page, re-simulated, and a damaged one is refused', async () => {
  // Record a short run with a kill, and copy its replay link.
  const { page, context } = await horizontalPage({ permissions: ['clipboard-read', 'clipboard-write'] }, '5');
  await eventually(() => clock(page), (t) => t >= 4, { what: 'the run past 4 s' });
  await page.locator('[data-node-id="server-2"]').click();
  await page.getByRole('group', { name: 'Chaos controls' }).getByRole('button', { name: 'Kill' }).click();
  await eventually(() => clock(page), (t) => t >= 15, { what: 'the run past 15 s' });
  await page.getByRole('button', { name: 'Pause' }).click();
  const recordedAt = await clock(page);
  await page.getByLabel('Run file', { exact: true }).click();
  await page.getByRole('button', { name: 'Copy a replay link' }).click();
  await page.getByText(/Replay link copied/).waitFor();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(link, /#r=[A-Za-z0-9_-]+$/);
  await context.close();

  // A fresh page (another visitor, say a slide's iframe): the run, read-only, where it was recorded.
  const viewer = await openRecordedPage(app.browser, { viewport: { width: 1024, height: 700 } });
  await viewer.page.goto(link);
  await viewer.page.getByText('Replay · read-only').waitFor({ timeout: 30_000 });
  await eventually(
    async () => ((await status(viewer.page)).startsWith('Live') ? clock(viewer.page) : -1),
    (t) => Math.abs(t - recordedAt) < 0.2,
    { what: `the replay re-simulated to ${recordedAt} s`, timeout: 30_000 },
  );
  assert.match(await health(viewer.page, 'server-2'), /node--down/);
  // Nothing edits: no palette, no inspector, no file menu; travel works.
  assert.equal(await viewer.page.getByRole('navigation', { name: 'Palette' }).isVisible(), false);
  assert.equal(await viewer.page.getByRole('button', { name: 'Import a design file' }).count(), 0);
  const editor = viewer.page.getByRole('link', { name: 'Open in the editor' });
  assert.match(await editor.getAttribute('href'), /#d=/);
  await viewer.page.getByRole('slider', { name: 'Instant in view' }).focus();
  await viewer.page.keyboard.press('Home');
  await eventually(() => health(viewer.page, 'server-2'), (c) => /node--healthy/.test(c), { what: 'server-2 healthy at 0 s' });
  assert.equal(await viewer.page.getByRole('button', { name: 'Resume from here' }).count(), 0);
  await screenshot(viewer.page, 'replay-link-read-only');
  // Deleting a node from the keyboard is refused: the design is unchanged.
  await viewer.page.keyboard.press('End');
  await viewer.page.locator('[data-node-id="server-3"]').click();
  await viewer.page.keyboard.press('Delete');
  assert.equal(await viewer.page.locator('[data-node-id="server-3"]').count(), 1);
  assert.deepEqual(viewer.problems(), []);

  // A damaged replay link: refused with a typed message; the app opens as usual (the local work).
  const broken = link.slice(0, -12);
  await viewer.page.goto('about:blank');
  await viewer.page.goto(broken);
  await waitForApp(viewer.page);
  await viewer.page.locator('.canvas__banner--error').getByText(/The replay link could not be opened: the link is damaged/).waitFor();
  assert.equal(await viewer.page.getByText('Replay · read-only').count(), 0);
  assert.ok(!(await viewer.page.evaluate(() => location.hash)).startsWith('#r='), 'the damaged link left the address bar');
  await screenshot(viewer.page, 'replay-link-damaged');
  await viewer.context.close();
});

test('Compare runs this design against a preset on the same traffic and tells the difference beyond the noise', async () => {
  const { page, problems, context } = await horizontalPage();
  const dock = page.getByRole('region', { name: 'Observability dock' });
  await dock.getByRole('tab', { name: 'Compare' }).click();
  const panel = dock.getByRole('tabpanel', { name: 'Compare' });
  // A bad run length is refused beside its field.
  const length = panel.getByRole('textbox', { name: 'Run length' });
  await length.fill('2');
  await panel.getByText(/between 10 and 3600/).first().waitFor();
  await length.fill('60');
  await panel.getByRole('combobox', { name: 'Design B' }).selectOption({ label: 'Preset: Single server' });
  await panel.getByRole('combobox', { name: 'Seeds' }).selectOption('10');
  await panel.getByRole('button', { name: 'Compare' }).click();
  const table = panel.getByRole('table', { name: 'A/B comparison' });
  await table.waitFor({ timeout: 60_000 });
  const rows = await table.locator('tbody tr').allInnerTexts();
  assert.equal(rows.length, 10, rows.join('\n'));
  const p95 = rows.find((row) => row.startsWith('Latency p95'));
  assert.match(p95, /ms\s+[\d.]+ ms\s+[+−][\d.]+ ms ± [\d.]+ ms\s+(B better|B worse|no clear difference)/);
  // One server for what three carried: B is worse on latency, and cheaper.
  assert.match(p95, /B worse/);
  assert.match(rows.find((row) => row.startsWith('Cost')), /B better/);
  assert.match(await panel.textContent(), /10 seeds, paired/);
  await screenshot(page, 'compare-table');
  // The first seed's runs overlaid on one clock: p95, error rate and throughput.
  const charts = panel.getByRole('img', { name: /: A and B over 01:00 \(first seed\)$/ });
  assert.equal(await charts.count(), 3);
  const lines = await charts.first().locator('polyline').evaluateAll((polylines) =>
    polylines.map((line) => line.getAttribute('points').split(' ').length),
  );
  assert.deepEqual(lines, [60, 60]);
  await charts.first().scrollIntoViewIfNeeded();
  await screenshot(page, 'compare-charts');
  assert.deepEqual(problems(), []);
  await context.close();
});

test('a clip of a time range downloads as a WebM video re-simulated from the run', async () => {
  const { page, problems, context } = await horizontalPage({ acceptDownloads: true }, '5');
  await eventually(() => clock(page), (t) => t >= 8, { what: 'the run past 8 s' });
  await page.getByRole('button', { name: 'Pause' }).click();
  const timeline = page.getByRole('region', { name: 'Run timeline' });
  await timeline.getByLabel('Export a clip', { exact: true }).click();
  const menu = timeline.getByRole('group', { name: 'Export a clip of the run' });
  // Opening proposes the last 30 seconds (to the paused instant); typing right away is not overwritten.
  assert.match(await menu.getByRole('textbox', { name: 'Clip to' }).inputValue(), /^00:\d\d$/);
  // A range past the run's end is refused with the reason.
  await menu.getByRole('textbox', { name: 'Clip to' }).fill('5:00');
  await menu.getByRole('button', { name: 'Export WebM' }).click();
  await menu.getByRole('alert').getByText(/the run has only reached/).waitFor();
  await menu.getByRole('textbox', { name: 'Clip from' }).fill('0:02');
  await menu.getByRole('textbox', { name: 'Clip to' }).fill('0:05');
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    menu.getByRole('button', { name: 'Export WebM' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /-clip-0002-0005\.webm$/);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'arch-clip-')), download.suggestedFilename());
  await download.saveAs(file);
  const bytes = fs.readFileSync(file);
  assert.ok(bytes.length > 10_000, `${bytes.length} bytes`);
  // WebM is Matroska: an EBML header first.
  assert.deepEqual([...bytes.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3]);
  await screenshot(page, 'clip-exported');
  assert.deepEqual(problems(), []);
  await context.close();
});

test('single points of failure are marked on the canvas with the reason, and a standby clears one', async () => {
  const { page, problems, context } = await horizontalPage();
  const badge = (id) => page.locator(`[data-node-id="${id}"] .node__spof`);
  await badge('lb').waitFor();
  assert.equal(await badge('lb').innerText(), 'SPOF');
  assert.match(await badge('lb').getAttribute('title'), /no standby: while it is down 100 % of requests cannot succeed/);
  assert.equal(await badge('database').innerText(), 'SPOF');
  assert.equal(await badge('server-1').count(), 0, 'a server behind the balancer fails over');
  assert.match(await page.locator('[data-node-id="lb"]').getAttribute('aria-label'), /single point of failure: no standby/);
  await screenshot(page, 'spof-marked');
  // A standby for the load balancer: it is no longer a single point of failure.
  await page.locator('[data-node-id="lb"]').click();
  await page.getByRole('checkbox', { name: /Standby/ }).check();
  await eventually(() => badge('lb').count(), (count) => count === 0, { what: 'the badge gone' });
  assert.equal(await badge('database').count(), 1);
  // The distributed preset: the lone auth service is one; the cache and the CDN are partial.
  await page.getByRole('combobox', { name: 'Open a preset' }).selectOption('Distributed');
  await badge('auth').waitFor();
  assert.equal(await badge('auth').innerText(), 'SPOF');
  assert.equal(await badge('cache').innerText(), 'partial');
  assert.equal(await badge('cdn').innerText(), 'partial');
  await screenshot(page, 'spof-distributed');
  assert.deepEqual(problems(), []);
  await context.close();
});
