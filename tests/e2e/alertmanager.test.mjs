// Prometheus + Alertmanager on the release build: a single server's monitoring node pages within
// seconds of a kill with Generic timing; restarted, and the monitoring node following Prometheus +
// Alertmanager (defaults shown with their sources, the node badged), the same kill pages minutes
// later (scrape, evaluation, `for`, group_wait); Undo restores Generic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openRecordedPage, waitForApp, screenshot, eventually } from './support.mjs';

const app = useServerAndBrowser();

function seconds(text) {
  const [minutes, secs] = text.split(':');
  return Number(minutes) * 60 + Number(secs);
}

async function clock(page) {
  return seconds(await page.getByLabel('Simulated clock').innerText());
}

/// Kills the single server at the current instant and returns the seconds until the first
/// PagerDuty incident opened (read off the incident's own "opened mm:ss").
async function pageDelayAfterKill(page) {
  await page.locator('[data-node-id="server"]').click();
  await page.getByRole('group', { name: 'Chaos controls' }).getByRole('button', { name: 'Kill' }).click();
  const killedAt = await clock(page);
  await page.getByRole('tab', { name: 'Alerts' }).click();
  const incidents = page.locator('.alerts__incidents');
  // The list is newest first and spans earlier runs: wait for an incident opened after the kill.
  const newest = async () => {
    const match = /opened (\d+:\d+)/.exec(await incidents.innerText().catch(() => ''));
    return match ? seconds(match[1]) : -1;
  };
  const opened = await eventually(newest, (at) => at >= killedAt, { what: 'a PagerDuty incident', timeout: 60_000 });
  return opened - killedAt;
}

test('Prometheus + Alertmanager pages minutes after a kill where Generic pages at once; undo restores Generic', async () => {
  const { page, problems } = await openRecordedPage(app.browser, { viewport: { width: 1280, height: 900 } });
  await page.goto(app.server.url);
  await waitForApp(page);
  await page.getByRole('combobox', { name: 'Open a preset' }).selectOption('Single server');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('10');
  await eventually(() => clock(page), (t) => t >= 20, { what: 'a warm-up' });
  const generic = await pageDelayAfterKill(page);
  // The default error-rate rule holds 10 s; Generic scrapes and evaluates every 5 s, sends at once.
  assert.ok(generic >= 9 && generic <= 17, `Generic paged ${generic} s after the kill`);
  await screenshot(page, 'alertmanager-generic-page');

  // The server restarted, the alert clears and closes the incident; then the monitoring node
  // follows Prometheus + Alertmanager.
  await page.locator('[data-node-id="server"]').click();
  await page.getByRole('group', { name: 'Chaos controls' }).getByRole('button', { name: 'Restart' }).click();
  await eventually(() => page.locator('.alerts__incidents').innerText(), (t) => /#1 Resolved/.test(t), { what: 'the incident resolved', timeout: 30_000 });
  await page.locator('[data-node-id="monitoring"]').click();
  const inspector = page.getByRole('complementary').filter({ has: page.getByRole('combobox', { name: 'Flavour' }) });
  const flavour = inspector.getByRole('combobox', { name: 'Flavour' });
  assert.equal(await flavour.inputValue(), 'generic');
  await flavour.selectOption('prometheus_alertmanager');
  await eventually(() => inspector.innerText(), (text) => /Prometheus \+ Alertmanager default \(group_wait\)/.test(text), { what: 'the notes' });
  const notes = await inspector.innerText();
  assert.match(notes, /Prometheus \+ Alertmanager default \(scrape_interval\)/);
  assert.match(notes, /Prometheus \+ Alertmanager default \(repeat_interval\)/);
  const sources = await inspector.getByRole('link', { name: 'source' }).evaluateAll((links) => links.map((a) => a.href));
  assert.ok(sources.includes('https://prometheus.io/docs/prometheus/latest/configuration/configuration/'), sources.join(' '));
  assert.ok(sources.includes('https://prometheus.io/docs/alerting/latest/configuration/#route'), sources.join(' '));
  assert.equal(await inspector.getByRole('spinbutton', { name: /Group wait/ }).or(inspector.getByRole('textbox', { name: /Group wait/ })).first().inputValue(), '30');
  assert.match(await page.locator('[data-node-id="monitoring"]').innerText(), /Alertmanager/);
  await screenshot(page, 'alertmanager-defaults');

  await page.getByRole('combobox', { name: 'Speed' }).selectOption('50');
  const chosenAt = await clock(page);
  await eventually(() => clock(page), (t) => t >= chosenAt + 130, { what: 'two scrapes in', timeout: 30_000 });
  const prometheus = await pageDelayAfterKill(page);
  // for 10 s checked at 1-minute evaluations, group_wait 30 s, scrape and evaluation phases: 90–210 s.
  assert.ok(prometheus >= 89 && prometheus <= 212, `Prometheus + Alertmanager paged ${prometheus} s after the kill`);
  assert.ok(prometheus > generic + 60);
  await screenshot(page, 'alertmanager-late-page');

  // Undo (the kill is not an edit): Generic is back.
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('1');
  await page.locator('main.canvas').focus();
  await page.keyboard.press('Control+z');
  await page.locator('[data-node-id="monitoring"]').click();
  await eventually(() => flavour.inputValue(), (v) => v === 'generic', { what: 'Generic after Undo' });
  assert.doesNotMatch(await page.locator('[data-node-id="monitoring"]').innerText(), /Alertmanager/);
  assert.deepEqual(problems(), []);
});
