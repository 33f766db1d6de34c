// The run report on the release build: after server-1 of the "Horizontal scaling" preset is killed, the
// Report tab's timeline shows the kill and the first "backend down" errors, failures by cause name
// "backend down", and the bottleneck finder names a surviving server's CPU; a fault scheduled through
// the form (after a bad value is refused beside its field) appears on the fault axis and, once the
// running model reaches its time, on the timeline; removing it empties the schedule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openRecordedPage, waitForApp, screenshot, eventually as waitFor } from './support.mjs';

const app = useServerAndBrowser();

/** The report needs a run to reach failover first: a longer wait than the default. */
const eventually = (read, accept, options = {}) => waitFor(read, accept, { timeout: 30_000, ...options });

test('the report tells a killed server, its failures and the bottleneck after failover', async () => {
  const { page, problems, context } = await openRecordedPage(app.browser, { viewport: { width: 1280, height: 900 } });
  await page.goto(app.server.url);
  await waitForApp(page);
  await page.getByRole('combobox', { name: 'Open a preset' }).selectOption('Horizontal scaling');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('2');
  await page.waitForTimeout(1500);

  await page.locator('[data-node-id="server-1"]').click();
  await page.getByRole('group', { name: 'Chaos controls' }).getByRole('button', { name: 'Kill' }).click();

  const dock = page.getByRole('region', { name: 'Observability dock' });
  await dock.getByRole('tab', { name: 'Report' }).click();
  const report = dock.getByRole('tabpanel', { name: 'Report' });
  const timeline = () => report.getByRole('list', { name: 'Incident timeline' }).locator('li').allTextContents();

  const told = await eventually(
    timeline,
    (entries) =>
      entries.some((entry) => /server-1: crashed: killed/.test(entry)) &&
      entries.some((entry) => /First errors: backend down at server-1/.test(entry)),
    { what: 'the kill and the first backend-down errors on the timeline' },
  );
  const kill = told.findIndex((entry) => /crashed: killed/.test(entry));
  const errors = told.findIndex((entry) => /First errors: backend down/.test(entry));
  assert.ok(kill < errors, `the kill comes before its errors: ${told.join(' | ')}`);

  const causes = await eventually(
    () => report.getByRole('list', { name: 'Failures by cause' }).locator('li').allTextContents(),
    (rows) => rows.some((row) => /backend down at server-1/.test(row)),
    { what: 'backend down among the failures by cause' },
  );
  assert.match(causes.join(' | '), /backend down at server-1\s*\d+\s*[\d.]+ % of requests/);

  const bottleneck = await eventually(
    () => report.getByRole('group', { name: 'Bottleneck finder' }).textContent(),
    (text) => /CPU on server-[23] — CPU \d+ %/.test(text),
    { what: 'a surviving server named by its CPU' },
  );
  assert.match(bottleneck, /CPU \d+ %.*it limits throughput at ~\d+ req\/s/);
  const summary = await report.getByLabel('Run summary').textContent();
  assert.match(summary, /server-1: crashed: killed; requests failed \(backend down at server-1\)/);
  await screenshot(page, 'report-after-kill');

  // Schedule a fault: a bad time is refused beside its field, a good one lands on the axis.
  const form = report.getByRole('form', { name: 'Schedule a fault' });
  await form.getByRole('combobox', { name: 'Fault' }).selectOption('slow_down');
  await form.getByRole('combobox', { name: 'Node' }).selectOption('server-2');
  await form.getByRole('textbox', { name: 'At (s)' }).fill('soon');
  await form.getByRole('button', { name: 'Schedule fault' }).click();
  await form.getByText('“soon” is not a number of seconds').waitFor();
  assert.equal(await form.getByRole('textbox', { name: 'At (s)' }).getAttribute('aria-invalid'), 'true');
  assert.equal(await report.getByRole('list', { name: 'Scheduled fault list' }).count(), 0);

  // A time the run has passed is explained (it waits for Reset); a time ahead is taken live.
  await form.getByRole('textbox', { name: 'At (s)' }).fill('1');
  await form.getByText(/The run is past 00:01/).waitFor();
  const clockText = await page.getByLabel('Simulated clock').innerText();
  const [minutes, secs] = clockText.split(':');
  const at = Math.ceil(Number(minutes) * 60 + Number(secs)) + 3;
  await form.getByRole('textbox', { name: 'At (s)' }).fill(String(at));
  await form.getByRole('textbox', { name: /^For/ }).fill('10');
  await form.getByRole('textbox', { name: /^Factor/ }).fill('4');
  await form.getByRole('button', { name: 'Schedule fault' }).click();
  const scheduled = report.getByRole('list', { name: 'Scheduled fault list' }).locator('li');
  await eventually(() => scheduled.allTextContents(), (rows) => rows.length === 1, { what: 'the scheduled fault listed' });
  const atClock = `${String(Math.floor(at / 60)).padStart(2, '0')}:${String(at % 60).padStart(2, '0')}`;
  assert.match((await scheduled.allTextContents())[0], new RegExp(`Slow down server-2 ×4 at ${atClock} for 10\\.0 s`));
  assert.equal(await report.locator('.report__fault-bar').count(), 1);
  assert.match(await report.locator('.report__fault-label').textContent(), /Slow down server-2 ×4/);
  assert.equal(await form.locator('.report__problem').count(), 0);

  // The run goes on with the new schedule: the fault fires when the clock reaches it.
  await eventually(timeline, (entries) => entries.some((entry) => /Fault injected: Slow down server-2 ×4/.test(entry)), {
    what: 'the scheduled fault on the timeline',
  });
  await screenshot(page, 'report-scheduled-fault');

  await scheduled.getByRole('button', { name: /^Remove fault/ }).click();
  await report.getByText('No faults scheduled.').waitFor();
  assert.equal(await report.locator('.report__fault-bar').count(), 0);
  assert.deepEqual(problems(), []);
  await context.close();
});
