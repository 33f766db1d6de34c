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
  // The challenges' code downloads the first time the menu opens (a split module of the release build).
  await menu.getByRole('listitem').first().waitFor();
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

test('solve "Rush hour" from the keyboard for three stars, and read it on a phone', async () => {
  const { page, problems } = await openRecordedPage(app.browser, { viewport: { width: 1280, height: 900 } });
  await page.goto(app.server.url);
  await waitForApp(page);
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') || document.activeElement?.textContent?.trim() || '');
  const tabTo = async (wanted) => {
    for (let presses = 0; presses < 80; presses += 1) {
      if (wanted.test(await focused())) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`could not Tab to ${wanted}`);
  };
  await page.getByRole('button', { name: 'Challenges' }).focus();
  await page.keyboard.press('Enter');
  // Once the menu's code has arrived the dialog opens with the keyboard on its first choice.
  await eventually(() => page.evaluate(() => Boolean(document.activeElement?.closest('[role="dialog"]'))), (inside) => inside, { what: 'the keyboard in the menu' });
  await tabTo(/Rush hour/);
  await page.keyboard.press('Enter');
  await tabTo(/^Start the challenge$/);
  await page.keyboard.press('Enter');
  // The palette offers only what the challenge allows.
  const palette = page.getByRole('navigation', { name: 'Palette' });
  assert.equal(await palette.getByRole('button', { name: 'Cache', exact: true }).isVisible(), false);
  assert.equal(await palette.getByRole('button', { name: 'Server', exact: true }).isVisible(), true);
  // The traffic and the database are the challenge's: locked, and said so.
  assert.match(await page.locator('[data-node-id="users"]').getAttribute('aria-label'), /locked by the challenge/);
  assert.doesNotMatch(await page.locator('[data-node-id="server"]').getAttribute('aria-label'), /locked/);
  // Select the web server and make it medium: the small one falls over at rush hour.
  await tabTo(/^Server Web server/);
  await page.keyboard.press('Enter');
  await tabTo(/^Tier$/);
  await page.keyboard.press('ArrowDown');
  const tier = page.getByRole('complementary').getByRole('combobox', { name: 'Tier' });
  await eventually(() => tier.inputValue(), (value) => value === 'medium', { what: 'the medium tier' });
  // Start the run again with the fixed design, then let it run to its grade.
  await page.getByRole('button', { name: 'Reset' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('100');
  const card = page.getByRole('complementary', { name: 'Challenge' });
  await eventually(() => card.innerText(), (text) => /\d+ \/ 100 points/.test(text), { what: 'the debrief', timeout: 120_000 });
  const text = await card.innerText();
  assert.match(text, /Passed on all 3 grading seeds/);
  assert.match(text, /★★★ 100 \/ 100 points/);
  await screenshot(page, 'challenges-three-stars');
  // The stars are remembered in the menu.
  await page.getByRole('button', { name: 'Challenges' }).click();
  const first = page.getByRole('dialog', { name: 'Challenges' }).getByRole('listitem').first();
  assert.match(await first.innerText(), /★★★/);
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'challenges-menu-phone');
  await page.keyboard.press('Escape');
  await screenshot(page, 'challenges-debrief-phone');
  assert.deepEqual(problems(), []);
});

test('when the challenges cannot be downloaded, the message says so, Close puts it away, and opening them again retries', async () => {
  const { page, problems } = await openRecordedPage(app.browser, { viewport: { width: 1280, height: 900 } });
  // The challenges' code is a module of its own, fetched the first time the menu opens: cut it off.
  let offline = true;
  await page.route(/\/split_challenges_view\.wasm$/, (route) => (offline ? route.abort('internetdisconnected') : route.continue()));
  await page.goto(app.server.url);
  await waitForApp(page);
  await page.getByRole('button', { name: 'Challenges' }).click();
  const failure = page.getByRole('alert').filter({ hasText: 'could not be downloaded' });
  await failure.waitFor();
  assert.match(await failure.innerText(), /network may be down.*Your design is safe/s);
  await screenshot(page, 'challenges-download-failed');
  await failure.getByRole('button', { name: 'Close' }).click();
  await failure.waitFor({ state: 'detached' });
  // Nothing is left over the page: the canvas is there to work on.
  assert.equal(await page.getByRole('dialog', { name: 'Challenges' }).count(), 0);
  assert.ok((await page.locator('[data-node-id]').count()) > 0, 'the design is on the canvas');
  // Back online, the button asks for the challenges again, and this time they come.
  offline = false;
  await page.getByRole('button', { name: 'Challenges' }).click();
  const menu = page.getByRole('dialog', { name: 'Challenges' });
  await menu.getByRole('listitem').first().waitFor();
  assert.equal(await failure.count(), 0);
  await screenshot(page, 'challenges-download-retried');
  const unexpected = problems().filter((problem) => !/split_challenges_view\.wasm|Failed to fetch|ERR_INTERNET_DISCONNECTED/.test(problem));
  assert.deepEqual(unexpected, []);
});
