// Releases on the release build. The Release day preset: the pipeline takes v2 (with a payment
// bug) through its stages, the canary gives it 10 % of the web group's traffic, "Payment failed"
// pages, three failed canary checks roll it back, and the report's DORA keys and table say so.
// Then a hot fix committed by hand through the pipeline's Release panel reaches "live". And by
// hand from the start: a pipeline dragged onto the Distributed preset, linked to its server group,
// set to canary, deploys a payment bug that three failed checks roll back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useServerAndBrowser, openRecordedPage, waitForApp, screenshot, eventually, ARTIFACTS_DIR, centreOf, drag } from './support.mjs';

const app = useServerAndBrowser();

function seconds(text) {
  const [minutes, secs] = text.split(':');
  return Number(minutes) * 60 + Number(secs);
}

/** A close-up (three times the pixels) of the canvas around `locators`, to look at the boxes. */
async function closeUp(page, locators, name) {
  const boxes = await Promise.all(locators.map((locator) => locator.boundingBox()));
  const left = Math.min(...boxes.map((box) => box.x)) - 24;
  const top = Math.min(...boxes.map((box) => box.y)) - 24;
  const right = Math.max(...boxes.map((box) => box.x + box.width)) + 24;
  const bottom = Math.max(...boxes.map((box) => box.y + box.height)) + 48;
  await page.screenshot({
    path: path.join(ARTIFACTS_DIR, `${name}.png`),
    clip: { x: left, y: top, width: right - left, height: bottom - top },
  });
}

async function clock(page) {
  return seconds(await page.getByLabel('Simulated clock').innerText());
}

test('Release day: a canary of a bad release, its rollback, the page and DORA; then a hot fix by hand goes live', async () => {
  const { page, problems } = await openRecordedPage(app.browser, { viewport: { width: 1440, height: 960 }, deviceScaleFactor: 2 });
  await page.goto(app.server.url);
  await waitForApp(page);
  await page.getByRole('combobox', { name: 'Open a preset' }).selectOption('Release day');
  const web = page.locator('[data-node-id="web"]');
  const pipeline = page.locator('[data-node-id="ci"]');
  // The deploy link from the pipeline is dashed and carries no rate.
  const deployLink = page.getByRole('button', { name: /^Deploy link from/ });
  await deployLink.waitFor();
  assert.equal(await deployLink.locator('.link__rate').count(), 0);
  assert.equal(
    await deployLink.locator('.link__line').evaluate((line) => getComputedStyle(line).strokeDasharray),
    '6px, 5px',
  );

  await page.getByRole('combobox', { name: 'Speed' }).selectOption('5');
  // The pipeline shows its stages with their progress on its box.
  await eventually(() => pipeline.innerText(), (text) => /v2 (checks|build|test) \d+\s%/.test(text), { what: 'a stage with progress' });
  await screenshot(page, 'releases-pipeline-stage');

  await page.getByRole('combobox', { name: 'Speed' }).selectOption('10');
  // The canary: v2 takes 10 % of the web group's new requests, shown on its box and the pipeline's.
  await eventually(() => web.innerText(), (text) => /v1 90\s%\s*·\s*v2 10\s%/.test(text), { what: 'the canary weight on the web group', timeout: 60_000 });
  assert.match(await pipeline.innerText(), /deploying v2 10\s%/);
  assert.ok((await web.locator('.node__pip.version--1').count()) >= 1, 'a v2 instance pip');
  assert.match(await web.getAttribute('aria-label'), /running v1 90\s%, v2 10\s%/);
  // The load balancer in front shows how its traffic splits between the versions behind it.
  await eventually(() => page.locator('[data-node-id="lb"]').innerText(), (text) => /v1 \d+\s%\s*·\s*v2 \d+\s%/.test(text), { what: 'the split on the load balancer' });
  await screenshot(page, 'releases-canary');
  await closeUp(page, [pipeline, web], 'releases-canary-closeup');

  // Followed in the charts, the web group's throughput and errors are split by version.
  await web.click();
  const charts = page.locator('.charts');
  await eventually(() => charts.innerText(), (text) => /Following Web servers/.test(text) && /\bv2\b/.test(text), { what: 'lines by version in the charts' });
  await screenshot(page, 'releases-charts-by-version');

  // The canary analysis fails three checks and rolls v2 back; the logs tell each step.
  await page.getByRole('tab', { name: 'Logs' }).click();
  const logs = page.getByRole('list', { name: 'Log lines' });
  const filters = page.getByRole('group', { name: 'Log filters' });
  await filters.getByRole('searchbox').fill('canary check failed');
  await eventually(() => logs.innerText(), (text) => /failed checks 1\/3/.test(text), { what: 'a failed canary check', timeout: 60_000 });
  await eventually(() => clock(page), (t) => t >= 180, { what: 'the rollback', timeout: 60_000 });
  await eventually(() => logs.innerText(), (text) => /failed checks 3\/3/.test(text), { what: 'three failed checks' });
  await screenshot(page, 'releases-logs-canary-checks');
  await filters.getByRole('searchbox').fill('rolled back');
  await eventually(() => logs.innerText(), (text) => /rolled back v2 to v1: 3 failed canary checks/.test(text), { what: 'the rollback line' });
  await filters.getByRole('searchbox').fill('');
  await eventually(() => web.innerText(), (text) => !/v2/.test(text), { what: 'v2 gone from the web group' });
  assert.match(await pipeline.innerText(), /live v1/);

  // "Payment failed" paged (PagerDuty) and the failed deploy was said in Slack by CI/CD.
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('1');
  await page.getByRole('tab', { name: 'Alerts' }).click();
  const pagerduty = page.getByRole('region', { name: 'PagerDuty incidents' });
  await eventually(() => pagerduty.innerText(), (text) => /Payment failed/.test(text), { what: 'the Payment failed incident' });
  const slack = page.getByRole('region', { name: 'Slack #alerts channel' });
  await eventually(() => slack.innerText(), (text) => /deploy of v2 failed/.test(text), { what: 'the failed deploy in Slack' });
  assert.match(await slack.innerText(), /CI\/CD/);
  await screenshot(page, 'releases-alerts');

  // The report: the DORA keys and the table of releases.
  await page.getByRole('tab', { name: 'Report' }).click();
  const releases = page.getByRole('region', { name: 'Releases' });
  await eventually(() => releases.innerText(), (text) => /Change failure rate\s*100 %/.test(text), { what: 'the change failure rate' });
  const report = await releases.innerText();
  assert.match(report, /Deployment frequency\s*—/);
  assert.match(report, /Time to restore service\s*1 min \d\d s/);
  const row = releases.getByRole('row', { name: /^v2/ });
  assert.match(await row.innerText(), /ci\s+00:05\s+rolled back\s+01:25\s+rolled back at 02:55\s+\d+ of \d+/);
  const timeline = page.getByRole('list', { name: 'Incident timeline' });
  assert.match(await timeline.innerText(), /v2 now takes 10 % of the traffic/);
  assert.match(await timeline.innerText(), /rolled back v2 to v1/);
  assert.match(await page.getByLabel('Run summary').innerText(), /web: v2 now takes 10 % of the traffic; requests failed \(bug in the release at web\)/);
  await screenshot(page, 'releases-report');

  // A hot fix by hand: the Release panel proposes v3; a nameless version is refused beside the
  // form, nothing lost; committed, it goes through the stages (no canary analysis) to live.
  await pipeline.click();
  const inspector = page.getByRole('complementary', { name: 'Inspector' });
  const form = inspector.getByRole('form', { name: 'Commit a release' });
  const version = form.getByRole('textbox', { name: 'Version' });
  assert.equal(await version.inputValue(), 'v3');
  await form.getByRole('checkbox', { name: /Hot fix/ }).check();
  await version.fill('');
  await form.getByRole('button', { name: 'Commit release' }).click();
  await eventually(() => inspector.getByRole('alert').innerText().catch(() => ''), (text) => /give the version a name/.test(text), { what: 'the refusal' });
  assert.ok(await form.getByRole('checkbox', { name: /Hot fix/ }).isChecked(), 'the form keeps what was typed');
  await version.fill('v3');
  await form.getByRole('button', { name: 'Commit release' }).click();
  const list = inspector.getByRole('list', { name: 'Releases' });
  await eventually(() => list.innerText(), (text) => /v3 \(hot fix\)\s*in the pipeline/.test(text), { what: 'v3 in the pipeline' });
  assert.equal(await inspector.getByRole('alert').count(), 0);
  assert.equal(await version.inputValue(), 'v4', 'the next version is proposed');
  await screenshot(page, 'releases-hot-fix-committed');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('10');
  await eventually(() => list.innerText(), (text) => /v3 \(hot fix\)\s*live/.test(text), { what: 'v3 live', timeout: 90_000 });
  assert.match(await list.innerText(), /deploy passed in/);
  await eventually(() => pipeline.innerText(), (text) => /live v3/.test(text), { what: 'live v3 on the pipeline' });
  await eventually(() => web.innerText(), (text) => /v3/.test(text) && !/v1/.test(text), { what: 'v3 serving the web group' });
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('1');
  await screenshot(page, 'releases-hot-fix-live');
  await page.getByRole('tab', { name: 'Report' }).click();
  await eventually(() => releases.innerText(), (text) => /Deployment frequency\s*[\d.]+ per day/.test(text), { what: 'a deployment frequency' });
  assert.match(await releases.getByRole('row', { name: /^v3/ }).innerText(), /live at \d\d:\d\d/);
  await screenshot(page, 'releases-report-after-hot-fix');

  // Roll back by hand: v1 comes back (rolling, no build or tests) and v3 reads rolled back.
  await inspector.getByRole('group', { name: 'Release controls' }).getByRole('button', { name: 'Roll back' }).click();
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('10');
  await eventually(() => list.innerText(), (text) => /v3 \(hot fix\)\s*rolled back/.test(text), { what: 'v3 rolled back', timeout: 90_000 });
  await eventually(() => pipeline.innerText(), (text) => /live v1/.test(text), { what: 'live v1 again on the pipeline', timeout: 90_000 });
  await eventually(() => web.innerText(), (text) => /v1/.test(text) && !/v3/.test(text), { what: 'v1 serving the web group again' });
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('1');
  await screenshot(page, 'releases-rolled-back-by-hand');
  assert.deepEqual(problems(), []);
});

test('by hand: a pipeline dragged in and linked to the server group canary-deploys a bad release, which rolls back', async () => {
  const { page, problems } = await openRecordedPage(app.browser, { viewport: { width: 1440, height: 960 } });
  await page.goto(app.server.url);
  await waitForApp(page);
  await page.getByRole('combobox', { name: 'Open a preset' }).selectOption('Distributed');
  const web = page.locator('[data-node-id="web"]');
  await web.waitFor();
  // Drag a CI/CD pipeline from the palette above the group and draw its deploy link to it.
  const canvas = page.getByRole('main', { name: 'Design canvas' });
  const area = await canvas.boundingBox();
  const palette = page.getByRole('navigation', { name: 'Palette' });
  const webBox = await web.boundingBox();
  await drag(page, await centreOf(palette.getByRole('button', { name: 'CI/CD pipeline', exact: true })), {
    x: webBox.x + webBox.width / 2,
    y: Math.max(area.y + 60, webBox.y - 130),
  });
  const pipeline = page.locator('[data-node-id].node--pipeline');
  await pipeline.waitFor();
  await drag(page, await centreOf(pipeline.locator('.port--out')), await centreOf(web));
  await page.getByRole('button', { name: /^Deploy link from/ }).waitFor();
  // Canary, with tests that miss the bug.
  await pipeline.click();
  const inspector = page.getByRole('complementary', { name: 'Inspector' });
  await inspector.getByRole('combobox', { name: 'Strategy' }).selectOption('canary');
  const catches = inspector.getByRole('textbox', { name: 'Catches' });
  await catches.fill('0');
  await catches.press('Enter');
  // A payment bug in v2, committed through the Release panel.
  const form = inspector.getByRole('form', { name: 'Commit a release' });
  assert.equal(await form.getByRole('textbox', { name: 'Version' }).inputValue(), 'v2');
  await form.getByRole('combobox', { name: 'Bug it carries' }).selectOption('error_rate');
  await form.getByRole('combobox', { name: 'Failing request type' }).selectOption({ label: 'payments' });
  await form.getByRole('textbox', { name: 'Failing share' }).fill('50');
  await form.getByRole('button', { name: 'Commit release' }).click();
  const list = inspector.getByRole('list', { name: 'Releases' });
  await eventually(() => list.innerText(), (text) => /v2/.test(text), { what: 'v2 committed' });
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('50');
  // The stages (4 min), then the canary takes 10 % of the group: its badge says so.
  await eventually(() => web.innerText(), (text) => /v2 10\s%/.test(text), { what: 'the canary on the group', timeout: 90_000 });
  await screenshot(page, 'releases-by-hand-canary');
  // Three failed checks send the traffic back; the panel and Slack tell it.
  await eventually(() => list.innerText(), (text) => /v2\s*rolled back/.test(text), { what: 'v2 rolled back', timeout: 90_000 });
  await eventually(() => web.innerText(), (text) => !/v2/.test(text), { what: 'v2 gone from the group' });
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('1');
  await page.getByRole('tab', { name: 'Alerts' }).click();
  const slack = page.getByRole('region', { name: 'Slack #alerts channel' });
  await eventually(() => slack.innerText(), (text) => /deploy of v2 failed: rolled back/.test(text), { what: 'the failed deploy in Slack' });
  await screenshot(page, 'releases-by-hand-rolled-back');
  assert.deepEqual(problems(), []);
});
