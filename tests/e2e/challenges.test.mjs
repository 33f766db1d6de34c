// Challenges on the release build: open the menu, read a briefing, start the challenge, watch the
// tracker say how each objective goes so far, let the run reach its end and be graded by
// re-simulation, and read the debrief (stars, points, a value per objective and per seed, a tip).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openRecordedPage, waitForApp, screenshot, eventually } from './support.mjs';

const app = useServerAndBrowser();

async function openChallenge(page, title) {
  await page.getByRole('button', { name: 'Challenges' }).click();
  const dialog = page.getByRole('dialog', { name: 'Challenges' });
  await dialog.getByRole('button', { name: new RegExp(title) }).click();
  return page.getByRole('dialog', { name: title });
}

test('play the first challenge to its debrief', async () => {
  const { page, problems } = await openRecordedPage(app.browser, { viewport: { width: 1280, height: 900 } });
  await page.goto(app.server.url);
  await waitForApp(page);
  await page.getByRole('button', { name: 'Challenges' }).click();
  const menu = page.getByRole('dialog', { name: 'Challenges' });
  const items = await menu.getByRole('listitem').allInnerTexts();
  assert.ok(items.length >= 1, items.join(' | '));
  await screenshot(page, 'challenges-menu');
  await menu.getByRole('listitem').first().getByRole('button').click();
  const briefing = page.getByRole('dialog');
  await eventually(() => briefing.innerText(), (text) => /Objectives/.test(text) && /What you will learn/.test(text), { what: 'the briefing' });
  await screenshot(page, 'challenges-briefing');
  await briefing.getByRole('button', { name: 'Start the challenge' }).click();
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('10');
  const card = page.getByRole('complementary', { name: 'Challenge' });
  await eventually(() => card.getByRole('list', { name: 'Objectives so far' }).innerText(), (text) => /so far/.test(text), { what: 'the tracker so far', timeout: 60_000 });
  await screenshot(page, 'challenges-tracker');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('100');
  await eventually(() => card.innerText(), (text) => /\d+ \/ 100 points/.test(text), { what: 'the debrief', timeout: 120_000 });
  const text = await card.innerText();
  assert.match(text, /\d+ \/ 100 points/);
  assert.match(text, /seed \d+: /);
  await screenshot(page, 'challenges-debrief');
  assert.deepEqual(problems(), []);
});
