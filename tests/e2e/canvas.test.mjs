// The canvas beyond single-pointer editing, on the release build: the minimap moves the view, two touch
// pointers pinch and pan, Space+drag pans even over a node, nodes are renamed in place, the design
// downloads as a PNG, and the colour scheme survives a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useServerAndBrowser, openRecordedPage, waitForApp, screenshot, centreOf } from './support.mjs';

const app = useServerAndBrowser();

const canvasOf = (page) => page.getByRole('main', { name: 'Design canvas' });
const nodes = (page) => canvasOf(page).locator('[data-node-id]');

async function freshPage(options) {
  const recorded = await openRecordedPage(app.browser, options);
  await recorded.page.goto(app.server.url);
  await waitForApp(recorded.page);
  return recorded;
}

/** The viewport's pan and zoom, read from the one CSS transform the canvas applies. */
async function viewOf(page) {
  const style = await page.locator('.canvas__viewport').getAttribute('style');
  const [, x, y, zoom] = style.match(/translate\(([-\d.e]+)px, ([-\d.e]+)px\) scale\(([-\d.e]+)\)/).map(Number);
  return { x, y, zoom };
}

/** Where every node is in the document (its box's left/top on the canvas, not on the screen). */
const nodePlaces = (page) => nodes(page).evaluateAll((boxes) => boxes.map((box) => `${box.style.left},${box.style.top}`));

/** Real touch input through the DevTools protocol: each frame lists the fingers down, the last none. */
async function touchScript(page, frames) {
  const client = await page.context().newCDPSession(page);
  let down = 0;
  for (const fingers of frames) {
    const type = fingers.length > down ? 'touchStart' : fingers.length < down ? 'touchEnd' : 'touchMove';
    down = fingers.length;
    await client.send('Input.dispatchTouchEvent', {
      type,
      touchPoints: fingers.map(({ x, y }, id) => ({ x, y, id })),
    });
  }
  await client.detach();
}

test('the minimap shows every node and link, and pressing or dragging on it moves the view', async () => {
  const { page, problems } = await freshPage();
  // The first preset: users, web server, database and monitoring.
  const minimap = page.getByRole('img', { name: /^Minimap of 4 nodes/ });
  await minimap.waitFor();
  assert.equal(await minimap.locator('rect.minimap__node').count(), await nodes(page).count());
  assert.equal(await minimap.locator('line.minimap__link').count(), 2);
  const before = await viewOf(page);
  const usersBefore = await centreOf(page.locator('[data-node-id].node--users'));
  // Press near the minimap's top-left corner: the view centres on a point up and left of the design,
  // so the design moves right and down on the screen.
  const area = await minimap.boundingBox();
  await page.mouse.click(area.x + 12, area.y + 12);
  const after = await viewOf(page);
  assert.equal(after.zoom, before.zoom, 'the minimap pans without zooming');
  const usersAfter = await centreOf(page.locator('[data-node-id].node--users'));
  assert.ok(usersAfter.x > usersBefore.x + 50 && usersAfter.y > usersBefore.y + 50, JSON.stringify({ usersBefore, usersAfter }));
  // Dragging across it keeps moving the view, and never starts a gesture on the canvas underneath.
  await page.mouse.move(area.x + 12, area.y + 12);
  await page.mouse.down();
  await page.mouse.move(area.x + area.width - 12, area.y + area.height - 12, { steps: 6 });
  await page.mouse.up();
  const dragged = await viewOf(page);
  assert.ok(dragged.x < after.x && dragged.y < after.y, JSON.stringify({ after, dragged }));
  assert.equal(await page.getByRole('button', { name: 'Undo' }).isDisabled(), true, 'view changes are not undo steps');
  await screenshot(page, 'canvas-minimap');
  assert.deepEqual(problems(), []);
});

test('two touch pointers pinch-zoom and pan, even when the first lands on a node', async () => {
  // Tall enough that the fingers' 300 px spread stays on the canvas, above the run's timeline.
  const { page, problems } = await freshPage({ hasTouch: true, isMobile: false, viewport: { width: 1280, height: 1000 } });
  const places = await nodePlaces(page);
  const before = await viewOf(page);
  const server = await centreOf(page.locator('[data-node-id].node--server'));
  const other = { x: server.x, y: server.y + 150 };
  // Fingers spread from 150 px to 300 px apart around a fixed midpoint: the zoom doubles.
  const spread = (distance) => {
    const middle = { x: (server.x + other.x) / 2, y: (server.y + other.y) / 2 };
    return [
      { x: middle.x, y: middle.y - distance / 2 },
      { x: middle.x, y: middle.y + distance / 2 },
    ];
  };
  await touchScript(page, [[server], [server, other], ...[170, 200, 230, 260, 300].map(spread), []]);
  const pinched = await viewOf(page);
  assert.ok(Math.abs(pinched.zoom / before.zoom - 2) < 0.05, JSON.stringify({ before, pinched }));
  assert.deepEqual(await nodePlaces(page), places, 'a pinch moves no node');
  // Both fingers moving together pan by their displacement, without zooming.
  const start = [{ x: server.x - 60, y: server.y }, { x: server.x + 60, y: server.y }];
  const moved = (by) => start.map(({ x, y }) => ({ x: x + by, y: y + by / 2 }));
  await touchScript(page, [[start[0]], start, moved(20), moved(40), moved(80), []]);
  const panned = await viewOf(page);
  assert.ok(Math.abs(panned.zoom - pinched.zoom) < 1e-9);
  assert.ok(Math.abs(panned.x - pinched.x - 80) < 2 && Math.abs(panned.y - pinched.y - 40) < 2, JSON.stringify({ pinched, panned }));
  assert.deepEqual(await nodePlaces(page), places);
  assert.equal(await page.getByRole('button', { name: 'Undo' }).isDisabled(), true);
  await screenshot(page, 'canvas-pinched');
  assert.deepEqual(problems(), []);
});

test('Space+drag pans the view even when the drag starts on a node', async () => {
  const { page, problems } = await freshPage();
  const places = await nodePlaces(page);
  const before = await viewOf(page);
  const from = await centreOf(page.locator('[data-node-id].node--server'));
  await page.mouse.move(from.x, from.y);
  await page.keyboard.down(' ');
  assert.ok(await canvasOf(page).evaluate((canvas) => canvas.classList.contains('canvas--space-pan')));
  await page.mouse.down();
  await page.mouse.move(from.x + 90, from.y - 30, { steps: 6 });
  await page.mouse.up();
  await page.keyboard.up(' ');
  const after = await viewOf(page);
  assert.ok(Math.abs(after.x - before.x - 90) < 1 && Math.abs(after.y - before.y + 30) < 1, JSON.stringify({ before, after }));
  assert.deepEqual(await nodePlaces(page), places, 'the node stayed where it was in the design');
  assert.equal(await page.getByRole('button', { name: 'Undo' }).isDisabled(), true);
  // Without Space the same drag moves the node again.
  await page.mouse.move(from.x + 90, from.y - 30);
  await page.mouse.down();
  await page.mouse.move(from.x + 90, from.y + 50, { steps: 4 });
  await page.mouse.up();
  assert.notDeepEqual(await nodePlaces(page), places);
  assert.deepEqual(problems(), []);
});

test('a node is renamed in place: double-click or F2, Enter commits, Escape cancels, a refused name shows why', async () => {
  const { page, problems } = await freshPage();
  const server = page.locator('[data-node-id].node--server');
  const field = page.getByRole('textbox', { name: 'Rename node' });
  await server.dblclick();
  await field.waitFor();
  assert.ok(await field.evaluate((input) => input === document.activeElement && input.selectionEnd - input.selectionStart === input.value.length));
  await page.keyboard.type('Front <b>door</b>');
  await page.keyboard.press('Enter');
  assert.equal(await field.count(), 0);
  assert.match(await server.getAttribute('aria-label'), /^Server Front <b>door<\/b>/);
  assert.equal(await server.locator('b').count(), 0, 'a name is text, never markup');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.nodeId), await server.getAttribute('data-node-id'));
  // F2 on the focused node, a name the editor refuses: the field stays, with the reason under it.
  await page.keyboard.press('F2');
  await field.waitFor();
  await page.keyboard.type('x'.repeat(101));
  await page.keyboard.press('Enter');
  await page.getByRole('alert').filter({ hasText: 'at most 100 characters' }).waitFor();
  assert.equal(await field.count(), 1);
  await screenshot(page, 'canvas-rename-refused');
  await page.keyboard.press('Escape');
  assert.equal(await field.count(), 0);
  assert.match(await server.getAttribute('aria-label'), /^Server Front <b>door<\/b>/);
  // One rename, one undo step.
  await page.getByRole('button', { name: 'Undo' }).click();
  assert.match(await server.getAttribute('aria-label'), /^Server Web server/);
  assert.deepEqual(problems(), []);
});

test('PNG export downloads the design drawn at twice the SVG size, with title, icons and live figures', async () => {
  const { page, problems } = await freshPage();
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'arch-explorer-png-'));
  const save = async (name) => {
    await page.getByLabel('Picture export').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
    const file = path.join(folder, download.suggestedFilename());
    await download.saveAs(file);
    return file;
  };
  const svg = fs.readFileSync(await save('Export an SVG picture'), 'utf8');
  // A picture for slides: the design's title, each node's icon, and the run's figures at that instant.
  const nodeCount = await page.locator('[data-node-id]').count();
  assert.match(svg, /<text class="heading"[^>]*>[^<]+<\/text>/);
  assert.equal((svg.match(/<g class="icon"/g) ?? []).length, nodeCount);
  assert.match(svg, /Live figures at \d+:\d\d of simulated time/);
  assert.equal((svg.match(/<text class="node__figures"/g) ?? []).length, nodeCount);
  const png = await save('Export a PNG picture');
  assert.match(path.basename(png), /\.png$/);
  const bytes = fs.readFileSync(png);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
  const [, width, height] = svg.match(/width="([\d.]+)" height="([\d.]+)"/).map(Number);
  // IHDR: width and height are the first fields of the first chunk.
  assert.equal(bytes.readUInt32BE(16), Math.ceil(width * 2));
  assert.equal(bytes.readUInt32BE(20), Math.ceil(height * 2));
  assert.deepEqual(problems(), []);
});

test('the colour scheme picked in the toolbar survives a reload, and System forgets the choice', async () => {
  const { page, problems } = await freshPage();
  const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
  const toggle = page.getByRole('button', { name: /^Theme: / });
  assert.equal(await theme(), 'system');
  await toggle.click();
  await toggle.click();
  assert.equal(await theme(), 'dark');
  await page.reload();
  await waitForApp(page);
  assert.equal(await theme(), 'dark');
  assert.equal(await toggle.getAttribute('aria-label'), 'Theme: dark (click to change)');
  await screenshot(page, 'canvas-dark-after-reload');
  await toggle.click();
  assert.equal(await theme(), 'system');
  await page.reload();
  await waitForApp(page);
  assert.equal(await theme(), 'system');
  assert.equal(await page.evaluate(() => localStorage.getItem('arch-explorer:v1:color-scheme')), null);
  assert.deepEqual(problems(), []);
});
