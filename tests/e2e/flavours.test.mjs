// Load balancer flavours on the release build: make the horizontal preset's balancer open-source
// Nginx (passive checks), then an AWS ALB: the defaults change with their source, the node wears the
// ALB badge and states its 35–65 s detection window, a killed backend stays in rotation far longer
// than with HAProxy-like checks; Undo restores Nginx.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openRecordedPage, waitForApp, screenshot, eventually } from './support.mjs';

const app = useServerAndBrowser();

async function clock(page) {
  const text = await page.getByLabel('Simulated clock').innerText();
  const [minutes, seconds] = text.split(':');
  return Number(minutes) * 60 + Number(seconds);
}

test('switch a load balancer from Nginx to an AWS ALB, watch the longer detection window, undo', async () => {
  const { page, problems } = await openRecordedPage(app.browser, { viewport: { width: 1280, height: 900 } });
  await page.goto(app.server.url);
  await waitForApp(page);
  await page.getByRole('combobox', { name: 'Open a preset' }).selectOption('Horizontal scaling');
  await page.locator('[data-node-id="lb"]').click();
  const inspector = page.getByRole('complementary').filter({ has: page.getByRole('combobox', { name: 'Flavour' }) });
  const flavour = inspector.getByRole('combobox', { name: 'Flavour' });
  await flavour.selectOption('nginx_open_source');
  await eventually(() => inspector.innerText(), (text) => /skipped after 1 failed request, for 10 s/.test(text), { what: 'the Nginx window' });
  assert.match(await inspector.innerText(), /Nginx default \(max_fails\)/);
  await flavour.selectOption('aws_alb');
  await eventually(() => inspector.innerText(), (text) => /keeps getting traffic for 35–65 s/.test(text), { what: 'the ALB window' });
  const text = await inspector.innerText();
  assert.match(text, /AWS ALB default \(HealthCheckIntervalSeconds\)/);
  assert.equal(await inspector.getByRole('link', { name: 'source' }).first().getAttribute('href'),
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html');
  const lbNode = page.locator('[data-node-id="lb"]');
  assert.match(await lbNode.innerText(), /AWS ALB/);
  assert.match(await lbNode.innerText(), /35–65 s/);
  await screenshot(page, 'flavours-alb');
  // Kill a backend: with 30 s probes it is still in rotation 20 s later.
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('5');
  await page.locator('[data-node-id="server-1"]').click();
  await page.getByRole('group', { name: 'Chaos controls' }).getByRole('button', { name: 'Kill' }).click();
  const killedAt = await clock(page);
  await page.locator('[data-node-id="lb"]').click();
  await eventually(() => clock(page), (t) => t >= killedAt + 20, { what: '20 s after the kill' });
  const backend = page.getByRole('listitem', { name: /^server-1:/ });
  assert.match(await backend.getAttribute('aria-label'), /still in rotation/);
  await screenshot(page, 'flavours-alb-still-in-rotation');
  // Undo (the kill is not an edit): the ALB choice goes, Nginx is back.
  await page.locator('main.canvas').focus();
  await page.keyboard.press('Control+z');
  await eventually(() => page.locator('[data-node-id="lb"]').innerText(), (text) => !/AWS ALB/.test(text) && /skipped after 1 failed request/.test(text), { what: 'Nginx back after Undo' });
  assert.equal(await flavour.inputValue(), 'nginx_open_source');
  // A keepalived pair: the standby's takeover follows VRRP's advertisements.
  await inspector.getByRole('checkbox', { name: 'Standby' }).check();
  await inspector.getByRole('checkbox', { name: 'Keepalived' }).check();
  await eventually(() => inspector.innerText(), (text) => /keepalived backup takes over 2\.61–3\.61 s/.test(text), { what: 'the keepalived takeover' });
  await screenshot(page, 'flavours-keepalived');
  assert.deepEqual(problems(), []);
});

test('logs shipped by Fluentd are searchable only after its 60 s flush', async () => {
  const { page, problems } = await openRecordedPage(app.browser, { viewport: { width: 1280, height: 900 } });
  await page.goto(app.server.url);
  await waitForApp(page);
  await page.getByRole('combobox', { name: 'Open a preset' }).selectOption('Horizontal scaling');
  await page.locator('[data-node-id="monitoring"]').click();
  await page.getByRole('complementary').getByRole('combobox', { name: 'Log shipper' }).selectOption('fluentd');
  await page.getByRole('tab', { name: 'Logs' }).click();
  const panel = page.getByRole('tabpanel', { name: 'Logs' });
  await eventually(() => panel.innerText(), (text) => /shipped by Fluentd/.test(text) && /line\(s\) not flushed yet/.test(text), { what: 'the shipper note' });
  assert.ok((await clock(page)) < 60);
  assert.match(await panel.innerText(), /No line matches these filters/);
  await screenshot(page, 'flavours-fluentd-buffered');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('50');
  await eventually(() => clock(page), (t) => t >= 61, { what: 'past the first flush', timeout: 30_000 });
  await eventually(() => panel.getByRole('listitem').count(), (n) => n > 0, { what: 'lines after the flush' });
  assert.deepEqual(problems(), []);
});

test('a cache becomes Redis (noeviction refuses keys once full), then Memcached (slab classes), undo', async () => {
  const { page, problems } = await openRecordedPage(app.browser, { viewport: { width: 1280, height: 900 } });
  await page.goto(app.server.url);
  await waitForApp(page);
  await page.getByRole('combobox', { name: 'Open a preset' }).selectOption('Distributed');
  await page.locator('[data-node-id="cache"]').click();
  const inspector = page.getByRole('complementary').filter({ has: page.getByRole('combobox', { name: 'Flavour' }) });
  const flavour = inspector.getByRole('combobox', { name: 'Flavour' });
  await flavour.selectOption('redis');
  await eventually(() => inspector.innerText(), (text) => /Redis default \(maxmemory-policy\)/.test(text), { what: 'the Redis notes' });
  assert.match(await inspector.innerText(), /noeviction by default/);
  assert.equal(await inspector.getByRole('combobox', { name: 'Eviction' }).inputValue(), 'no_eviction');
  assert.equal(await inspector.getByRole('link', { name: 'source' }).first().getAttribute('href'),
    'https://redis.io/docs/latest/develop/reference/eviction/');
  assert.match(await page.locator('[data-node-id="cache"]').innerText(), /Redis/);
  // Fast forward until the cache is full: new keys are refused with Redis's OOM error.
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('50');
  await eventually(() => inspector.innerText(), (text) => /Refused stores\s*\d+ \(out of memory\)/.test(text), { what: 'refused stores', timeout: 60_000 });
  assert.match(await inspector.innerText(), /Keys held\s*10000 of 10000/);
  await screenshot(page, 'flavours-redis-full');
  // An edit of a fixed setting reads custom, with a reset.
  await inspector.getByRole('combobox', { name: 'Eviction' }).selectOption('sampled_lru');
  await eventually(() => inspector.innerText(), (text) => /custom · Redis default: noeviction/.test(text), { what: 'custom' });
  await inspector.getByRole('button', { name: 'Reset to Redis defaults' }).click();
  await eventually(() => inspector.getByRole('combobox', { name: 'Eviction' }).inputValue(), (v) => v === 'no_eviction', { what: 'reset' });
  // Memcached: memory in slab classes.
  await flavour.selectOption('memcached');
  await eventually(() => inspector.innerText(), (text) => /Slab classes\s*\S+ kB: \d+ pages?, \d+ items/.test(text), { what: 'slab classes', timeout: 30_000 });
  assert.match(await inspector.innerText(), /Memcached default \(-m\)/);
  assert.match(await page.locator('[data-node-id="cache"]').innerText(), /Memcached/);
  await screenshot(page, 'flavours-memcached-slabs');
  // Undo brings Redis back.
  await page.locator('main.canvas').focus();
  await page.keyboard.press('Control+z');
  await eventually(() => flavour.inputValue(), (v) => v === 'redis', { what: 'Redis after Undo' });
  assert.deepEqual(problems(), []);
});

test('a log store outage: Fluentd buffers, then a full buffer loses lines, counted', async () => {
  const { page, problems } = await openRecordedPage(app.browser, { viewport: { width: 1280, height: 900 } });
  await page.goto(app.server.url);
  await waitForApp(page);
  await page.getByRole('combobox', { name: 'Open a preset' }).selectOption('Horizontal scaling');
  await page.locator('[data-node-id="monitoring"]').click();
  const inspector = page.getByRole('complementary', { name: 'Inspector' });
  await inspector.getByRole('combobox', { name: 'Log shipper' }).selectOption('fluentd');
  // A small buffer (0.1 MiB, 524 lines of 200 bytes) so it fills within seconds.
  const limit = inspector.getByRole('textbox', { name: 'Buffer limit' });
  await limit.fill('0.1');
  await limit.press('Enter');
  await page.getByRole('group', { name: 'Chaos controls' }).getByRole('button', { name: 'Kill' }).click();
  await page.getByRole('tab', { name: 'Logs' }).click();
  const panel = page.getByRole('tabpanel', { name: 'Logs' });
  await eventually(() => panel.innerText(), (text) => /log store down: \d+ line\(s\) buffered/.test(text), { what: 'the outage note' });
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('5');
  await eventually(() => panel.innerText(), (text) => /\d+ line\(s\) lost to a full buffer/.test(text), { what: 'lines lost', timeout: 30_000 });
  await screenshot(page, 'flavours-fluentd-overflow');
  assert.deepEqual(problems(), []);
});
