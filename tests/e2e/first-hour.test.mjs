// A new user's first hour on the release build (issue 15): live edits that reach the run, figures that
// do not read as a total outage, a layout that fits a phone and a laptop, a resizable dock, a readable
// first view with nothing under the minimap, an inspector in a student's words, a pattern form, New
// design, nodes placed along the flow, and the keyboard and screen-reader fixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openRecordedPage, waitForApp, screenshot, eventually } from './support.mjs';

const app = useServerAndBrowser();

const canvas = (page) => page.getByRole('main', { name: 'Design canvas' });
const nodes = (page) => canvas(page).locator('[data-node-id]');

async function freshPage(options) {
  const recorded = await openRecordedPage(app.browser, options);
  await recorded.page.goto(app.server.url);
  await waitForApp(recorded.page);
  return recorded;
}

async function openPreset(page, name) {
  await page.getByRole('combobox', { name: 'Open a preset' }).selectOption(name);
}

test('ticking Standby while running reaches the run: killing the load balancer then fails over', async () => {
  const { page, problems, context } = await freshPage();
  await openPreset(page, 'Horizontal scaling');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('2');
  await page.waitForTimeout(1500);
  await page.locator('[data-node-id="lb"]').click();
  const standby = page.getByRole('checkbox', { name: 'Standby' });
  assert.equal(await standby.isChecked(), false);
  await standby.check();
  await page.waitForTimeout(500);
  await page.getByRole('group', { name: 'Chaos controls' }).getByRole('button', { name: 'Kill' }).click();
  // The standby takes over (after its takeover time) and the load balancer serves again.
  await eventually(
    () => page.locator('[data-node-id="lb"]').getAttribute('aria-label'),
    (label) => /healthy/.test(label ?? '') && !/down/.test(label ?? ''),
    { what: 'the standby to take over' },
  );
  await page.getByRole('tab', { name: /Logs/ }).click();
  await eventually(
    () => page.locator('.dock').innerText(),
    (text) => /took over/.test(text),
    { what: 'a takeover in the logs' },
  );
  await screenshot(page, 'first-hour-standby-takeover');
  assert.deepEqual(problems(), []);
  await context.close();
});

test('a primary crash shows writes failing and reads served, not a total outage', async () => {
  const { page, problems, context } = await freshPage();
  await openPreset(page, 'Distributed');
  await page.waitForTimeout(2500);
  // The run: a cache flush, then the primary crash a few seconds later.
  await page.locator('[data-node-id="cache"]').click();
  await page.getByRole('group', { name: 'Chaos controls' }).getByRole('button', { name: 'Flush cache' }).click();
  await page.waitForTimeout(2000);
  const database = page.locator('[data-node-id="database"]');
  await database.click();
  await page.getByRole('group', { name: 'Chaos controls' }).getByRole('button', { name: 'Crash primary' }).click();
  await eventually(
    () => database.innerText(),
    (text) => /writes fail, rest ok/.test(text),
    { what: 'the database box to say which requests fail' },
  );
  const live = page.getByRole('complementary', { name: 'Inspector' }).locator('.inspector__live');
  // The inspector's figures cover the last whole second: the second the primary crashed in still
  // holds writes served before it, so wait for a second wholly after the crash.
  const text = await eventually(
    () => live.innerText(),
    (text) => /Writes\s+[\d.]+ req\/s · (9\d|100)\.\d % errors/.test(text),
    { what: 'a whole second of failing writes in the inspector' },
  );
  assert.match(text, /Reads\s+[\d.]+ req\/s · 0\.0 % errors/, text);
  await screenshot(page, 'first-hour-primary-crash');
  // The report blames the failures on the crash, not on the flush before it, and splits them by type.
  const dock = page.getByRole('region', { name: 'Observability dock' });
  await dock.getByRole('tab', { name: 'Report' }).click();
  const report = dock.getByRole('tabpanel', { name: 'Report' });
  const summary = await eventually(
    () => report.getByLabel('Run summary').textContent(),
    (text) => /primary; requests (then )?failed \(backend down at database\)/.test(text),
    { what: 'the crash named as the cause', timeout: 30_000 },
  );
  const flush = summary.split('. ').find((sentence) => /Flush cache/.test(sentence)) ?? '';
  assert.doesNotMatch(flush, /backend down at database/, summary);
  const byType = await eventually(
    () => report.getByRole('list', { name: 'Failures by request type' }).textContent().catch(() => ''),
    (text) => /database/.test(text),
    { what: 'the split by request type', timeout: 30_000 },
  );
  assert.match(byType, /reads: 0 of \d+ failed \(0\.0 %\)/, byType);
  assert.match(byType, /writes: [1-9]\d* of \d+ failed/, byType);
  await screenshot(page, 'first-hour-report-blame');
  assert.deepEqual(problems(), []);
  await context.close();
});

for (const viewport of [
  { width: 390, height: 844, name: 'phone' },
  { width: 768, height: 1024, name: 'tablet' },
]) {
  test(`on a ${viewport.name} (${viewport.width}×${viewport.height}, touch) the canvas always shows and nothing scrolls sideways`, async () => {
    const { page, problems, context } = await freshPage({
      viewport: { width: viewport.width, height: viewport.height },
      hasTouch: true,
      isMobile: true,
    });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= viewport.width, `the page is ${width} px wide`);
    const toolbar = await page.getByRole('toolbar', { name: 'Main toolbar' }).boundingBox();
    assert.ok(toolbar.height < 60, `the toolbar is one row (${toolbar.height} px)`);
    const area = await canvas(page).boundingBox();
    assert.ok(area.width >= viewport.width - 2, `the canvas spans the width (${area.width})`);
    assert.ok(area.height >= viewport.height * 0.35, `the canvas is tall enough (${area.height})`);
    // Share is reachable, behind More on a phone.
    const share = page.getByRole('button', { name: 'Copy a share link' });
    if (!(await share.isVisible())) {
      await page.getByRole('button', { name: 'More controls' }).tap();
    }
    assert.ok(await share.isVisible(), 'Share is reachable');
    if (viewport.name === 'phone') {
      await page.getByRole('button', { name: 'More controls' }).tap();
      // The palette is a drawer: open it, add a cache, and the drawer closes on the canvas.
      const count = await nodes(page).count();
      await page.getByRole('button', { name: 'Components' }).tap();
      await page.getByRole('navigation', { name: 'Palette' }).getByRole('button', { name: 'Cache', exact: true }).tap();
      assert.equal(await nodes(page).count(), count + 1);
      await eventually(
        () => page.getByRole('navigation', { name: 'Palette' }).boundingBox(),
        (box) => box.x + box.width <= 1,
        { what: 'the drawer to close' },
      );
      // A selected node opens the inspector as a sheet; the canvas stays visible above it.
      const sheet = page.getByRole('complementary', { name: 'Inspector' });
      await eventually(() => sheet.boundingBox(), (box) => box.y < viewport.height - 50, { what: 'the sheet' });
      const box = await sheet.boundingBox();
      assert.ok(box.height <= viewport.height * 0.6, `the sheet leaves the canvas visible (${box.height})`);
      await screenshot(page, 'first-hour-phone-inspector');
      await sheet.getByRole('button', { name: 'Done' }).tap();
      await eventually(() => sheet.boundingBox(), (box) => box.y >= viewport.height - 1, { what: 'the sheet to close' });
    }
    await screenshot(page, `first-hour-${viewport.name}`);
    assert.deepEqual(problems(), []);
    await context.close();
  });
}

test('the dock resizes by drag and keyboard and remembers its height; tall windows give it room', async () => {
  const { page, problems, context } = await freshPage({ viewport: { width: 1280, height: 800 } });
  const dock = page.getByRole('region', { name: 'Observability dock' });
  const before = (await dock.boundingBox()).height;
  const handle = page.getByRole('separator', { name: /Dock height/ });
  const edge = await handle.boundingBox();
  await page.mouse.move(edge.x + 200, edge.y + 2);
  await page.mouse.down();
  await page.mouse.move(edge.x + 200, edge.y - 60, { steps: 6 });
  await page.mouse.up();
  const dragged = (await dock.boundingBox()).height;
  assert.ok(dragged > before + 40, `${before} → ${dragged}`);
  await handle.focus();
  await page.keyboard.press('ArrowDown');
  const keyed = (await dock.boundingBox()).height;
  assert.ok(keyed < dragged - 10, `${dragged} → ${keyed}`);
  await page.reload();
  await waitForApp(page);
  const kept = (await page.getByRole('region', { name: 'Observability dock' }).boundingBox()).height;
  assert.ok(Math.abs(kept - keyed) <= 2, `kept ${kept}, was ${keyed}`);
  assert.deepEqual(problems(), []);
  await context.close();
  const tall = await freshPage({ viewport: { width: 1280, height: 1400 } });
  const tallDock = (await tall.page.getByRole('region', { name: 'Observability dock' }).boundingBox()).height;
  assert.ok(tallDock >= 380, `a tall window gives the dock ${tallDock} px`);
  assert.deepEqual(tall.problems(), []);
  await tall.context.close();
});

test('the first view is readable and Fit keeps every node clear of the minimap and the legend', async () => {
  const { page, problems, context } = await freshPage();
  await page.waitForTimeout(300);
  const zoom = Number((await page.locator('.canvas__zoom').innerText()).replace('%', ''));
  assert.ok(zoom >= 90, `the first view opens at ${zoom} %`);
  for (const preset of ['Distributed', 'Horizontal scaling']) {
    await openPreset(page, preset);
    await page.getByRole('button', { name: 'Zoom to fit' }).click();
    await page.waitForTimeout(200);
    const overlays = [await page.locator('.canvas__minimap').boundingBox(), await page.locator('.canvas__legend').boundingBox()]
      .filter(Boolean);
    for (const node of await nodes(page).all()) {
      const box = await node.boundingBox();
      for (const overlay of overlays) {
        const overlaps = box.x < overlay.x + overlay.width && overlay.x < box.x + box.width
          && box.y < overlay.y + overlay.height && overlay.y < box.y + box.height;
        assert.ok(!overlaps, `${preset}: ${await node.getAttribute('data-node-id')} is under an overlay`);
      }
    }
  }
  await screenshot(page, 'first-hour-fit');
  assert.deepEqual(problems(), []);
  await context.close();
});

test('the inspector speaks a student’s words: sections, labels in errors, tiers with cores and price, a pattern form', async () => {
  const { page, problems, context } = await freshPage();
  await openPreset(page, 'Single server');
  await page.locator('[data-node-id="users"]').click();
  const inspector = page.getByRole('complementary', { name: 'Inspector' });
  const sections = await inspector.locator('.inspector__section').allTextContents();
  assert.deepEqual(sections.filter((s) => ['Traffic', 'Capacity', 'Resilience', 'Cost'].includes(s)).slice(0, 2), ['Traffic', 'Resilience']);
  const labels = await inspector.locator('.field__label').allTextContents();
  assert.equal(labels[1], 'Rate', `the first parameter is the rate: ${labels.slice(0, 4)}`);
  // A bad rate names the field by its label, never its JSON name.
  const rate = inspector.getByRole('textbox', { name: 'Rate' });
  await rate.fill('-3');
  await rate.press('Enter');
  const error = inspector.getByRole('alert');
  await error.waitFor();
  assert.match(await error.innerText(), /^Rate: must be at least 0/);
  assert.doesNotMatch(await error.innerText(), /rate_per_second/);
  // The pattern is a form with a preview, not JSON.
  await inspector.getByRole('combobox', { name: 'Pattern' }).selectOption('spike');
  const factor = inspector.getByRole('textbox', { name: 'Pattern · Factor' });
  await factor.waitFor();
  assert.equal(await factor.inputValue(), '3');
  await factor.fill('5');
  await factor.press('Enter');
  await eventually(
    () => inspector.getByRole('img', { name: /Rate over the first/ }).getAttribute('aria-label'),
    (label) => /peak of 375 requests per second/.test(label ?? ''),
    { what: 'the preview to follow the factor' },
  );
  await screenshot(page, 'first-hour-pattern-form');
  // A tier says what it is; two commits of one field are two undo steps.
  await page.locator('[data-node-id="server"]').click();
  const workers = inspector.getByRole('textbox', { name: 'Workers' });
  await workers.fill('3');
  await workers.press('Enter');
  await workers.fill('4');
  await workers.press('Enter');
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  assert.equal(await inspector.getByRole('textbox', { name: 'Workers' }).inputValue(), '3', 'one Undo takes back only the last commit');
  const tier = inspector.getByRole('combobox', { name: 'Tier' });
  const options = await tier.locator('option').allInnerTexts();
  assert.ok(options.every((option) => /cores, \d+ GiB, \$[\d.]+\/h/.test(option)), options.join(' | '));
  // A users node shows no CPU, queue or instances.
  await page.locator('[data-node-id="users"]').click();
  const live = await inspector.locator('.inspector__live').innerText();
  assert.doesNotMatch(live, /CPU|Queue|Instances/);
  assert.deepEqual(problems(), []);
  await context.close();
});

test('New design empties the canvas (one Undo away); nodes added from the keyboard run left to right', async () => {
  const { page, problems, context } = await freshPage();
  await openPreset(page, 'Distributed');
  await page.getByRole('button', { name: 'New design' }).click();
  assert.equal(await nodes(page).count(), 0);
  await page.keyboard.press('Escape');
  await page.getByRole('complementary', { name: 'Inspector' }).getByRole('textbox', { name: 'Design name' }).waitFor();
  assert.equal(await page.getByRole('textbox', { name: 'Design name' }).inputValue(), 'Untitled design');
  const palette = page.getByRole('navigation', { name: 'Palette' });
  for (const name of ['Users', 'Server', 'Database']) {
    await palette.getByRole('button', { name, exact: true }).focus();
    await page.keyboard.press('Enter');
  }
  const boxes = await Promise.all((await nodes(page).all()).map((node) => node.boundingBox()));
  const sorted = [...boxes].sort((a, b) => a.x - b.x);
  assert.equal(boxes.length, 3);
  for (let index = 1; index < sorted.length; index += 1) {
    assert.ok(sorted[index].x >= sorted[index - 1].x + sorted[index - 1].width, 'left to right, not stacked');
    assert.ok(Math.abs(sorted[index].y - sorted[0].y) < 2, 'on one row');
  }
  await screenshot(page, 'first-hour-new-design');
  await canvas(page).click({ position: { x: 5, y: 300 } });
  for (let step = 0; step < 4; step += 1) await page.keyboard.press('Control+z');
  assert.ok((await nodes(page).count()) > 3, 'Undo brings the previous design back');
  assert.deepEqual(problems(), []);
  await context.close();
});

test('keyboard and screen reader: the ? sheet holds the focus, link names follow renames, a nudge keeps the focus, skip links', async () => {
  const { page, problems, context } = await freshPage();
  // Skip links: the first two Tab stops of the page lead to the palette and the canvas.
  await page.keyboard.press('Tab');
  const skipPalette = page.getByRole('button', { name: 'Skip to the palette' });
  assert.ok(await skipPalette.evaluate((element) => element === document.activeElement), 'the first Tab stop skips to the palette');
  assert.ok((await skipPalette.boundingBox()).x >= 0, 'it shows while focused');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('button', { name: 'Skip to the canvas' });
  assert.ok(await skip.evaluate((element) => element === document.activeElement), 'the second is the canvas skip link');
  await skip.press('Enter');
  assert.ok(await page.evaluate(() => !!document.activeElement?.closest('main.canvas')), 'the focus is on the canvas');
  await openPreset(page, 'Horizontal scaling');
  // The sheet takes the focus and keeps Tab inside; Escape gives it back.
  const server = page.locator('[data-node-id="server-2"]');
  await server.focus();
  await page.keyboard.press('?');
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await sheet.waitFor();
  const inside = () => page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'));
  assert.ok(await inside(), 'the sheet has the focus');
  for (let step = 0; step < 3; step += 1) {
    await page.keyboard.press('Tab');
    assert.ok(await inside(), 'Tab stays inside');
  }
  const countBefore = await nodes(page).count();
  await page.keyboard.press('Delete');
  assert.equal(await nodes(page).count(), countBefore, 'keys behind the sheet do nothing');
  await page.keyboard.press('Escape');
  await sheet.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-node-id')), 'server-2');
  // Link names follow a rename.
  await page.locator('[data-node-id="lb"]').click();
  const name = page.getByRole('textbox', { name: 'Node name' });
  await name.fill('Edge proxy of the web tier');
  await name.press('Enter');
  assert.equal(await page.locator('g[aria-label="Link from Edge proxy of the web tier to Server 1"]').count(), 1);
  // A long name is cut in the box and shown whole above it on hover, clear of the ports.
  const lb = page.locator('[data-node-id="lb"]');
  await lb.hover();
  const shown = await lb.evaluate((element) => getComputedStyle(element, '::after').content);
  assert.equal(shown, '"Edge proxy of the web tier"');
  // Nudge the selected load balancer while another node has the focus: the focus stays there.
  await server.focus();
  for (let step = 0; step < 12; step += 1) await page.keyboard.press('Shift+ArrowRight');
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-node-id')), 'server-2');
  assert.deepEqual(problems(), []);
  await context.close();
});
