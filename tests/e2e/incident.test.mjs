// Incident response as a workflow, on the release build. The bad payment release drill: the page
// fires, the Alerts tab's PagerDuty incident opens the Incident tab, the responder acknowledges it,
// pins the payment issue ("first seen in v2"), opens a staging copy (shown on the canvas and in the
// logs), reproduces the issue there, tries the hot fix in staging until it is verified, deploys it,
// watches the incident resolve, writes the root cause and exports the post-mortem, whose timeline
// is read back. A production edit during the open incident is marked "debugged in production".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useServerAndBrowser, openRecordedPage, waitForApp, screenshot, eventually } from './support.mjs';

const app = useServerAndBrowser();

test('a bad payment release drill: page → ack → pin → staging → reproduce → fix in staging → deploy → resolved → post-mortem', async () => {
  const { page, problems } = await openRecordedPage(app.browser, { viewport: { width: 1440, height: 1000 } });
  await page.goto(app.server.url);
  await waitForApp(page);
  const dock = page.getByRole('region', { name: 'Observability dock' });
  await dock.getByRole('tab', { name: 'Incident' }).click();
  const panel = page.locator('#dock-incident');
  // Without a drill, the tab lists the built-in scenarios.
  for (const title of ['A bad payment release', 'Connection pool exhaustion after a traffic spike', 'A memory leak crashing servers one by one', 'A cache flush stampedes the database']) {
    await panel.getByText(title, { exact: true }).waitFor();
  }
  await screenshot(page, 'incident-scenarios');
  await panel.getByRole('button', { name: 'Start the drill A bad payment release' }).click();
  const next = panel.locator('.incident__next');
  await eventually(() => next.innerText(), (text) => /Payments failing/.test(text), { what: 'the first hint' });
  // A group drill's roles.
  await panel.getByRole('textbox', { name: 'Incident commander' }).fill('Ada');
  await panel.getByRole('textbox', { name: 'Incident commander' }).press('Tab');
  await panel.getByRole('textbox', { name: 'Operations' }).fill('Lin');
  await panel.getByRole('textbox', { name: 'Operations' }).press('Tab');

  // The page: "Payments failing" fires once v2 reaches production; the PagerDuty incident in the
  // Alerts tab opens the incident page.
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('10');
  await dock.getByRole('tab', { name: 'Alerts' }).click();
  const openPage = page.getByRole('button', { name: /^Open the incident page of incident \d+$/ });
  await openPage.first().waitFor({ timeout: 60_000 });
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('1');
  await openPage.first().click();
  assert.equal(await dock.getByRole('tab', { name: 'Incident' }).getAttribute('aria-selected'), 'true');
  await eventually(() => next.innerText(), (text) => /Acknowledge the page/.test(text), { what: 'the ack hint' });
  assert.match(await panel.getByRole('status').first().innerText(), /Firing/);
  await panel.getByRole('button', { name: 'Acknowledge the page' }).click();
  await eventually(() => panel.locator('.incident__measures').innerText(), (text) => /MTTA\s*\d/.test(text), { what: 'MTTA' });

  // Identify: the payment issue, first seen in v2, pinned.
  const issues = panel.locator('.incident__issues');
  await issues.waitFor();
  await eventually(() => issues.innerText(), (text) => /first seen in v2/.test(text), { what: 'an issue first seen in v2' });
  await issues.locator('tr', { hasText: 'first seen in v2' }).getByRole('button', { name: /^Pin / }).click();
  await eventually(() => issues.innerText(), (text) => /Pinned/.test(text), { what: 'the pinned issue' });
  await screenshot(page, 'incident-identified');

  // Restarting production's web servers to "see if it helps" while the incident is open:
  // debugged in production.
  await page.locator('[data-node-id="web"]').click();
  await page.getByRole('group', { name: 'Chaos controls' }).getByRole('button', { name: 'Restart' }).click();
  await eventually(() => panel.innerText(), (text) => /Debugged in production at \d\d:\d\d/.test(text), { what: 'the debugging mark' });

  // Replicate: a staging copy, in view on the canvas and in the logs.
  await panel.getByRole('button', { name: 'Open a staging copy' }).click();
  await page.getByRole('status').filter({ hasText: 'Staging copy' }).waitFor();
  assert.equal(await panel.getByRole('button', { name: 'Staging', exact: true }).getAttribute('aria-pressed'), 'true');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('5');
  await eventually(() => panel.innerText(), (text) => /Reproduced in staging at \d\d:\d\d/.test(text), { what: 'the reproduction', timeout: 60_000 });
  await screenshot(page, 'incident-staging');
  await dock.getByRole('tab', { name: 'Logs' }).click();
  await eventually(() => page.locator('#dock-logs').innerText(), (text) => /Payment/.test(text), { what: 'staging logs with the payment error' });
  await screenshot(page, 'incident-staging-logs');
  await dock.getByRole('tab', { name: 'Incident' }).click();

  // Fix: the hot fix, tried in staging until verified, then deployed.
  await panel.getByRole('button', { name: /^Try in staging: Ship hot fix v3/ }).click();
  await eventually(() => panel.locator('.incident__fix--verified').count(), (count) => count === 1, { what: 'the fix verified in staging', timeout: 60_000 });
  await eventually(() => next.innerText(), (text) => /Deploy the verified fix/.test(text), { what: 'the deploy hint' });
  await panel.getByRole('button', { name: /^Deploy to production: Ship hot fix v3/ }).click();
  await panel.getByRole('button', { name: 'Production', exact: true }).click();
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('10');
  await eventually(() => panel.locator('.incident__status').innerText(), (text) => text === 'Resolved', { what: 'the incident resolved', timeout: 90_000 });
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('1');
  const measures = await panel.locator('.incident__measures').innerText();
  for (const name of ['MTTD', 'MTTA', 'Time to reproduce', 'MTTR']) {
    assert.match(measures, new RegExp(`${name}\\s*\\d`), `${name} measured: ${measures}`);
  }
  assert.match(await panel.innerText(), /Debugged in production at \d\d:\d\d/);

  // The post-mortem: the root cause is the responder's; the export re-simulates the run's file.
  await panel.getByRole('textbox', { name: 'Root cause' }).fill('v2 called the payment provider with a stale API version.');
  await panel.getByRole('textbox', { name: 'Action items' }).fill('Contract test against the provider\nCanary payments first');
  await screenshot(page, 'incident-resolved');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    panel.getByRole('button', { name: 'Export post-mortem (Markdown)' }).click(),
  ]);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'postmortem-'));
  const file = path.join(folder, download.suggestedFilename());
  await download.saveAs(file);
  const markdown = fs.readFileSync(file, 'utf8');
  assert.match(markdown, /^# Post-mortem: A bad payment release/m);
  assert.match(markdown, /stale API version/);
  assert.match(markdown, /- \[ \] Contract test against the provider\n- \[ \] Canary payments first/);
  assert.match(markdown, /Responders:\*\* Ada \(Incident commander\), Lin \(Operations\)/);
  const order = ['fault', 'alert fires', 'page acknowledged', 'pinned', 'staging copy opened', 'reproduced in staging', 'fix tried', 'verified', 'deployed', 'resolved'];
  let at = 0;
  for (const moment of order) {
    const found = markdown.indexOf(moment, at);
    assert.ok(found >= 0, `the timeline has "${moment}" after the previous moment:\n${markdown}`);
    at = found;
  }
  assert.match(markdown, /debugged in production/);

  // The drill is a run file: its steps and the post-mortem's words are in it, and a fresh page
  // that opens it re-simulates the drill to the same incident.
  await page.getByRole('button', { name: 'Pause' }).click();
  const measured = await panel.locator('.incident__measures').innerText();
  await page.getByLabel('Run file', { exact: true }).click();
  const [saved] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Save the run as a file' }).click(),
  ]);
  const runFile = path.join(folder, saved.suggestedFilename());
  await saved.saveAs(runFile);
  const run = JSON.parse(fs.readFileSync(runFile, 'utf8'));
  const steps = run.timeline.filter((entry) => entry.incident).map((entry) => entry.incident.type);
  for (const type of ['drill', 'assign', 'pin', 'open_staging', 'try_in_staging', 'deploy']) {
    assert.ok(steps.includes(type), `the run file records the ${type} step: ${steps}`);
  }
  assert.match(run.postmortem.root_cause, /stale API version/);
  assert.deepEqual(problems(), []);

  const fresh = await openRecordedPage(app.browser, { viewport: { width: 1440, height: 1000 } });
  await fresh.page.goto(app.server.url);
  await waitForApp(fresh.page);
  await fresh.page.locator('[data-input="run-file"]').setInputFiles(runFile);
  await fresh.page.getByText(/Opened the run/).waitFor();
  await fresh.page.getByRole('region', { name: 'Observability dock' }).getByRole('tab', { name: 'Incident' }).click();
  const reopened = fresh.page.locator('#dock-incident');
  await eventually(() => reopened.locator('.incident__status').innerText().catch(() => ''), (text) => text === 'Resolved', { what: 'the reopened drill resolved', timeout: 60_000 });
  assert.equal(await reopened.locator('.incident__measures').innerText(), measured);
  assert.match(await reopened.getByRole('textbox', { name: 'Root cause' }).inputValue(), /stale API version/);
  await screenshot(fresh.page, 'incident-reopened');
  assert.deepEqual(fresh.problems(), []);
});
