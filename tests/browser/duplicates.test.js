// Duplicate logs (issue 12): from the log list's banner to the sets, a set's logs side by side, the
// confirmation, and "no more duplicates"; support choosing an organisation. Every page visited is
// checked with axe (WCAG 2.2 AA).
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const h = require('./helpers');

let server;
let browser;
let page;
h.setUpFile({ server: { env: { CORE_TODAY: '2026-06-01' } } }, (s) => ({ server, browser, page } = s));

const { pathOf } = h;
const COORDINATOR = 'coordinator@northshire.example';
const CORE_BIN = process.env.CORE_BIN || path.join(h.ROOT, 'build', 'core');

test('a coordinator reviews a set of duplicates, keeps one log and deletes the other', async () => {
  await h.signIn(page, COORDINATOR);
  const northshire = (await h.navLink(page, 'Your organisation').getAttribute('href')).split('/').pop();
  // Three complete lettings logs of Northshire; the second repeats the first's tenant code: a set of two.
  execFileSync(CORE_BIN, ['logs', 'generate', '--count', '3', '--organisations', northshire, '--duplicates-every', '2',
    '--database', server.dbUrl], { env: { ...process.env, CORE_ROOT: h.ROOT, CORE_TODAY: '2026-06-01' }, stdio: 'pipe' });

  await h.visit(page, '/lettings-logs');
  const banner = page.locator('.govuk-notification-banner');
  assert.match(await banner.innerText(), /Your organisation has 1 set of duplicate logs\./);
  await h.follow(page, 'Review duplicate logs');
  assert.equal(pathOf(page), '/duplicate-logs');
  assert.equal((await h.tableRows(page)).length, 1);
  await h.navigateBy(page, () => page.getByRole('link', { name: /^Review logs/ }).click());
  assert.match(pathOf(page), /^\/lettings-logs\/\d+\/duplicate-logs$/);
  const kept = pathOf(page).split('/')[2];
  assert.match(await page.locator('h1').innerText(), /These 2 logs are duplicates/);
  const cards = page.locator('.govuk-summary-card');
  assert.equal(await cards.count(), 2);
  // The matching answers as people read them, each with a change link back to this page.
  assert.match(await cards.first().innerText(), /Female/);
  const change = cards.nth(1).getByRole('link', { name: /^Change/ }).first();
  assert.match(await change.getAttribute('href'), new RegExp(`referrer=duplicate_logs&original_log_id=${kept}$`));

  await h.follow(page, 'Keep this log and delete the duplicate');
  assert.equal(pathOf(page), `/lettings-logs/${kept}/delete-duplicates`);
  assert.match(await page.locator('h1').innerText(), /Are you sure you want to delete this duplicate log\?/);
  assert.match(await page.locator('main').innerText(), new RegExp(`Log ${kept} will be kept\\.`));
  await h.submit(page, 'Delete this log');
  assert.equal(pathOf(page), `/lettings-logs/${kept}/duplicate-logs`);
  assert.match(await h.successText(page), /1 duplicate log has been deleted\./);
  assert.match(await page.locator('h1').innerText(), new RegExp(`Log ${kept} has no duplicates`));

  await h.visit(page, '/lettings-logs');
  assert.equal(await page.locator('.govuk-notification-banner').count(), 0);
  await h.follow(page, `Log ${kept}`);
});

test('support choose the organisation whose duplicates they review', async () => {
  await h.signIn(page, 'support@example.gov.uk');
  await h.visit(page, '/duplicate-logs');
  assert.equal(await page.locator('table.govuk-table').count(), 0);
  await h.visit(page, '/duplicate-logs?organisation=999999');
  assert.equal(await page.locator('table.govuk-table').count(), 0);
});
