// Bulk upload in the browser (issue 13): Riverside's coordinator downloads nothing by hand, uploads
// a generated 2026 lettings template file, watches the check's progress (JavaScript on: the page
// loads the results by itself), reads the results, creates the logs and finds them in the list; then
// uploads their own spreadsheet and matches its columns and answers. Every page reached is checked
// with axe (WCAG 2.2 AA), and the results page also without JavaScript (its "refresh" link).
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const h = require('./helpers');

let server;
let browser;
let page;
h.setUpFile({ server: { env: { CORE_TODAY: '2026-12-01' } } }, (s) => ({ server, browser, page } = s));

const COORDINATOR = 'coordinator@riverside.example';
const CORE_BIN = process.env.CORE_BIN || path.join(h.ROOT, 'build', 'core');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'core-bulk-'));

// A template file of `rows` rows for Riverside (every 10th with errors when errorsEvery is 10).
async function templateFile(rows, errorsEvery) {
  await h.signIn(page, COORDINATOR);
  const org = (await h.navLink(page, 'Your organisation').getAttribute('href')).split('/').pop();
  const out = path.join(scratch, `riverside-${rows}-${errorsEvery}.csv`);
  execFileSync(CORE_BIN, ['bulk-upload', 'generate', '--type', 'lettings', '--year', '2026', '--rows', String(rows),
    '--errors-every', String(errorsEvery), '--organisation', org, '--email', 'provider@riverside.example', '--out', out],
  { env: { ...process.env, CORE_ROOT: h.ROOT }, stdio: 'pipe' });
  return out;
}

test('a template file: uploaded, checked while the page waits, its logs created', async () => {
  const file = await templateFile(20, 10);  // rows 18 and 28 have errors (an age, a sex), neither blocks
  await h.visit(page, '/lettings-logs');
  await h.follow(page, 'Upload logs in bulk');
  assert.match(h.pathOf(page), /bulk-uploads$/);
  await h.navigateBy(page, () => page.getByRole('button', { name: 'Upload logs in bulk', exact: true }).click());
  assert.match(h.pathOf(page), /prepare-your-file$/);
  await h.checkA11y(page);
  await h.navigateBy(page, () => page.getByRole('button', { name: 'Continue', exact: true }).click());
  await page.setInputFiles('#file', file);
  // The check runs on the server's worker; the page polls and shows the results when it is done.
  await Promise.all([page.waitForURL(/bulk-upload-results\/\d+$/), page.getByRole('button', { name: 'Upload', exact: true }).click()]);
  await page.waitForSelector('#rows-read', { timeout: 30000 });
  await h.settle(page);
  await h.checkA11y(page);
  assert.equal((await page.locator('#rows-read').textContent()).trim(), '20');
  assert.equal((await page.locator('#logs-with-errors').textContent()).trim(), '2');
  assert.equal(await page.locator('.govuk-summary-card').count(), 2, 'one card per row with errors');
  const results = page.url();
  // Without JavaScript the same page reads alike.
  const nojs = await h.launchBrowser({ javaScriptEnabled: false });
  try {
    await nojs.addCookies(await page.context().cookies());
    const p2 = h.bindPage(await h.firstPage(nojs), server);
    await h.visit(p2, new URL(results).pathname);
    assert.equal((await p2.locator('#rows-read').textContent()).trim(), '20');
  } finally {
    await nojs.closeAll();
  }
  // Create the logs now, and fix the rest in the service.
  await page.getByLabel('Create these logs now and fix the errors in the service').check();
  await h.submit(page, 'Continue');
  for (let i = 0; i < 100 && !(await page.getByText('20 logs created').count()); i += 1) {
    await page.waitForTimeout(200);
    await page.reload();
  }
  await h.settle(page);
  await h.checkA11y(page);
  assert.ok(await page.getByText('20 logs created').count(), 'the logs are created');
  await h.follow(page, 'See the logs from this upload');
  assert.ok(await page.getByText('20 logs found').count());
});

test('their own spreadsheet: columns and answers matched, then checked on their own cells', async () => {
  await h.signIn(page, COORDINATOR);
  const file = path.join(scratch, 'ours.csv');
  fs.writeFileSync(file, 'Tenant code,Tenancy start date,Lead tenant age,Lead tenant sex\r\nOWN1,01/05/2026,34,Female\r\nOWN2,02/06/2026,41,Male\r\n');
  await h.visit(page, '/lettings-logs/bulk-upload-logs/prepare-your-file?year=2026');
  await h.follow(page, 'upload your own spreadsheet');
  await page.setInputFiles('#file', file);
  await h.submit(page, 'Upload');
  assert.match(h.pathOf(page), /bulk-upload-mapping\/\d+$/);
  assert.equal(await page.locator('#column-0').inputValue(), 'tenancycode');
  assert.equal(await page.locator('#column-3').inputValue(), 'sexrab1');
  await h.submit(page, 'Save and continue');
  assert.match(h.pathOf(page), /values$/);
  assert.equal(await page.locator('select[name="value_3_0"]').inputValue(), 'F');
  await h.submit(page, 'Save and check the file');
  await page.waitForSelector('#rows-read', { timeout: 30000 });
  await h.settle(page);
  await h.checkA11y(page);
  assert.equal((await page.locator('#rows-read').textContent()).trim(), '2');
  await h.visit(page, '/lettings-logs/bulk-uploads');
  assert.ok(await page.getByRole('link', { name: 'ours.csv' }).count());
});

test('a large file: the progress shows, then the results replace it without a page reload', async () => {
  const file = await templateFile(3000, 0);
  await h.visit(page, '/lettings-logs/bulk-upload-logs/upload-your-file?year=2026');
  await page.setInputFiles('#file', file);
  await Promise.all([page.waitForURL(/bulk-upload-results\/\d+$/), page.getByRole('button', { name: 'Upload', exact: true }).click()]);
  await h.settle(page);
  assert.ok(await page.locator('[data-bulk-progress]').count(), 'the check is still running when the page loads');
  await h.checkA11y(page);
  let navigations = 0;
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations += 1; });
  await page.waitForSelector('#rows-read', { timeout: 60000 });
  assert.equal(navigations, 0, 'the results came without a page reload');
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.tagName), 'H1', 'focus moves to the new heading');
  assert.equal((await page.locator('#rows-read').textContent()).trim(), '3000');
  await h.checkA11y(page);
});
