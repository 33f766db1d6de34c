// Interview mode on the release build: an interviewer hides a drill (kill server-2) in a link; the
// candidate opens it, starts the 45-minute interview, writes requirements, fills the estimate sheet
// (one answer off, the sheet says so), goes through the phases to the deep dive, runs the failure
// drill on their design and reads the report: time per phase, detection, recovery, error budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openRecordedPage, waitForApp, screenshot, eventually } from './support.mjs';

const app = useServerAndBrowser();

test('an interviewer link, the sheets, the phases, the failure drill and the report', async () => {
  const interviewer = await openRecordedPage(app.browser, { viewport: { width: 1280, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
  await interviewer.page.goto(app.server.url);
  await waitForApp(interviewer.page);
  await interviewer.page.getByRole('combobox', { name: 'Open a preset' }).selectOption('Horizontal scaling');
  await interviewer.page.getByRole('tab', { name: 'Interview' }).click();
  const panel = interviewer.page.getByRole('tabpanel', { name: 'Interview' });
  await panel.getByText('Interviewer: hide a failure drill in a link').click();
  await panel.getByRole('combobox', { name: 'Drill' }).selectOption('kill:server-2');
  await panel.getByRole('button', { name: 'Copy interviewer link' }).click();
  const link = await panel.getByLabel('Interviewer link').inputValue();
  assert.match(link, /#i=/);

  const { page, problems } = await openRecordedPage(app.browser, { viewport: { width: 1280, height: 900 } });
  await page.goto(link.replace(/^https?:\/\/[^/]+/, app.server.url.replace(/\/arch-explorer\/?$/, '')));
  await waitForApp(page);
  const candidate = page.getByRole('tabpanel', { name: 'Interview' });
  await eventually(() => candidate.innerText(), (text) => /interviewer has set a failure drill/.test(text), { what: 'the Interview tab opened by the link' });
  // The hidden drill is not shown to the candidate.
  assert.doesNotMatch(await candidate.innerText(), /server-2/);
  await candidate.getByRole('button', { name: 'Start the interview' }).click();
  await candidate.getByLabel('Requirements (functional and non-functional)').fill('Shorten URLs; redirect in under 100 ms; 99.9 % available');
  await candidate.getByRole('button', { name: 'Next phase' }).click();
  for (const [label, value] of [
    ['Daily active users', '10M'], ['Requests per user per day', '20'], ['Peak factor', '3'],
    ['Writes per user per day', '2'], ['Bytes per write', '1k'], ['Retention (days)', '365'],
    ['Response size (KB)', '20'], ['Your peak requests/s', '7000'], ['Your storage (GB)', '20'],
    ['Your bandwidth (Mbit/s)', '1.1k'],
  ]) {
    await candidate.getByLabel(label, { exact: true }).fill(value);
  }
  const checks = await candidate.getByRole('list', { name: 'Arithmetic checks' }).innerText();
  assert.match(checks, /✓ Peak requests per second/);
  assert.match(checks, /✗ Storage \(GB\): yours 20\.0, your inputs give 7300\.0/);
  assert.match(checks, /✓ Peak bandwidth/);
  await screenshot(page, 'interview-estimates');
  for (let phase = 0; phase < 4; phase += 1) await candidate.getByRole('button', { name: 'Next phase' }).click();
  assert.match(await candidate.getByRole('list', { name: 'Phases' }).innerText(), /Deep dive/);
  await candidate.getByRole('button', { name: 'Start the failure drill' }).click();
  await eventually(() => candidate.getByRole('status').first().innerText(), (text) => /Something failed at/.test(text), { what: 'the drill fault', timeout: 40_000 });
  assert.match(await page.locator('[data-node-id="server-2"]').getAttribute('class'), /node--down/);
  await eventually(() => candidate.getByRole('status').first().innerText(), (text) => /drill is over/.test(text), { what: 'the end of the drill', timeout: 60_000 });
  const report = await candidate.getByRole('table', { name: 'Interview report' }).innerText();
  assert.match(report, /Requirements \(plan 5 min\)\t00:\d\d/);
  assert.match(report, /The fault\tkill server-2/i);
  assert.match(report, /Time to recover\t(\d+\.\d s|not within the window)/);
  assert.match(report, /Error budget burned\t\d+ % of a 0\.1 % budget/);
  assert.match(report, /Single points of failure\t\d/);
  await candidate.scrollIntoViewIfNeeded();
  await screenshot(page, 'interview-report');
  assert.deepEqual(problems(), []);
  assert.deepEqual(interviewer.problems(), []);
});
