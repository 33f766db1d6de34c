// The observability dock on the release build: log lines stream in and the search filters them (and
// finds a load balancer's health-check failure after a server is killed); the alerts tab lists the
// default rules, refuses a bad threshold beside the field, and a rule made to fire reaches the Slack
// feed and opens a PagerDuty incident that can be acknowledged and resolved; the charts draw; a tab
// whose code (a split module of the release build) cannot be downloaded says so and loads on retry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openRecordedPage, waitForApp, screenshot, eventually } from './support.mjs';

const app = useServerAndBrowser();


async function openApp() {
  const recorded = await openRecordedPage(app.browser);
  await recorded.page.goto(app.server.url);
  await waitForApp(recorded.page);
  const dock = recorded.page.getByRole('region', { name: 'Observability dock' });
  return { ...recorded, dock };
}

const logMessages = (dock) => dock.locator('.logs__message').allTextContents();

test('logs stream in, and the search and level filter narrow them', async () => {
  const { page, dock, problems, context } = await openApp();
  await dock.getByRole('tab', { name: 'Logs' }).click();
  const lines = await eventually(() => logMessages(dock), (messages) => messages.length >= 5, { what: 'log lines' });
  assert.ok(lines.some((line) => / ok in /.test(line)), 'access lines arrive');
  const more = await eventually(() => logMessages(dock), (messages) => messages.length > lines.length, {
    what: 'more log lines while following',
  });
  assert.ok(more.length > lines.length);

  await dock.getByRole('searchbox').fill('write ok');
  const found = await eventually(() => logMessages(dock), (messages) => messages.length > 0, { what: 'search results' });
  assert.ok(found.every((line) => /write ok/i.test(line)), `every shown line matches: ${found}`);
  assert.match(await dock.locator('.logs__count').textContent(), /^\d+ shown of \d+ matching, \d+ kept/);

  await dock.getByRole('searchbox').fill('no such signature');
  await dock.getByText('No line matches these filters.').waitFor();
  await dock.getByRole('searchbox').fill('');
  await dock.getByRole('combobox', { name: 'Level' }).selectOption('error');
  await dock.getByText(/No line matches|ERROR/).first().waitFor();
  const levels = await dock.locator('.logs__level').allTextContents();
  assert.ok(levels.every((level) => level === 'ERROR'), `only errors: ${levels}`);

  // Paused, the shown lines stay put while the run goes on.
  await dock.getByRole('combobox', { name: 'Level' }).selectOption('all');
  await dock.getByRole('button', { name: /Following/ }).click();
  const frozen = await logMessages(dock);
  await page.waitForTimeout(1500);
  assert.deepEqual(await logMessages(dock), frozen);
  await eventually(() => dock.locator('.logs__count').textContent(), (text) => /new while paused/.test(text), {
    what: 'lines waiting while paused',
  });
  await screenshot(page, 'dock-logs');
  assert.deepEqual(problems(), []);
  await context.close();
});

test('the log search finds the health-check failure of a killed server', async () => {
  const { page, dock, problems, context } = await openApp();
  await page.getByRole('combobox', { name: 'Open a preset' }).selectOption('Horizontal scaling');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption({ label: '5×' });
  const serverNode = page.locator('[data-node-id="server-1"]');
  await serverNode.waitFor();
  await serverNode.click();
  await page.getByRole('group', { name: 'Chaos controls' }).getByRole('button', { name: 'Kill' }).click();
  await dock.getByRole('tab', { name: 'Logs' }).click();
  await dock.getByRole('searchbox').fill('health check');
  const found = await eventually(
    () => logMessages(dock),
    (messages) => messages.some((line) => /server-1 failed health check \d+\/\d+ — marked unhealthy/.test(line)),
    { what: 'the health-check failure in the log', timeout: 30_000 },
  );
  assert.ok(found.every((line) => /health check/i.test(line)));
  await screenshot(page, 'dock-logs-health-check');
  assert.deepEqual(problems(), []);
  await context.close();
});

test('alerts: default rules, a refused value, firing into Slack and a PagerDuty incident', async () => {
  const { page, dock, problems, context } = await openApp();
  await dock.getByRole('tab', { name: 'Alerts' }).click();
  // Every preset comes with a monitoring node and the three default rules.
  const rules = dock.getByRole('list', { name: 'Alert rules and their states' });
  await eventually(() => rules.locator('.alerts__rule-name').allTextContents(), (names) => names.length === 3, {
    what: 'three rules',
  });
  assert.deepEqual(await rules.locator('.alerts__rule-name').allTextContents(), [
    'High error rate',
    'High CPU',
    'Slow responses',
  ]);
  const conditions = (await rules.locator('.alerts__rule-condition').allTextContents()).join('\n');
  assert.match(conditions, /Error rate > 20 %/);
  assert.match(conditions, /CPU > 80 %/);
  assert.match(conditions, /Response time \(p95\) > 5 s/);
  assert.equal(await dock.getByRole('button', { name: 'Add a monitoring node' }).count(), 0);

  // A bad value is refused beside its field and never saved.
  await dock.getByRole('button', { name: 'Edit rule High CPU' }).click();
  const editor = dock.getByRole('form', { name: /Edit rule/ });
  const threshold = editor.getByRole('textbox', { name: /Threshold/ });
  await threshold.fill('lots');
  await editor.getByText('"lots" is not a number.').waitFor();
  assert.equal(await threshold.getAttribute('aria-invalid'), 'true');
  await threshold.fill('150');
  await editor.getByText('A percentage is at most 100.').waitFor();

  // Make it fire at once and page someone.
  await threshold.fill('1');
  await editor.getByRole('textbox', { name: /For/ }).fill('0');
  await editor.getByRole('combobox', { name: 'Channel' }).selectOption('pagerduty');
  await editor.getByRole('button', { name: 'Save rule' }).click();
  await editor.waitFor({ state: 'detached' });

  // A new rule with a specific message, to Slack.
  await dock.getByRole('button', { name: 'Add rule' }).click();
  const creator = dock.getByRole('form', { name: 'New rule' });
  await creator.getByRole('combobox', { name: 'Metric' }).selectOption('cpu');
  await creator.getByRole('textbox', { name: /Threshold/ }).fill('1');
  await creator.getByRole('textbox', { name: /For/ }).fill('0');
  await creator.getByRole('combobox', { name: 'Channel' }).selectOption('slack');
  await creator.getByRole('textbox', { name: 'Message' }).fill('Payment failed');
  await creator.getByRole('button', { name: 'Save rule' }).click();
  await creator.waitFor({ state: 'detached' });

  await page.getByRole('combobox', { name: 'Speed' }).selectOption({ label: '5×' });
  await eventually(() => rules.locator('.alerts__state--firing').count(), (count) => count >= 2, {
    what: 'two rules firing',
    timeout: 30_000,
  });
  const slack = dock.getByRole('region', { name: 'Slack #alerts channel' });
  await slack.getByText('Payment failed').first().waitFor();
  await slack.getByText('FIRING').first().waitFor();
  assert.match(await page.locator('.app > [role=status]').textContent(), /Alert (firing|resolved)/);

  const incidents = dock.getByRole('region', { name: 'PagerDuty incidents' });
  await incidents.getByText(/#1 Triggered/).waitFor();
  await page.waitForTimeout(1000);
  await incidents.getByRole('button', { name: 'Acknowledge incident 1' }).click();
  await incidents.getByText(/#1 Acknowledged/).waitFor();
  assert.match(await incidents.locator('.alerts__summary').textContent(), /MTTA \d+(\.\d)? s/);
  await incidents.getByRole('button', { name: 'Resolve incident 1' }).click();
  await incidents.getByText(/#1 Resolved/).waitFor();
  assert.match(await incidents.locator('.alerts__summary').textContent(), /MTTR \d+(\.\d)? s/);
  assert.ok(await incidents.getByRole('button', { name: 'Resolve incident 1' }).isDisabled());
  await screenshot(page, 'dock-alerts');
  assert.deepEqual(problems(), []);
  await context.close();
});

test('charts draw into their canvases and follow the selected node', async () => {
  const { page, dock, problems, context } = await openApp();
  await dock.getByRole('tab', { name: 'Charts' }).click();
  // Pixels in the charts' line colours (Okabe–Ito blue, orange, vermillion, green): data, not just axes.
  const inked = (name) =>
    dock.locator(`figure[data-chart="${name}"] canvas`).evaluate((canvas) => {
      if (canvas.width === 0) return 0;
      const colours = [[0, 114, 178], [230, 159, 0], [213, 94, 0], [0, 158, 115]];
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let count = 0;
      for (let index = 0; index < pixels.length; index += 4) {
        if (pixels[index + 3] < 200) continue;
        const [red, green, blue] = [pixels[index], pixels[index + 1], pixels[index + 2]];
        if (colours.some(([r, g, b]) => Math.abs(r - red) + Math.abs(g - green) + Math.abs(b - blue) < 60)) count += 1;
      }
      return count;
    });
  for (const chart of ['throughput', 'latency', 'errorrate', 'cpu', 'connections', 'revenue', 'signups']) {
    await eventually(() => inked(chart), (count) => count > 40, { what: `lines on the ${chart} chart` });
  }
  assert.match(await dock.locator('figure[data-chart="throughput"] .chart__value').textContent(), /\d+ req\/s/);
  assert.match(await dock.locator('.charts__subject').textContent(), /Following Users/);
  assert.match(await dock.locator('figure[data-chart="cpu"] .chart__value').textContent(), /^max \d+(\.\d)? %$/);
  assert.match(await dock.locator('figure[data-chart="hitratio"]').textContent(), /No cache or CDN in this design/);

  await page.locator('[data-node-id="server"]').click();
  await eventually(() => dock.locator('.charts__subject').textContent(), (text) => /Web server \(selected\)/.test(text), {
    what: 'the charts to follow the server',
  });
  await eventually(() => inked('cpu'), (count) => count > 40, { what: 'a line on the CPU chart' });
  await screenshot(page, 'dock-charts');
  assert.deepEqual(problems(), []);
  await context.close();
});

test('a tab whose code cannot be downloaded says so, the run goes on, and Try again opens it', async () => {
  const { page, dock, problems } = await openApp();
  // The Report tab's code is a module of its own, fetched the first time the tab opens: cut it off.
  let offline = true;
  await page.route(/\/split_report_view\.wasm$/, (route) => (offline ? route.abort('internetdisconnected') : route.continue()));
  const clock = () => page.getByLabel('Simulated clock').innerText();
  await dock.getByRole('tab', { name: 'Report' }).click();
  const report = dock.getByRole('tabpanel', { name: 'Report' });
  const failure = report.getByRole('alert');
  await failure.waitFor();
  assert.match(await failure.innerText(), /could not be downloaded.*reloading the page gets it.*Your design is safe/s);
  await screenshot(page, 'lazy-view-failed');
  // The app did not stop: the run goes on, and the other tabs still open.
  const before = await clock();
  await eventually(clock, (now) => now !== before, { what: 'the clock moving on' });
  assert.ok((await page.locator('[data-node-id]').count()) > 0, 'the design is on the canvas');
  offline = false;
  await failure.getByRole('button', { name: 'Try again' }).click();
  await report.getByRole('region', { name: 'Findings' }).waitFor();
  assert.equal(await report.getByRole('alert').count(), 0);
  await screenshot(page, 'lazy-view-retried');
  // The only problems are the cut-off request and the loader's report of it.
  const unexpected = problems().filter((problem) => !/split_report_view\.wasm|Failed to fetch|ERR_INTERNET_DISCONNECTED/.test(problem));
  assert.deepEqual(unexpected, []);
});
