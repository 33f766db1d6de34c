// Sentry-style issues in the logs tab on the release build: kill a server behind the load balancer,
// open Logs → Issues, and the error lines are grouped into issues (the dead server's refused
// connections, the clients' bad gateways) with counts and first/last seen; pin the suspect from the
// keyboard, open its lines; on a phone the view fits, and lines a Fluentd shipper still holds are
// not counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openRecordedPage, waitForApp, screenshot, eventually } from './support.mjs';

const app = useServerAndBrowser();

async function openPreset(viewport, options = {}) {
  const recorded = await openRecordedPage(app.browser, { viewport, ...options });
  await recorded.page.goto(app.server.url);
  await waitForApp(recorded.page);
  await recorded.page.getByRole('combobox', { name: 'Open a preset' }).selectOption('Horizontal scaling');
  const dock = recorded.page.getByRole('region', { name: 'Observability dock' });
  return { ...recorded, dock };
}

async function killServer1(page) {
  const serverNode = page.locator('[data-node-id="server-1"]');
  await serverNode.waitFor();
  await serverNode.click();
  await page.getByRole('group', { name: 'Chaos controls' }).getByRole('button', { name: 'Kill' }).click();
}

/// Sets the run's speed; on a phone the control is behind More.
async function setSpeed(page, label) {
  const speed = page.getByRole('combobox', { name: 'Speed' });
  if (!(await speed.isVisible())) {
    await page.getByRole('button', { name: 'More controls' }).click();
  }
  await speed.selectOption({ label });
}

/// The issues as listed.
const issueRows = (dock) => dock.getByRole('list', { name: 'Issues' }).getByRole('listitem');

test('a killed server: the issues group its errors, the suspect is pinned and its lines open', async () => {
  const { page, dock, problems, context } = await openPreset({ width: 1280, height: 800 });
  await setSpeed(page, '5×');
  await killServer1(page);
  await dock.getByRole('tab', { name: 'Logs' }).click();
  await dock.getByRole('group', { name: 'Log filters' }).getByRole('button', { name: 'Issues' }).click();
  const refused = issueRows(dock).filter({ hasText: 'ConnectionRefusedError' });
  await eventually(() => refused.count(), (n) => n === 1, { what: 'the refused-connection issue', timeout: 30_000 });
  const text = await refused.innerText();
  assert.match(text, /server\.socket\.accept/);
  assert.match(text, /server-1/);
  assert.match(text, /\d+ events?/);
  assert.match(text, /first seen \d\d:\d\d\s+last seen \d\d:\d\d/);
  assert.match(text, /release: none/);
  // The count says issues and events, and every row has a sparkline.
  assert.match(await dock.locator('.issues__count').innerText(), /^\d+ issues? · \d+ events?$/);
  assert.equal(await refused.getByRole('img', { name: /Events per second over the last minute/ }).count(), 1);
  // Counts go up as more errors arrive.
  const count = async () => Number((await refused.locator('.issue__count').innerText()).split(' ')[0]);
  const before = await count();
  await eventually(count, (n) => n > before, { what: 'the count to grow' });
  await screenshot(page, 'error-groups-issues');

  // Sorted by events, the biggest issue comes first.
  await dock.getByRole('combobox', { name: 'Sort by' }).selectOption('count');
  const counts = async () => (await dock.locator('.issue__count').allInnerTexts()).map((t) => Number(t.split(' ')[0]));
  const sorted = await counts();
  assert.deepEqual([...sorted].sort((a, b) => b - a), sorted);

  // Pin the suspect from the keyboard: it goes to the top and stays there as lines arrive.
  const pin = refused.getByRole('button', { name: /Pin/ });
  await pin.focus();
  await page.keyboard.press('Enter');
  await eventually(() => pin.getAttribute('aria-pressed'), (value) => value === 'true', { what: 'pinned' });
  await eventually(() => issueRows(dock).first().innerText(), (row) => /ConnectionRefusedError/.test(row), { what: 'the pinned issue first' });
  await page.waitForTimeout(1000);
  assert.match(await issueRows(dock).first().innerText(), /ConnectionRefusedError/);
  assert.equal(await pin.getAttribute('aria-pressed'), 'true');
  await screenshot(page, 'error-groups-pinned');

  // Choosing the issue shows its lines: errors at server-1 only.
  await refused.getByRole('button', { name: /ConnectionRefusedError/ }).click();
  const panel = page.getByRole('tabpanel', { name: 'Logs' });
  await panel.getByRole('status').filter({ hasText: 'Lines of the issue' }).waitFor();
  const messages = await eventually(() => dock.locator('.logs__message').allTextContents(), (m) => m.length > 0, { what: 'the issue\'s lines' });
  assert.ok(messages.every((m) => /backend down at server-1 · ConnectionRefusedError in server\.socket\.accept/.test(m)), `only the issue's lines: ${messages}`);
  const levels = await dock.locator('.logs__level').allTextContents();
  assert.ok(levels.every((level) => level === 'ERROR'), `only errors: ${levels}`);
  await screenshot(page, 'error-groups-issue-lines');
  await panel.getByRole('button', { name: 'Show every line' }).click();
  await eventually(() => dock.locator('.logs__level').allTextContents(), (l) => l.some((level) => level !== 'ERROR'), { what: 'every line back' });
  // Back in Issues, the pin is still there.
  await dock.getByRole('group', { name: 'Log filters' }).getByRole('button', { name: 'Issues' }).click();
  assert.equal(await issueRows(dock).first().getByRole('button', { name: /Pin/ }).getAttribute('aria-pressed'), 'true');
  assert.deepEqual(problems(), []);
  await context.close();
});

test('on a phone the issues fit, and lines Fluentd still holds are not counted', async () => {
  // The preset is opened at a desktop width (on a phone the menu is behind More), then the window
  // narrows to a phone's.
  const { page, dock, problems, context } = await openPreset({ width: 1280, height: 800 });
  await page.locator('[data-node-id="monitoring"]').click();
  await page.getByRole('complementary').getByRole('combobox', { name: 'Log shipper' }).selectOption('fluentd');
  await killServer1(page);
  await page.setViewportSize({ width: 390, height: 844 });
  const sheet = page.getByRole('complementary', { name: 'Inspector' });
  if (await sheet.getByRole('button', { name: 'Done' }).isVisible()) {
    await sheet.getByRole('button', { name: 'Done' }).click();
  }
  await dock.getByRole('tab', { name: 'Logs' }).click();
  await dock.getByRole('group', { name: 'Log filters' }).getByRole('button', { name: 'Issues' }).click();
  // Before Fluentd's first flush at 60 s nothing is searchable, so there are no issues yet.
  await dock.getByText(/No issues yet/).waitFor();
  assert.match(await dock.locator('.issues__count').innerText(), /^0 issues · 0 events$/);
  await screenshot(page, 'error-groups-phone-buffered');
  await setSpeed(page, '50×');
  await eventually(() => issueRows(dock).count(), (n) => n > 0, { what: 'issues after the flush', timeout: 40_000 });
  await setSpeed(page, '1×');
  await page.getByRole('button', { name: 'More controls' }).click();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the page is ${width} px wide`);
  const row = await issueRows(dock).first().boundingBox();
  assert.ok(row.width <= 390, `a row fits (${row.width} px)`);
  await screenshot(page, 'error-groups-phone');
  assert.deepEqual(problems(), []);
  await context.close();
});
