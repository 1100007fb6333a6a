// Lettings logs on the web (issue 5): a coordinator at Northshire County Council (a stock-holding
// local authority) completes a general needs log with the keyboard only and JavaScript on, and a
// supported housing log (scheme and location) with JavaScript off; meets a date error and a number
// error, confirms an interruption (soft validation) screen, changes an answer from check answers,
// reads the history and deletes a log. Every page reached is checked with axe (WCAG 2.2 AA), and
// the test checks that every kind of page and question was among them.
//
// The server's "today" is pinned to 1 June 2026 so a tenancy start date of 1 May 2026 is in the
// open 2026 to 2027 collection year.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

let server;
let browser;
let page;
h.setUpFile({ server: { env: { CORE_TODAY: '2026-06-01' } } }, (s) => ({ server, browser, page } = s));

const { pathOf } = h;
const COORDINATOR = 'coordinator@northshire.example';

// --- the answers, by attribute id (dates as YYYY-MM-DD; a checkbox option is its own attribute,
// 1 for ticked). { label } picks an option by its text where the value is a database id.

const GENERAL_NEEDS = {
  // A coordinator may create the log for someone else: a short native select.
  assigned_to_id: { label: /^Pat Provider/ },
  needstype: 1,
  renewal: 0,
  startdate: '2026-05-01',
  rent_type: 0,
  tenancycode: 'GN-KEYS-1',
  propcode: 'PROP-GN-1',
  declaration: 1,
  first_time_property_let_as_social_housing: 0,
  unitletas: 1,
  rsnvac: 8,
  address_line1: '1 Example Street',
  town_or_city: 'London',
  postcode_full: 'SW1A 2AA',
  la: 'E09000033',
  unittype_gn: 1,
  wchair: 2,
  beds: 2,
  voiddate: '2026-03-01',
  majorrepairs: 0,
  joint: 1,
  startertenancy: 2,
  tenancy: 2,
  hhmemb: 2,
  age1_known: 0,
  age1: 35,
  sexrab1: 'F',
  gender_same_as_sex1: 1,
  ethnic_group: 0,
  ethnic: 1,
  // "Other", then a country from the long list (a type-ahead with JavaScript).
  nationality_all_group: 12,
  nationality_all: '372',
  ecstat1: 1,
  details_known_2: 0,
  age2_known: 0,
  age2: 37,
  relat2: 'P',
  sexrab2: 'M',
  gender_same_as_sex2: 1,
  ecstat2: 2,
  armedforces: 2,
  preg_occ: 2,
  housingneeds: 2,
  illness: 2,
  layear: 12,
  waityear: 2,
  reason: 50,
  prevten: 3,
  homeless: 1,
  ppcodenk: 1,
  previous_la_known: 1,
  prevloc: 'E09000033',
  reasonpref: 2,
  cbl: 1,
  cap: 0,
  chr: 0,
  accessible_register: 0,
  letting_allocation_unknown: 0,
  referral_register: 3,
  net_income_known: 0,
  incfreq: 1,
  earnings: 500,
  hb: 9,
  benefits: 3,
  period: 1,
  brent: 100,
  scharge: 10,
  pscharge: 0,
  supcharg: 0,
};

const SUPPORTED_HOUSING = {
  needstype: 2,
  scheme_id: { label: /^Northtown Direct Access Hostel/ },
  location_id: { label: 'NE1 4ST' },
  renewal: 0,
  startdate: '2026-05-01',
  rent_type: 0,
  tenancycode: 'SH-NOJS-1',
  propcode: 'PROP-SH-1',
  declaration: 1,
  first_time_property_let_as_social_housing: 0,
  unitletas: 1,
  rsnvac: 8,
  address_line1: 'Flat 3, Quayside House',
  town_or_city: 'Newcastle upon Tyne',
  postcode_full: 'NE1 4ST',
  voiddate: '2026-04-01',
  majorrepairs: 0,
  sheltered: 3,
  joint: 2,
  startertenancy: 2,
  tenancy: 5,
  hhmemb: 1,
  age1_known: 0,
  age1: 70,
  sexrab1: 'M',
  gender_same_as_sex1: 1,
  ethnic_group: 17,
  nationality_all_group: 826,
  ecstat1: 5,
  armedforces: 2,
  preg_occ: 2,
  housingneeds: 1,
  housingneeds_type: 1,
  housingneeds_other: 0,
  illness: 1,
  illness_type_1: 0,
  illness_type_2: 1,
  illness_type_3: 0,
  illness_type_4: 0,
  illness_type_5: 0,
  illness_type_6: 0,
  illness_type_7: 0,
  illness_type_8: 0,
  illness_type_9: 0,
  illness_type_10: 0,
  layear: 12,
  waityear: 7,
  reason: 50,
  prevten: 6,
  homeless: 1,
  ppcodenk: 0,
  ppostcode_full: 'NE2 1AB',
  previous_la_known: 1,
  prevloc: 'E08000021',
  reasonpref: 1,
  rp_homeless: 0,
  rp_insan_unsat: 0,
  rp_medwel: 1,
  rp_hardship: 0,
  rp_dontknow: 0,
  cbl: 0,
  cap: 0,
  chr: 1,
  accessible_register: 0,
  letting_allocation_unknown: 0,
  referral_register: 3,
  net_income_known: 0,
  incfreq: 2,
  earnings: 1000,
  hb: 1,
  benefits: 1,
  household_charge: 0,
  period: 1,
  brent: 150,
  scharge: 50,
  pscharge: 20,
  supcharg: 30,
  hbrentshortfall: 2,
};

const d = require('./log_driver')('/lettings-logs');
const { seen, completeLog, assertAllCompleted, pressButton, isInterruption, tabToControl } = d;
const key = (k) => page.keyboard.press(k);

// --- the tests

let gnLog = null;  // the general needs log's path, completed by the first test

test('a general needs log from "Create a new lettings log" to Completed, keyboard only, JavaScript on', async () => {
  await h.signIn(page, COORDINATOR);
  await h.visit(page, '/lettings-logs');
  seen.add('list');
  await tabToControl(page, 'Create a new lettings log');
  await h.navigateBy(page, () => key('Enter'));
  assert.match(pathOf(page), /^\/lettings-logs\/\d+\/[a-z-]+$/);
  gnLog = await completeLog(page, GENERAL_NEEDS, { keyboard: true });
  await assertAllCompleted(page);
  // The list shows it completed.
  await h.visit(page, '/lettings-logs');
  const id = gnLog.split('/').pop();
  const row = (await h.tableRows(page)).find((r) => r.includes(`Log ${id}`));
  assert.ok(row, `log ${id} is not on the list`);
  assert.ok(row.includes('Completed') && row.includes('General needs'), `the list row is ${JSON.stringify(row)}`);
});

let shLog = null;

test('a supported housing log (scheme and location) from create to Completed, JavaScript off', async () => {
  const noJs = await h.launchBrowser({ javaScriptEnabled: false });
  try {
    const p = h.bindPage(await h.firstPage(noJs), server);
    await h.signIn(p, COORDINATOR);
    await h.visit(p, '/lettings-logs');
    await h.submit(p, 'Create a new lettings log');
    shLog = await completeLog(p, SUPPORTED_HOUSING, { keyboard: false });
    await assertAllCompleted(p);
    await h.follow(p, 'Set up this lettings log');
    assert.match(await h.summaryValue(p, 'Q4 - Scheme name'), /^Northtown Direct Access Hostel/);
    assert.match(await h.summaryValue(p, 'Q5 - Location'), /NE1 4ST/);
  } finally {
    await noJs.closeAll();
  }
});

test('a date error and a number error: the definition\'s messages, and what was typed is kept', async () => {
  assert.ok(gnLog, 'needs the general needs log from the first test');
  await h.visit(page, `${gnLog}/tenancy-start-date`);
  await page.fill('#startdate-day', '31');
  await page.fill('#startdate-month', '2');
  await page.fill('#startdate-year', '2027');
  await pressButton(page, 'Save and continue', { status: 422 });
  await h.assertErrors(page, ['Tenancy start date must be a real date.']);
  assert.deepEqual([await page.inputValue('#startdate-day'), await page.inputValue('#startdate-month'),
    await page.inputValue('#startdate-year')], ['31', '2', '2027']);
  assert.equal(await page.locator('#startdate-day.govuk-input--error').count(), 1);
  seen.add('question page with errors');

  await h.visit(page, `${gnLog}/property-number-of-bedrooms`);
  assert.equal(await page.inputValue('#beds'), '2');
  await page.fill('#beds', 'two');
  await pressButton(page, 'Save and continue', { status: 422 });
  await h.assertErrors(page, ['Number of bedrooms must be a number.']);
  assert.equal(await page.inputValue('#beds'), 'two');
  // The error summary's link takes focus to the field.
  await page.locator('.govuk-error-summary__list a').click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'beds');

  // Nothing was saved: the log is still completed with its answers.
  await h.visit(page, `${gnLog}/property-information/check-answers`);
  assert.equal(await h.summaryValue(page, 'Q21 - Number of bedrooms'), '2');
  await h.visit(page, `${gnLog}/setup/check-answers`);
  assert.equal(await h.summaryValue(page, 'Q7 - Tenancy start date'), '1 May 2026');
});

test('an interruption (soft validation) screen confirmed with "Confirm and continue"', async () => {
  assert.ok(gnLog, 'needs the general needs log from the first test');
  await h.visit(page, `${gnLog}/property-information/check-answers`);
  assert.equal(await h.summaryValue(page, 'Q22 - Void date'), '1 March 2026');
  await h.follow(page, 'Change Void date');
  assert.equal(pathOf(page), `${gnLog}/void-date`);
  await page.fill('#voiddate-day', '1');
  await page.fill('#voiddate-month', '1');
  await page.fill('#voiddate-year', '2024');
  await pressButton(page, 'Save changes');
  assert.equal(pathOf(page), `${gnLog}/void-date-value-check`);
  assert.ok(await isInterruption(page), 'no interruption screen');
  seen.add('interruption');
  assert.equal(await h.h1(page), 'You told us that the property has been vacant for more than 2 years.');
  assert.match(await page.locator('main').innerText(), /This is longer than we would expect\./);
  assert.equal(await h.summaryValue(page, 'Q22 - Void date'), '1 January 2024');
  assert.equal(await h.summaryValue(page, 'Q7 - Tenancy start date'), '1 May 2026');
  await pressButton(page, 'Confirm and continue');
  assert.equal(pathOf(page), `${gnLog}/property-information/check-answers`);
  assert.equal(await h.summaryValue(page, 'Q22 - Void date'), '1 January 2024');
  await h.follow(page, 'Save and return to log');
  await assertAllCompleted(page);
});

test('an answer changed from check answers comes back to check answers with the new value', async () => {
  assert.ok(gnLog, 'needs the general needs log from the first test');
  await h.visit(page, gnLog);
  await h.follow(page, 'Set up this lettings log');
  assert.equal(pathOf(page), `${gnLog}/setup/check-answers`);
  assert.equal(await h.summaryValue(page, 'Q9 - Tenant code'), 'GN-KEYS-1');
  await h.follow(page, 'Change Tenant code');
  assert.equal(await page.inputValue('#tenancycode'), 'GN-KEYS-1');
  // The back link and Cancel go to check answers.
  assert.equal(await page.getByRole('link', { name: 'Cancel', exact: true }).getAttribute('href'), `${gnLog}/setup/check-answers`);
  await page.fill('#tenancycode', 'GN-KEYS-2');
  await pressButton(page, 'Save changes');
  assert.equal(pathOf(page), `${gnLog}/setup/check-answers`);
  assert.equal(await h.summaryValue(page, 'Q9 - Tenant code'), 'GN-KEYS-2');
  await h.follow(page, 'Save and return to log');
  await assertAllCompleted(page);
});

test('history, the list, and deleting a log: every page type visited passed axe', async () => {
  assert.ok(gnLog, 'needs the general needs log from the first test');
  await h.visit(page, gnLog);
  await h.follow(page, 'See the history of changes to this log');
  seen.add('history');
  assert.equal(await h.h1(page), 'History of changes');
  const rows = await h.tableRows(page);
  const changed = rows.find((r) => r[3] === 'GN-KEYS-1' && r[4] === 'GN-KEYS-2');
  assert.ok(changed, `the history lacks the tenant code change: ${JSON.stringify(rows.slice(0, 5))}`);
  assert.equal(changed[1], 'Chris Coordinator');
  // What the service worked out is folded away, closed, behind a details control.
  const details = page.locator('main details.govuk-details');
  assert.match(await details.locator('summary').innerText(), /^Show answers the service worked out/);
  assert.equal(await details.evaluate((d) => d.open), false);
  assert.ok(!rows.some((r) => r.includes('Rent type group (derived)') && r.length === 5), 'a worked-out answer is in the main table');

  // The total charge follows the amounts as they are typed (JavaScript on), without saving.
  await h.visit(page, `${gnLog}/rent-weekly`);
  assert.equal(await page.locator('input[name="tcharge"]').count(), 0);
  assert.equal((await page.locator('output#tcharge').innerText()).trim(), '£110.00');
  await page.fill('#brent', '160.5');
  assert.equal((await page.locator('output#tcharge').innerText()).trim(), '£170.50');

  // The list finds the log by its tenant code.
  await h.visit(page, '/lettings-logs?search=GN-KEYS-2');
  const found = await h.tableRows(page);
  assert.equal(found.length, 1, `search found ${JSON.stringify(found)}`);
  assert.ok(found[0].some((c) => c.includes(`Log ${gnLog.split('/').pop()}`)));

  // A new, empty log is deleted from its task list, through the confirmation page.
  await d.createAndDelete(page);

  // The confirmation for several logs (from the list's checkboxes).
  const ids = [gnLog, shLog].filter(Boolean).map((l) => l.split('/').pop());
  await h.visit(page, `/lettings-logs/delete?${ids.map((i) => `ids=${i}`).join('&')}`);
  assert.equal(await h.h1(page), 'Are you sure you want to delete these logs?');
  await h.follow(page, 'Cancel');

  const wanted = ['list', 'task list', 'radio', 'checkbox', 'numeric with prefix and suffix', 'date', 'text', 'select',
    'type-ahead la', 'type-ahead nationality_all', 'address entered by hand', 'interruption', 'check answers',
    'question page with errors', 'history', 'delete confirmation'];
  const missing = wanted.filter((w) => !seen.has(w));
  assert.deepEqual(missing, [], `page types not visited: ${missing.join(', ')} (visited: ${[...seen].join(', ')})`);
});
