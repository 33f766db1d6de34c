// A class pack end to end on the release build: a teacher makes a pack of one challenge and copies
// its link; a student opens the link, plays the challenge to its grade and downloads a submission;
// the teacher opens the pack, adds the submission file and sees it re-simulated: the ticks, the
// score and no flag; an edited claim is flagged; a damaged pack link is refused with its reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useServerAndBrowser, openRecordedPage, waitForApp, screenshot, eventually } from './support.mjs';

const app = useServerAndBrowser();

async function freshPage(options = {}) {
  const recorded = await openRecordedPage(app.browser, { viewport: { width: 1280, height: 900 }, ...options });
  return recorded;
}

test('make a pack, solve it as a student, submit, and grade the submission', async () => {
  // The teacher makes a pack of the first challenge.
  const teacher = await freshPage({ permissions: ['clipboard-read', 'clipboard-write'] });
  await teacher.page.goto(app.server.url);
  await waitForApp(teacher.page);
  await teacher.page.getByRole('button', { name: 'Challenges' }).click();
  await teacher.page.getByRole('tab', { name: /Teach/ }).click();
  const builder = teacher.page.getByRole('region', { name: 'Make a class pack' });
  await builder.getByLabel('Pack title').fill('Week 3');
  await builder.getByRole('checkbox').first().check();
  await builder.getByLabel('Grading seeds').fill('4, x');
  assert.match(await builder.getByRole('alert').first().innerText(), /whole numbers/);
  await builder.getByLabel('Grading seeds').fill('4, 5');
  await builder.getByRole('button', { name: 'Copy pack link' }).click();
  const link = await builder.getByLabel('Pack link').inputValue();
  assert.match(link, /#p=/);
  await screenshot(teacher.page, 'classroom-pack-made');

  // The student opens the link: the menu shows the pack.
  const student = await freshPage({ acceptDownloads: true });
  await student.page.goto(link.replace(/^https?:\/\/[^/]+/, app.server.url.replace(/\/arch-explorer\/?$/, '')));
  await waitForApp(student.page);
  const menu = student.page.getByRole('dialog', { name: 'Challenges' });
  await eventually(() => menu.innerText(), (text) => /Class pack: Week 3/.test(text), { what: 'the pack in the menu' });
  await menu.getByRole('list').first().getByRole('button').first().click();
  await student.page.getByRole('button', { name: 'Start the challenge' }).click();
  await student.page.getByRole('combobox', { name: 'Speed' }).selectOption('100');
  const card = student.page.getByRole('complementary', { name: 'Challenge' });
  await eventually(() => card.innerText(), (text) => /\d+ \/ 100 points/.test(text), { what: 'the debrief', timeout: 120_000 });
  assert.match(await card.innerText(), /seed 4: .* · seed 5: /);
  await student.page.getByRole('button', { name: 'Challenges' }).click();
  const submit = student.page.getByRole('region', { name: 'Submit' });
  await submit.getByRole('button', { name: 'Download submission' }).click();
  assert.match(await submit.getByRole('alert').innerText(), /write your name/);
  await submit.getByLabel('Your name').fill('Ada Lovelace');
  const [download] = await Promise.all([
    student.page.waitForEvent('download'),
    submit.getByRole('button', { name: 'Download submission' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'ada-lovelace.submission.json');
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'classroom-'));
  const file = path.join(directory, 'ada.submission.json');
  await download.saveAs(file);
  await screenshot(student.page, 'classroom-submit');
  const submission = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(submission.format, 'arch-explorer-submission');
  assert.equal(submission.student, 'Ada Lovelace');

  // A copy with an edited claim.
  const boasting = structuredClone(submission);
  boasting.student = 'Eve';
  boasting.runs[0].claimed_score = submission.runs[0].claimed_score === 100 ? 99 : 100;
  const boastingFile = path.join(directory, 'eve.submission.json');
  fs.writeFileSync(boastingFile, JSON.stringify(boasting));
  const damagedFile = path.join(directory, 'mallory.submission.json');
  fs.writeFileSync(damagedFile, '{"format": "arch-explorer-submission", "version": 1, "student": 3}');

  // The teacher opens the pack here and grades the three files.
  await builder.getByRole('button', { name: 'Open it here' }).click();
  const grading = teacher.page.getByRole('region', { name: 'Grade submissions' });
  await teacher.page.locator('[data-input="submission-files"]').setInputFiles([file, boastingFile, damagedFile]);
  const table = grading.getByRole('table', { name: 'Grades' });
  await eventually(() => table.getByRole('row').count(), (n) => n === 4, { what: 'three graded rows', timeout: 120_000 });
  const rows = await table.getByRole('row').allInnerTexts();
  const ada = rows.find((row) => row.startsWith('Ada Lovelace'));
  const eve = rows.find((row) => row.startsWith('Eve'));
  const mallory = rows.find((row) => /mallory/.test(row));
  assert.ok(ada && eve && mallory, rows.join('\n'));
  assert.match(ada, new RegExp(`\\t${submission.runs[0].claimed_score}\\t`));
  assert.doesNotMatch(ada, /claim differs/);
  assert.match(ada, /[✓✗]/);
  assert.match(eve, /claim differs/);
  assert.match(mallory, /student/);
  await grading.scrollIntoViewIfNeeded();
  await screenshot(teacher.page, 'classroom-graded');
  const [csv] = await Promise.all([
    teacher.page.waitForEvent('download'),
    grading.getByRole('button', { name: 'Export CSV' }).click(),
  ]).catch(() => [null]);
  if (csv) assert.equal(csv.suggestedFilename(), 'week-3-grades.csv');
  assert.deepEqual(teacher.problems(), []);
  assert.deepEqual(student.problems(), []);
});

test('a damaged pack link is refused with its reason and the app opens as usual', async () => {
  const { page, problems } = await freshPage();
  await page.goto(`${app.server.url}#p=AAAAdamaged`);
  await waitForApp(page);
  await eventually(() => page.locator('.canvas__banner').innerText().catch(() => ''), (text) => /class pack link could not be opened/.test(text), { what: 'the banner' });
  assert.equal(await page.getByRole('dialog', { name: 'Challenges' }).count(), 0);
  assert.deepEqual(problems(), []);
});
