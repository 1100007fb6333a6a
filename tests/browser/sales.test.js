// Sales logs on the web (issue 12), through the same pages as lettings: a coordinator at Northshire
// County Council completes a shared ownership initial purchase with the keyboard only and
// JavaScript on, and a discounted ownership sale (Right to Buy) with JavaScript off, typing the
// answers of the complete-log rule cases (tests/cases/sales-2026/complete-logs.json). Then a number
// error, an interruption (soft validation) screen, the history, the list's filters and search, and
// deleting a log. Every page reached is checked with axe (WCAG 2.2 AA), and the test checks that
// every kind of page and question was among them.
//
// The server's "today" is pinned to 1 June 2026 so the cases' sale date of 1 May 2026 is in the
// open 2026 to 2027 collection year.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');
const completeLogs = require('../cases/sales-2026/complete-logs.json');

let server;
let browser;
let page;
h.setUpFile({ server: { env: { CORE_TODAY: '2026-06-01' } } }, (s) => ({ server, browser, page } = s));

const { pathOf } = h;
const COORDINATOR = 'coordinator@northshire.example';
const d = require('./log_driver')('/sales-logs');
const { seen, completeLog, assertAllCompleted, pressButton, isInterruption, tabToControl } = d;

// The answers of a complete-log case (its setup answers, then the rest), as the browser types them.
// The case's record ids are not this database's: the organisations are the coordinator's own (not
// asked), and the log is assigned to a provider of theirs, picked by name.
function caseAnswers(startsWith, changes = {}) {
  const c = completeLogs.cases.find((x) => x.name.startsWith(startsWith));
  assert.ok(c, `no complete-log case "${startsWith}"`);
  const answers = { ...c.before, ...c.answers, ...changes };
  delete answers.owning_organisation_id;
  delete answers.managing_organisation_id;
  answers.assigned_to_id = { label: /^Pat Provider/ };
  return answers;
}
const SHARED_OWNERSHIP = caseAnswers('Complete shared ownership initial purchase', { purchid: 'SO-KEYS-1' });
// Both cases' homes are in Leeds at LS1 4AP: the second gets another postcode, so a search tells them apart.
const DISCOUNTED_OWNERSHIP = caseAnswers('Complete discounted ownership', { purchid: 'DO-NOJS-1', postcode_full: 'LS9 8AB' });

let soLog = null;  // the shared ownership log's path, completed by the first test
let doLog = null;

test('a shared ownership log from "Create a new sales log" to Completed, keyboard only, JavaScript on', async () => {
  await h.signIn(page, COORDINATOR);
  await h.visit(page, '/sales-logs');
  seen.add('list');
  await tabToControl(page, 'Create a new sales log');
  await h.navigateBy(page, () => page.keyboard.press('Enter'));
  assert.match(pathOf(page), /^\/sales-logs\/\d+\/[a-z0-9-]+$/);
  soLog = await completeLog(page, SHARED_OWNERSHIP, { keyboard: true });
  await assertAllCompleted(page);
  await h.visit(page, '/sales-logs');
  const id = soLog.split('/').pop();
  const row = (await h.tableRows(page)).find((r) => r.includes(`Log ${id}`));
  assert.ok(row, `log ${id} is not on the list`);
  assert.ok(row.includes('Completed') && row.includes('Shared Ownership') && row.includes('SO-KEYS-1'),
    `the list row is ${JSON.stringify(row)}`);
});

test('a discounted ownership log from create to Completed, JavaScript off', async () => {
  const noJs = await h.launchBrowser({ javaScriptEnabled: false });
  try {
    const p = h.bindPage(await h.firstPage(noJs), server);
    await h.signIn(p, COORDINATOR);
    await h.visit(p, '/sales-logs');
    await h.submit(p, 'Create a new sales log');
    doLog = await completeLog(p, DISCOUNTED_OWNERSHIP, { keyboard: false });
    await assertAllCompleted(p);
    await h.follow(p, 'Set up this sales log');
    assert.equal(await h.summaryValue(p, 'Q5 - Purchase made under ownership scheme'), 'Discounted Ownership');
    assert.equal(await h.summaryValue(p, 'Q8 - Type of discounted ownership sale'), 'Right to Buy (RTB)');
  } finally {
    await noJs.closeAll();
  }
});

test('a number error: the definition\'s message, what was typed is kept, nothing is saved', async () => {
  assert.ok(soLog, 'needs the shared ownership log from the first test');
  await h.visit(page, `${soLog}/buyer-1-age`);
  assert.equal(await page.inputValue('#age1'), String(SHARED_OWNERSHIP.age1));
  await page.fill('#age1', 'thirty');
  await pressButton(page, 'Save and continue', { status: 422 });
  await h.assertErrors(page, ['Buyer 1’s age must be a number.']);
  assert.equal(await page.inputValue('#age1'), 'thirty');
  seen.add('question page with errors');
  await h.visit(page, soLog);
  await assertAllCompleted(page);
});

test('an interruption (soft validation) screen confirmed with "Confirm and continue"', async () => {
  assert.ok(soLog, 'needs the shared ownership log from the first test');
  await h.visit(page, `${soLog}/other-household-information/check-answers`);
  await h.follow(page, 'Change Household member uses a wheelchair');
  assert.equal(pathOf(page), `${soLog}/household-wheelchair`);
  await page.check('input[name="wheel"][value="1"]');
  await pressButton(page, 'Save changes');
  assert.ok(await isInterruption(page), `no interruption screen at ${pathOf(page)}`);
  seen.add('interruption');
  assert.equal(await h.h1(page), 'You told us that someone in the household uses a wheelchair.');
  await pressButton(page, 'Confirm and continue');
  assert.equal(pathOf(page), `${soLog}/other-household-information/check-answers`);
  assert.equal(await h.summaryValue(page, 'Q73 - Household member uses a wheelchair'), 'Yes');
  await h.follow(page, 'Save and return to log');
  await assertAllCompleted(page);
});

test('history, the list\'s filters and search, and deleting a log: every page type visited passed axe', async () => {
  assert.ok(soLog && doLog, 'needs the logs of the first two tests');
  await h.visit(page, soLog);
  await h.follow(page, 'See the history of changes to this log');
  seen.add('history');
  assert.equal(await h.h1(page), 'History of changes');
  const rows = await h.tableRows(page);
  assert.ok(rows.some((r) => r[2] === 'Household member uses a wheelchair' && r[3] === 'No' && r[4] === 'Yes'),
    `the history lacks the wheelchair change: ${JSON.stringify(rows.slice(0, 5))}`);

  // The list: sale type, status and search by purchaser code, postcode and log id.
  const soId = soLog.split('/').pop();
  const doId = doLog.split('/').pop();
  const listed = async (query) => {
    await h.visit(page, `/sales-logs?filtered=1&${query}`);
    return (await h.tableRows(page)).map((r) => r.find((c) => /^Log \d+/.test(c)));
  };
  assert.deepEqual(await listed('categories=2'), [`Log ${doId}`]);
  assert.deepEqual(await listed('categories=1&status=completed'), [`Log ${soId}`]);
  assert.deepEqual(await listed('search=DO-NOJS-1'), [`Log ${doId}`]);
  assert.deepEqual(await listed(`search=${encodeURIComponent(SHARED_OWNERSHIP.postcode_full.toLowerCase())}`), [`Log ${soId}`]);
  assert.deepEqual(await listed(`search=log${soId}`), [`Log ${soId}`]);
  // The filter form itself, sent by its button.
  await h.visit(page, '/sales-logs/clear-filters');
  await page.locator('summary', { hasText: 'Show filters' }).click();
  await page.check('input[name="categories"][value="2"]');
  await h.submit(page, 'Apply filters');
  assert.deepEqual((await h.tableRows(page)).map((r) => r.find((c) => /^Log \d+/.test(c))), [`Log ${doId}`]);

  // A new, empty log is deleted from its task list, through the confirmation page.
  await d.createAndDelete(page);
  // The confirmation for several logs names each by id and purchaser code.
  await h.visit(page, `/sales-logs/delete?ids=${soId}&ids=${doId}`);
  assert.equal(await h.h1(page), 'Are you sure you want to delete these logs?');
  const confirm = (await h.tableRows(page)).flat();
  for (const cell of [soId, 'SO-KEYS-1', doId, 'DO-NOJS-1']) assert.ok(confirm.includes(cell), `${cell} not in ${JSON.stringify(confirm)}`);
  await h.follow(page, 'Cancel');

  const wanted = ['list', 'task list', 'radio', 'checkbox', 'numeric', 'date', 'text', 'select', 'type-ahead la',
    'address entered by hand', 'interruption', 'check answers', 'question page with errors', 'history', 'delete confirmation'];
  const missing = wanted.filter((w) => !seen.has(w));
  assert.deepEqual(missing, [], `page types not visited: ${missing.join(', ')} (visited: ${[...seen].join(', ')})`);
});
