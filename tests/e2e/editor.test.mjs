// The canvas editor as a user drives it, on the release build: drag from the palette, connect ports,
// undo/redo, refused imports, share links (good and damaged), autosave across a reload, a keyboard-only
// build, touch, and an axe-core accessibility check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { useServerAndBrowser, openRecordedPage, waitForApp, screenshot, centreOf, drag } from './support.mjs';

const require = createRequire(import.meta.url);

const app = useServerAndBrowser();

/** Node boxes on the canvas, by their accessible names ("Server Web server, healthy"). */
const nodes = (page) => page.getByRole('main', { name: 'Design canvas' }).locator('[data-node-id]');
const links = (page) => page.getByRole('main', { name: 'Design canvas' }).locator('g.link');

async function freshPage(options) {
  const recorded = await openRecordedPage(app.browser, options);
  await recorded.page.goto(app.server.url);
  await waitForApp(recorded.page);
  return recorded;
}

/** Empties the canvas with the keyboard (select all, delete). */
async function clearCanvas(page) {
  await page.getByRole('main', { name: 'Design canvas' }).click({ position: { x: 20, y: 20 } });
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  assert.equal(await nodes(page).count(), 0);
}

test('drag from the palette, connect users → load balancer → server, undo and redo', async () => {
  const { page, problems, context } = await freshPage();
  await clearCanvas(page);
  const canvas = page.getByRole('main', { name: 'Design canvas' });
  const area = await canvas.boundingBox();
  const palette = page.getByRole('navigation', { name: 'Palette' });
  const drops = [
    ['Users', { x: area.x + 120, y: area.y + 200 }],
    ['Load balancer', { x: area.x + 380, y: area.y + 200 }],
    ['Server', { x: area.x + 640, y: area.y + 200 }],
  ];
  for (const [name, at] of drops) {
    await drag(page, await centreOf(palette.getByRole('button', { name, exact: true })), at);
  }
  assert.equal(await nodes(page).count(), 3);
  const node = (kind) => page.locator(`[data-node-id].node--${kind}`);
  // Connect by dragging from an output port to the next node.
  await drag(page, await centreOf(node('users').locator('.port--out')), await centreOf(node('load_balancer')));
  await drag(page, await centreOf(node('load_balancer').locator('.port--out')), await centreOf(node('server')));
  assert.equal(await links(page).count(), 2);
  // A link the model forbids is refused while dragging (server → users), with the reason shown.
  const serverPort = await centreOf(node('server').locator('.port--out'));
  const usersBox = await centreOf(node('users'));
  await page.mouse.move(serverPort.x, serverPort.y);
  await page.mouse.down();
  await page.mouse.move(usersBox.x + 5, usersBox.y, { steps: 8 });
  const refusal = page.locator('.canvas__refusal');
  await refusal.waitFor({ state: 'visible' });
  assert.ok((await refusal.innerText()).length > 10, 'the refusal explains itself');
  await screenshot(page, 'editor-refused-link');
  await page.mouse.up();
  assert.equal(await links(page).count(), 2, 'the refused link was not made');
  await screenshot(page, 'editor-built');
  // Undo the last link, then the last node; redo both.
  await page.keyboard.press('Control+z');
  assert.equal(await links(page).count(), 1);
  await page.keyboard.press('Control+z');
  assert.equal(await links(page).count(), 0);
  await page.keyboard.press('Control+Shift+z');
  await page.keyboard.press('Control+y');
  assert.equal(await links(page).count(), 2);
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  assert.equal(await links(page).count(), 1);
  await page.getByRole('button', { name: 'Redo', exact: true }).click();
  assert.equal(await links(page).count(), 2);
  assert.deepEqual(problems(), []);
  await context.close();
});

test('moving a node is one undo step, and a bad parameter is refused beside its field', async () => {
  const { page, problems, context } = await freshPage();
  const server = page.locator('[data-node-id].node--server').first();
  const before = await server.boundingBox();
  const start = await centreOf(server);
  await drag(page, start, { x: start.x + 40, y: start.y + 120 });
  const moved = await server.boundingBox();
  assert.ok(moved.y > before.y + 50, 'the node followed the pointer');
  await page.keyboard.press('Control+z');
  const back = await server.boundingBox();
  assert.ok(Math.abs(back.y - before.y) < 1 && Math.abs(back.x - before.x) < 1, 'one undo takes the whole drag back');
  await server.click();
  const workers = page.getByRole('textbox', { name: 'Workers' });
  const original = await workers.inputValue();
  await workers.fill('-3');
  await workers.press('Enter');
  const message = page.getByRole('complementary', { name: 'Inspector' }).getByRole('alert');
  await message.waitFor();
  assert.match(await message.innerText(), /workers/i);
  await screenshot(page, 'editor-bad-parameter');
  // The document kept the old value: undo has nothing about workers, and a re-render shows it.
  await page.keyboard.press('Escape');
  await server.click();
  assert.equal(await page.getByRole('textbox', { name: 'Workers' }).inputValue(), original);
  assert.deepEqual(problems(), []);
  await context.close();
});

test('a bad import is refused whole with a typed message and the design is untouched', async () => {
  const { page, problems, context } = await freshPage();
  const countBefore = await nodes(page).count();
  const file = path.join(os.tmpdir(), `bad-design-${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify({ version: 2, nodes: [{ id: 'a', kind: 'teapot' }], links: [] }));
  await page.locator('[data-input="design-file"]').setInputFiles(file);
  const banner = page.locator('.canvas__banner--error');
  await banner.waitFor();
  const text = await banner.innerText();
  assert.match(text, /not imported/);
  assert.match(text, /nodes\[0\]/, 'the message names where the problem is');
  assert.equal(await nodes(page).count(), countBefore);
  await screenshot(page, 'editor-bad-import');
  assert.deepEqual(problems(), []);
  await context.close();
});

test('a share link round-trips the design, and a damaged link is refused with a clear error', async () => {
  const { page, problems, context } = await freshPage();
  await page.getByRole('combobox', { name: 'Open a preset' }).selectOption({ index: 3 });
  const count = await nodes(page).count();
  assert.ok(count >= 4, 'the horizontal-scaling preset has several nodes');
  await page.getByRole('button', { name: 'Copy a share link' }).click();
  await page.waitForFunction(() => location.hash.startsWith('#d='));
  const link = await page.evaluate(() => location.href);
  const other = await openRecordedPage(app.browser);
  await other.page.goto(link);
  await waitForApp(other.page);
  assert.equal(await nodes(other.page).count(), count);
  assert.deepEqual(other.problems(), []);
  await other.context.close();
  // Damage one character in the middle of the data.
  const damaged = await openRecordedPage(app.browser);
  const hash = link.slice(link.indexOf('#'));
  const middle = Math.floor(hash.length / 2);
  const flipped = hash[middle] === 'A' ? 'B' : 'A';
  await damaged.page.goto(`${app.server.url}${hash.slice(0, middle)}${flipped}${hash.slice(middle + 1)}`);
  await waitForApp(damaged.page);
  const banner = damaged.page.locator('.canvas__banner--error');
  await banner.waitFor();
  assert.match(await banner.innerText(), /shared link cannot be opened/);
  await screenshot(damaged.page, 'editor-damaged-link');
  assert.deepEqual(damaged.problems(), []);
  await damaged.context.close();
  assert.deepEqual(problems(), []);
  await context.close();
});

test('edits after a share survive a reload, and a shared link opens one Undo away from local work', async () => {
  const { page, problems, context } = await freshPage();
  // Local work: the single-server preset plus a cache, autosaved.
  await page.getByRole('combobox', { name: 'Open a preset' }).selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Cache', exact: true }).press('Enter');
  const localCount = await nodes(page).count();
  await page.waitForTimeout(1500); // past the autosave debounce
  // Share it, then edit again: the link must leave the address bar, and a reload keeps the edit.
  await page.getByRole('button', { name: 'Copy a share link' }).click();
  await page.waitForFunction(() => location.hash.startsWith('#d='));
  await page.getByRole('button', { name: 'Server', exact: true }).press('Enter');
  await page.waitForFunction(() => location.hash === '');
  await page.waitForTimeout(1500);
  await page.reload();
  await waitForApp(page);
  assert.equal(await nodes(page).count(), localCount + 1, 'the edit made after sharing survived the reload');

  // A link to another design (the horizontal-scaling preset), opened in the same browser.
  const other = await freshPage();
  await other.page.getByRole('combobox', { name: 'Open a preset' }).selectOption({ index: 3 });
  const sharedCount = await nodes(other.page).count();
  await other.page.getByRole('button', { name: 'Copy a share link' }).click();
  await other.page.waitForFunction(() => location.hash.startsWith('#d='));
  const link = await other.page.evaluate(() => location.href);
  await other.context.close();

  await page.goto(link);
  await waitForApp(page);
  assert.equal(await nodes(page).count(), sharedCount);
  assert.equal(await page.evaluate(() => location.hash), '', 'the link is cleared once the design is open');
  assert.match(await page.locator('.canvas__banner').innerText(), /Undo brings back/);
  await screenshot(page, 'editor-shared-link-opened');
  // Edit the shared design, reload: the edit is there (the link did not win over the autosave).
  await page.getByRole('button', { name: 'Cache', exact: true }).press('Enter');
  await page.waitForTimeout(1500);
  await page.reload();
  await waitForApp(page);
  assert.equal(await nodes(page).count(), sharedCount + 1, 'edits after opening a link survive a reload');
  // Opening the link again puts it on top of that work, and Undo brings the work back.
  await page.goto(link);
  await waitForApp(page);
  assert.equal(await nodes(page).count(), sharedCount);
  await page.getByRole('main', { name: 'Design canvas' }).click({ position: { x: 20, y: 20 } });
  await page.keyboard.press('Control+z');
  assert.equal(await nodes(page).count(), sharedCount + 1, 'Undo brings back the work the link replaced');
  assert.deepEqual(problems(), []);
  await context.close();
});

test('reload restores the autosave', async () => {
  const { page, problems, context } = await freshPage();
  await page.getByRole('button', { name: 'Cache', exact: true }).press('Enter');
  const count = await nodes(page).count();
  await page.getByRole('textbox', { name: 'Node name' }).fill('My hot cache');
  await page.getByRole('textbox', { name: 'Node name' }).press('Enter');
  await page.waitForTimeout(1500); // past the autosave debounce
  await page.reload();
  await waitForApp(page);
  assert.equal(await nodes(page).count(), count);
  assert.equal(await page.getByRole('button', { name: /My hot cache/ }).count(), 1);
  assert.deepEqual(problems(), []);
  await context.close();
});

test('keyboard only: add users, server and database and connect them', async () => {
  const { page, problems, context } = await freshPage();
  await clearCanvas(page);
  const palette = page.getByRole('navigation', { name: 'Palette' });
  // Tab to the palette, then along it; Enter adds at the centre of the view.
  await palette.getByRole('button', { name: 'Users', exact: true }).focus();
  await page.keyboard.press('Enter');
  for (const name of ['Server', 'Database']) {
    while (!(await page.evaluate((wanted) => document.activeElement?.getAttribute('aria-label') === wanted, name))) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
  }
  assert.equal(await nodes(page).count(), 3);
  // Tab to a node, Enter selects it, c starts a link, Tab to the target, Enter finishes it.
  const tabTo = async (prefix) => {
    for (let presses = 0; presses < 60; presses += 1) {
      const label = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
      if (label.startsWith(prefix)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`could not Tab to ${prefix}`);
  };
  await tabTo('Users');
  await page.keyboard.press('Enter');
  await page.keyboard.press('c');
  await tabTo('Server');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await page.keyboard.press('c');
  await tabTo('Database');
  await page.keyboard.press('Enter');
  assert.equal(await links(page).count(), 2);
  // Arrows move the selection.
  await tabTo('Database');
  await page.keyboard.press('Enter');
  const before = await page.locator('[data-node-id].node--database').boundingBox();
  await page.keyboard.press('Shift+ArrowDown');
  const after = await page.locator('[data-node-id].node--database').boundingBox();
  assert.ok(after.y > before.y, 'Shift+ArrowDown moved the node down');
  await page.keyboard.press('?');
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await sheet.waitFor();
  assert.match(await sheet.innerText(), /Undo/);
  await screenshot(page, 'editor-keyboard-sheet');
  await page.keyboard.press('Escape');
  assert.equal(await sheet.count(), 0);
  assert.deepEqual(problems(), []);
  await context.close();
});

test('touch: tapping palette items adds nodes on a tablet viewport', async () => {
  const { page, problems, context } = await freshPage({ viewport: { width: 1024, height: 768 }, hasTouch: true, isMobile: true });
  const before = await nodes(page).count();
  await page.getByRole('button', { name: 'Server', exact: true }).tap();
  assert.equal(await nodes(page).count(), before + 1);
  await screenshot(page, 'editor-tablet');
  assert.deepEqual(problems(), []);
  await context.close();
});

test('axe-core finds no serious or critical accessibility violation', async () => {
  // The page's CSP rightly refuses injected scripts; this context lets the test inject axe.
  const { page, problems, context } = await freshPage({ bypassCSP: true });
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const results = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
  const serious = results.violations.filter((violation) => ['serious', 'critical'].includes(violation.impact));
  assert.deepEqual(
    serious.map((violation) => `${violation.id}: ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`),
    [],
  );
  assert.deepEqual(problems(), []);
  await context.close();
});
