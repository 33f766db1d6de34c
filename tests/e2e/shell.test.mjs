// The app shell, from the release build served under a GitHub Pages-like sub-path: it loads without a
// console error, failed request or CSP violation (a loading screen until the wasm is there), lists every node
// kind, and survives a reload on a deep path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openRecordedPage, waitForApp, screenshot } from './support.mjs';

const NODE_KINDS = [
  'Users',
  'Load balancer',
  'Server',
  'Autoscaling group',
  'Cache',
  'CDN',
  'Database',
  'Service',
  'Monitoring',
  'CI/CD pipeline',
];

const app = useServerAndBrowser();

test('a loading screen shows while the wasm downloads and is gone once the app has mounted', async () => {
  const { page, problems, context } = await openRecordedPage(app.browser);
  // Hold the wasm back until the loading screen has been seen.
  let release;
  const held = new Promise((resolve) => {
    release = resolve;
  });
  await page.route(/\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(app.server.url, { waitUntil: 'domcontentloaded' });
  const loading = page.getByRole('status').filter({ hasText: 'Loading the traffic model' });
  await loading.waitFor({ state: 'visible' });
  assert.equal(await page.getByRole('navigation', { name: 'Palette' }).count(), 0, 'the app is not there yet');
  release();
  await waitForApp(page);
  await loading.waitFor({ state: 'hidden' });
  assert.deepEqual(problems(), []);
  await context.close();
});

test('the shell loads cleanly under the sub-path and shows every region', async () => {
  const { page, problems, context } = await openRecordedPage(app.browser);
  await page.goto(app.server.url);
  await waitForApp(page);
  for (const region of [
    page.getByRole('toolbar', { name: 'Main toolbar' }),
    page.getByRole('navigation', { name: 'Palette' }),
    page.getByRole('main', { name: 'Design canvas' }),
    page.getByRole('complementary', { name: 'Inspector' }),
    page.getByRole('region', { name: 'Observability dock' }),
  ]) {
    assert.ok(await region.isVisible(), `${region} should be visible`);
  }
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/, 'the inline boot script is allowed by hash');
  assert.doesNotMatch(csp, /'unsafe-eval'|inline-script-hashes/, 'no unsafe-eval and no unfilled placeholder');
  await page.waitForLoadState('networkidle');
  await screenshot(page, 'shell');
  assert.deepEqual(problems(), []);
  await context.close();
});

test('the palette lists every node kind', async () => {
  const { page, problems, context } = await openRecordedPage(app.browser);
  await page.goto(app.server.url);
  await waitForApp(page);
  const palette = page.getByRole('navigation', { name: 'Palette' });
  const names = await palette
    .getByRole('listitem')
    .getByRole('button')
    .evaluateAll((items) => items.map((item) => item.getAttribute('aria-label')));
  assert.deepEqual(names, NODE_KINDS);
  assert.deepEqual(problems(), []);
  await context.close();
});

test('the dock tabs switch their panel', async () => {
  const { page, problems, context } = await openRecordedPage(app.browser);
  await page.goto(app.server.url);
  await waitForApp(page);
  const logsTab = page.getByRole('tab', { name: 'Logs' });
  await logsTab.click();
  assert.equal(await logsTab.getAttribute('aria-selected'), 'true');
  assert.equal(await page.getByRole('tabpanel', { name: 'Logs' }).count(), 1, 'the panel is labelled by its tab');
  assert.deepEqual(problems(), []);
  await context.close();
});

test('a reload on a deep path still opens the app (404.html fallback)', async () => {
  const { page, problems, context, expectStatus } = await openRecordedPage(app.browser);
  const deepUrl = `${app.server.url}some/deep/path`;
  expectStatus(deepUrl, 404);
  await page.goto(deepUrl);
  await waitForApp(page);
  assert.deepEqual(problems(), []);
  await context.close();
});
