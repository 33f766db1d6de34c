// The live run view on the release build: the first screen runs, particles move and rates are non-zero;
// killing a server behind a load balancer shows the health-check detection window (requests still sent
// to the dead backend), then the backend marked unhealthy and the shares rebalanced; the logs find the
// health-check failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openRecordedPage, waitForApp, screenshot } from './support.mjs';

const app = useServerAndBrowser();

/** Simulated seconds from the toolbar clock ("mm:ss.t"). */
async function clock(page) {
  const text = await page.getByLabel('Simulated clock').innerText();
  const [minutes, seconds] = text.split(':');
  return Number(minutes) * 60 + Number(seconds);
}

/** Coloured pixels on the particle layer. */
async function particlePixels(page) {
  return page.evaluate(() => {
    const canvas = document.querySelector('.canvas__particles');
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let index = 3; index < data.length; index += 4) if (data[index] > 0) painted += 1;
    return painted;
  });
}

test('the first screen is a running design: the clock moves, particles are drawn, rates are non-zero', async () => {
  const { page, problems, context } = await openRecordedPage(app.browser);
  await page.goto(app.server.url);
  await waitForApp(page);
  await page.waitForTimeout(2500);
  assert.ok((await clock(page)) > 1, 'the model is running');
  assert.ok((await particlePixels(page)) > 20, 'requests are drawn as particles');
  const rates = await page.locator('.link__rate').allTextContents();
  assert.ok(rates.some((rate) => /[1-9]/.test(rate)), `links show their rates: ${rates}`);
  await page.getByRole('button', { name: 'Pause' }).click();
  const paused = await clock(page);
  await page.waitForTimeout(500);
  assert.equal(await clock(page), paused, 'Pause stops the clock');
  await page.getByRole('button', { name: 'Step' }).click();
  assert.ok((await clock(page)) > paused, 'Step advances it');
  await page.getByRole('button', { name: 'Reset' }).click();
  assert.ok((await clock(page)) < 0.5, 'Reset starts again from zero');
  await screenshot(page, 'run-first-screen');
  assert.deepEqual(problems(), []);
  await context.close();
});

test('the resolution follows a rate edited across the limit and back, live, and the status line says why', async () => {
  const { page, problems, context } = await openRecordedPage(app.browser);
  await page.goto(app.server.url);
  await waitForApp(page);
  const status = page.getByLabel('Engine status');
  const statusHas = (text) => page.waitForFunction((wanted) => document.querySelector('[aria-label="Engine status"]')?.textContent.includes(wanted), text);
  await statusHas('per request');
  assert.match(await status.getAttribute('title'), /one by one \(exact\)\. The users send [\d ]+ req\/s now; above 50 000 req\/s together the run switches to aggregated by itself/);
  await page.locator('[data-node-id="users"]').click();
  const rate = page.getByRole('complementary', { name: 'Inspector' }).getByRole('textbox', { name: 'Rate' });
  await rate.fill('80000');
  await rate.press('Enter');
  await statusHas('aggregated');
  const switched = await clock(page);
  assert.match(await status.innerText(), /aggregated: 1 simulated request stands for 2$/);
  assert.match(await status.getAttribute('title'), /^The users send 80 000 req\/s now, above the 50 000 req\/s a run keeps per request.*back to per request by itself once the users send at most 40 000 req\/s\.$/);
  assert.doesNotMatch(await status.getAttribute('title'), /Reset/);
  assert.match(await page.locator('.toolbar .badge', { hasText: 'aggregated ×2' }).getAttribute('title'), /^The users send 80 000 req\/s now/);
  const dock = page.getByRole('region', { name: 'Observability dock' });
  await dock.getByRole('tab', { name: 'Logs' }).click();
  await dock.getByRole('searchbox').fill('resolution');
  await dock.locator('.logs__message', { hasText: 'resolution: aggregated, 1 simulated request stands for 2 (users send 80000 req/s' }).first().waitFor();
  await screenshot(page, 'run-status-aggregated');
  await rate.fill('20000');
  await rate.press('Enter');
  await statusHas('per request');
  assert.ok((await clock(page)) >= switched, 'the run went on through both switches (no restart)');
  assert.match(await status.getAttribute('title'), /The users send 20 000 req\/s now/);
  await dock.locator('.logs__message', { hasText: 'resolution: per request again (users send 20000 req/s' }).first().waitFor();
  assert.deepEqual(problems(), []);
  await context.close();
});

test('a killed server is found by health checks after the detection window and the shares rebalance', async () => {
  const { page, problems, context } = await openRecordedPage(app.browser);
  await page.goto(app.server.url);
  await waitForApp(page);
  await page.getByRole('combobox', { name: 'Open a preset' }).selectOption('Horizontal scaling');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('2');
  await page.waitForTimeout(3000); // let every server take traffic
  // Kill server-1 from its chaos controls.
  await page.locator('[data-node-id="server-1"]').click();
  await page.getByRole('group', { name: 'Chaos controls' }).getByRole('button', { name: 'Kill' }).click();
  const killedAt = await clock(page);
  // The load balancer's view: at first the dead backend is still in rotation.
  await page.locator('[data-node-id="lb"]').click();
  const backend = page.getByRole('listitem', { name: /^server-1:/ });
  await backend.waitFor();
  assert.match(await backend.getAttribute('aria-label'), /still in rotation/);
  await screenshot(page, 'run-detection-window');
  // Health checks (every 2 s, 1 s timeout, 3 failures) take it out of rotation after about
  // I/2 + (n − 1)·I + T ≈ 6 s, at least (n − 1)·I + T = 5 s and at most n·I + T = 7 s.
  await page.waitForFunction(
    () => /out of rotation/.test(document.querySelector('[aria-label^="server-1:"]')?.getAttribute('aria-label') ?? ''),
    null,
    { timeout: 20_000, polling: 50 },
  );
  const detection = (await clock(page)) - killedAt;
  assert.ok(detection >= 4.5 && detection <= 8.0, `detected after ${detection.toFixed(1)} simulated seconds`);
  // Probes pulse along the links; those to the dead server show as failed.
  assert.equal(await page.locator('g[aria-label="Link from Load balancer to Server 1"] .link__probe--failed').count(), 1);
  assert.equal(await page.locator('g[aria-label="Link from Load balancer to Server 2"] .link__probe').count(), 1);
  assert.equal(await page.locator('g[aria-label="Link from Load balancer to Server 2"] .link__probe--failed').count(), 0);
  // The shares rebalance: after a few seconds the dead backend gets nothing and the others share it all.
  await page.waitForTimeout(2500);
  const shares = await page.getByRole('list').filter({ has: page.getByRole('listitem', { name: /^server-\d:/ }) })
    .getByRole('listitem')
    .evaluateAll((items) => items.map((item) => item.getAttribute('aria-label')));
  const share = (name) => Number(shares.find((label) => label.startsWith(`${name}:`)).match(/: (\d+) %/)[1]);
  assert.equal(share('server-1'), 0, shares.join(' | '));
  assert.ok(share('server-2') + share('server-3') >= 99, shares.join(' | '));
  await screenshot(page, 'run-failover');
  assert.deepEqual(problems(), []);
  await context.close();
});

test('edits made while it runs are followed live: a server added behind the load balancer takes traffic, a deleted one leaves, the clock goes on', async () => {
  const { page, problems, context } = await openRecordedPage(app.browser);
  await page.goto(app.server.url);
  await waitForApp(page);
  await page.getByRole('combobox', { name: 'Open a preset' }).selectOption('Horizontal scaling');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('2');
  await page.waitForTimeout(2500);
  const before = await clock(page);
  assert.ok(before > 3, `the preset runs (${before} s)`);
  // The particles' key names every mark.
  assert.deepEqual(await page.getByRole('list', { name: 'Particles' }).getByRole('listitem').allTextContents(), [
    'request', 'reply', 'cache hit', 'retry', 'failed',
  ]);
  // Add server: a new node on the canvas (and in the undo history), in rotation at once.
  await page.locator('[data-node-id="lb"]').click();
  await page.getByRole('group', { name: 'Chaos controls' }).getByRole('button', { name: 'Add server' }).click();
  await page.locator('[data-node-id="server-4"]').waitFor();
  assert.ok((await clock(page)) >= before, 'the run went on');
  await page.locator('[data-node-id="lb"]').click();
  const added = page.getByRole('listitem', { name: /^server-4:/ });
  await added.waitFor();
  await page.waitForFunction(
    () => /: [1-9]\d* %/.test(document.querySelector('[aria-label^="server-4:"]')?.getAttribute('aria-label') ?? ''),
    null,
    { timeout: 20_000, polling: 100 },
  );
  await screenshot(page, 'run-live-add-server');
  // Delete it again: it leaves the canvas and the rotation, and the run still goes on.
  const beforeDelete = await clock(page);
  await page.locator('[data-node-id="server-4"]').click();
  await page.keyboard.press('Delete');
  await page.locator('[data-node-id="server-4"]').waitFor({ state: 'detached' });
  await page.waitForTimeout(500);
  assert.ok((await clock(page)) >= beforeDelete, 'deleting did not restart the run');
  await page.locator('[data-node-id="lb"]').click();
  await page.getByRole('listitem', { name: /^server-3:/ }).waitFor();
  assert.equal(await page.getByRole('listitem', { name: /^server-4:/ }).count(), 0);
  // The log says what changed.
  const dock = page.getByRole('region', { name: 'Observability dock' });
  await dock.getByRole('tab', { name: 'Logs' }).click();
  await dock.getByRole('searchbox').fill('design edited while running');
  await dock.getByText(/design edited while running: 1 node removed, 2 links removed/).first().waitFor();
  // Deleting the users node leaves nothing to run: the run waits, and Undo lets it go on.
  const beforeUsersDeleted = await clock(page);
  await page.locator('[data-node-id="users"]').click();
  await page.keyboard.press('Delete');
  await page.getByText(/^Cannot run:/).waitFor();
  assert.equal(await page.getByLabel('Simulated clock').innerText(), '--:--.-');
  await page.getByText(/the run waits where it was/).waitFor();
  await screenshot(page, 'run-live-cannot-run');
  await page.waitForTimeout(600);
  await page.keyboard.press('Control+z');
  await page.getByText(/^Cannot run:/).waitFor({ state: 'detached' });
  const resumed = await clock(page);
  assert.ok(resumed >= beforeUsersDeleted && resumed < beforeUsersDeleted + 1, `after Undo the same run goes on from ${beforeUsersDeleted} s (${resumed} s)`);
  // A new document (a preset) is a new run.
  await page.getByRole('combobox', { name: 'Open a preset' }).selectOption('Single server');
  await page.waitForTimeout(300);
  assert.ok((await clock(page)) < 1.5, 'a preset starts a new run');
  assert.deepEqual(problems(), []);
  await context.close();
});

test('with reduced motion no particle moves and the links show their flow rates instead', async () => {
  const { page, problems, context } = await openRecordedPage(app.browser, { reducedMotion: 'reduce' });
  await page.goto(app.server.url);
  await waitForApp(page);
  await page.waitForTimeout(2500);
  assert.ok((await clock(page)) > 1, 'the model is running');
  assert.equal(await particlePixels(page), 0);
  const rates = await page.locator('.link__rate').allTextContents();
  assert.ok(rates.some((rate) => /[1-9]/.test(rate)), `links show their rates: ${rates}`);
  assert.deepEqual(problems(), []);
  await context.close();
});

test('a traffic spike drives the CPU alert from pending to firing and into the Slack channel', async () => {
  const { page, problems, context } = await openRecordedPage(app.browser);
  await page.goto(app.server.url);
  await waitForApp(page);
  await page.getByRole('tab', { name: 'Alerts' }).click();
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('5');
  await page.getByRole('button', { name: 'Traffic spike' }).click();
  const cpuRule = page.locator('.alerts__rule').filter({ hasText: 'High CPU' });
  // Above 80 % the rule is pending for its 30 s for-duration, then fires.
  await cpuRule.locator('.alerts__state--pending').waitFor({ timeout: 30_000 });
  await screenshot(page, 'run-spike-pending');
  await cpuRule.locator('.alerts__state--firing').waitFor({ timeout: 45_000 });
  const slack = page.getByRole('region', { name: 'Slack #alerts channel' });
  await slack.getByText('CPU above 80 %').first().waitFor();
  await screenshot(page, 'run-spike-firing');
  assert.deepEqual(problems(), []);
  await context.close();
});

test('a link is selected by clicking it, and partitioning it fails requests with the cause "partition"', async () => {
  const { page, problems, context } = await openRecordedPage(app.browser);
  await page.goto(app.server.url);
  await waitForApp(page);
  await page.getByRole('combobox', { name: 'Open a preset' }).selectOption('Horizontal scaling');
  await page.waitForTimeout(1500);
  // Click the middle of the curve from the load balancer to server 2.
  const middle = await page.evaluate(() => {
    const path = document.querySelector('g[aria-label="Link from Load balancer to Server 2"] .link__hit');
    const point = path.getPointAtLength(path.getTotalLength() / 2);
    return new DOMPoint(point.x, point.y).matrixTransform(path.getScreenCTM());
  });
  await page.mouse.click(middle.x, middle.y);
  const inspector = page.getByRole('complementary', { name: 'Inspector' });
  assert.match(await inspector.locator('.panel__title').first().innerText(), /link/i);
  await inspector.getByRole('group', { name: 'Link chaos controls' }).getByRole('button', { name: 'Partition' }).click();
  await page.getByRole('tab', { name: 'Report' }).click();
  const causes = page.getByRole('list', { name: 'Failures by cause' });
  await causes.getByText(/partition/i).first().waitFor({ timeout: 15_000 });
  await screenshot(page, 'run-link-partition');
  assert.deepEqual(problems(), []);
  await context.close();
});
