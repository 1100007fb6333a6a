// Supported housing schemes and locations: a coordinator runs both wizards (every page checked
// with axe, errors included), changes an answer from check answers, deactivates and reactivates
// a location; a provider can only look.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

let server;
let browser;
let page;
h.setUpFile({}, (s) => ({ server, browser, page } = s));

const { pathOf } = h;
const group = (name) => page.getByRole('group', { name, exact: true });

test('a coordinator creates a scheme and a location through the wizards', async () => {
  await h.signIn(page, 'coordinator@northshire.example');
  await h.follow(page, 'Schemes');
  assert.equal(pathOf(page), '/schemes');
  const before = await h.tableRows(page);
  assert.ok(before.some((r) => r[1] === 'Northtown Direct Access Hostel'), 'the demo schemes are listed');

  await h.follow(page, 'Create a new supported housing scheme');
  await h.submit(page, 'Save and continue', { status: 422 });
  await h.assertErrors(page, ['Enter the name of the scheme', 'Select the scheme type',
    'Select who provides the support services used by this scheme']);

  await page.fill('#service_name', 'Harbour View Foyer');
  await group('Does this scheme contain confidential information?').getByLabel('No').check();
  await group('What is this type of scheme?').getByLabel('Foyer').check();
  await group('Is this scheme registered under the Care Standards Act 2000?').getByLabel('No').check();
  await group('Who provides the support services used by this scheme?')
    .getByLabel('The same organisation that owns the housing stock').check();
  await page.fill('#startdate-day', '31');
  await page.fill('#startdate-month', '2');
  await page.fill('#startdate-year', '2025');
  await h.submit(page, 'Save and continue', { status: 422 });
  await h.assertErrors(page, ['Enter a real date in the correct format, like 1 4 2026']);
  await page.fill('#startdate-day', '1');
  await page.fill('#startdate-month', '4');
  await h.submit(page, 'Save and continue');
  assert.match(pathOf(page), /^\/schemes\/\d+\/primary-client-group$/);
  const schemePath = pathOf(page).replace(/\/primary-client-group$/, '');

  await page.getByLabel('Young people at risk').check();
  await h.submit(page, 'Save and continue');
  await page.getByLabel('No').check();
  await h.submit(page, 'Save and continue');
  assert.equal(pathOf(page), `${schemePath}/support`);
  await h.submit(page, 'Save and continue', { status: 422 });
  await h.assertErrors(page, ['Select the level of support provided by this scheme', 'Select the intended length of stay']);
  await group('What support level does this scheme provide?').getByLabel('Medium level').check();
  await group('Intended length of stay').getByLabel('Medium stay').check();
  await h.submit(page, 'Save and continue');
  assert.equal(pathOf(page), `${schemePath}/check-answers`);
  assert.equal(await h.summaryValue(page, 'What client group is this scheme intended for?'), 'Young people at risk');

  // Change an answer from check answers: the page returns there.
  await h.follow(page, 'Change What client group is this scheme intended for?');
  await page.getByLabel('Young people leaving care').check();
  await h.submit(page, 'Save and continue');
  assert.equal(pathOf(page), `${schemePath}/check-answers`);
  assert.equal(await h.summaryValue(page, 'What client group is this scheme intended for?'), 'Young people leaving care');
  await h.submit(page, 'Create scheme');
  assert.equal(pathOf(page), schemePath);
  assert.match(await h.successText(page), /Harbour View Foyer has been created/);
  assert.equal(await h.summaryValue(page, 'Status'), 'Incomplete');

  // The remaining wizard pages, reached the way a change from check answers reaches them.
  await h.visit(page, `${schemePath}/details`);
  assert.equal(await page.inputValue('#service_name'), 'Harbour View Foyer');
  await h.visit(page, `${schemePath}/confirm-secondary-client-group?return_to=check-answers`);
  await page.getByLabel('Yes').check();
  await h.submit(page, 'Save and continue');
  assert.equal(pathOf(page), `${schemePath}/secondary-client-group`);
  await h.submit(page, 'Save and continue', { status: 422 });
  await h.assertErrors(page, ['Select what other client group this scheme is intended for']);
  await page.getByLabel('Rough sleepers').check();
  await h.submit(page, 'Save and continue');
  assert.equal(pathOf(page), `${schemePath}/check-answers`);
  assert.equal(await h.summaryValue(page, 'What is the other client group?'), 'Rough sleepers');
  await h.visit(page, schemePath);

  // The location wizard.
  await h.follow(page, 'Locations');
  await h.follow(page, 'Add a location');
  await page.fill('#postcode', 'not a postcode');
  await h.submit(page, 'Save and continue', { status: 422 });
  await h.assertErrors(page, ['Enter a postcode in the correct format, for example AA1 1AA']);
  await page.fill('#postcode', 'ne1 4st');
  await h.submit(page, 'Save and continue');
  assert.match(pathOf(page), /\/local-authority$/);
  // accessible-autocomplete replaces the long select when JavaScript is on.
  await page.fill('#location_code', 'Newcastle');
  await page.getByRole('option', { name: 'Newcastle upon Tyne' }).click();
  await h.submit(page, 'Save and continue');
  await page.fill('#name', 'Harbour House');
  await h.submit(page, 'Save and continue');
  await page.fill('#units', '0');
  await h.submit(page, 'Save and continue', { status: 422 });
  await h.assertErrors(page, ['The number of units must be at least 1']);
  await page.fill('#units', '12');
  await h.submit(page, 'Save and continue');
  await page.getByLabel('Self-contained flat or bedsit', { exact: true }).check();
  await h.submit(page, 'Save and continue');
  await page.getByLabel('Wheelchair-user standard').check();
  await h.submit(page, 'Save and continue');
  await page.fill('#startdate-day', '1');
  await page.fill('#startdate-month', '6');
  await page.fill('#startdate-year', '2025');
  await h.submit(page, 'Save and continue');
  assert.match(pathOf(page), /\/check-answers$/);
  assert.equal(await h.summaryValue(page, 'What is the local authority of this postcode?'), 'Newcastle upon Tyne');
  assert.equal(await h.summaryValue(page, 'What is the postcode?'), 'NE1 4ST');
  await h.submit(page, 'Save and return to locations');
  assert.equal(pathOf(page), `${schemePath}/locations`);
  const rows = await h.tableRows(page);
  assert.deepEqual(rows.map((r) => r[0]), ['NE1 4ST']);
  assert.equal(rows[0][4], 'Active');

  // Deactivate the location from a date, see the confirm page, then reactivate it.
  await h.follow(page, 'NE1 4ST');
  await h.follow(page, 'Deactivate this location');
  await h.submit(page, 'Continue', { status: 422 });
  await h.assertErrors(page, ['Select one of the options']);
  await page.getByLabel('For tenancies starting after a certain date').check();
  const year = new Date().getUTCFullYear() + 1;
  await page.fill('#date-day', '10');
  await page.fill('#date-month', '1');
  await page.fill('#date-year', String(year));
  await h.submit(page, 'Continue');
  assert.match(pathOf(page), /\/deactivate\/confirm$/);
  await h.submit(page, 'Deactivate this location');
  assert.match(await h.successText(page), new RegExp(`will be deactivated on 10 January ${year}`));
  assert.equal(await h.summaryValue(page, 'Status'), 'Deactivating soon');
  await h.follow(page, 'Reactivate this location');
  await page.getByLabel('For tenancies starting after a certain date').check();
  await page.fill('#date-day', '9');
  await page.fill('#date-month', '1');
  await page.fill('#date-year', String(year));
  await h.submit(page, 'Continue', { status: 422 });
  await h.assertErrors(page, [`This location was deactivated on 10 January ${year}. The reactivation date must be on or after deactivation date`]);
});

test('a provider sees schemes but cannot change them, and CSV downloads work', async () => {
  await h.signIn(page, 'provider@northshire.example');
  await h.visit(page, '/schemes');
  assert.equal(await page.getByRole('link', { name: 'Create a new supported housing scheme' }).count(), 0);
  await h.follow(page, 'Riverside Court Older People\'s Housing');
  assert.equal(await page.getByRole('link', { name: 'Change scheme details' }).count(), 0);
  await h.follow(page, 'Locations');
  const rows = await h.tableRows(page);
  assert.ok(rows.some((r) => r[0] === 'NE5 6GH' && r[4] === 'Deactivated'), 'the demo deactivated location');
  await h.visit(page, pathOf(page).replace('/locations', '/support'), { status: 403 });
  const res = await page.request.get(server.url('/schemes/download?type=combined'));
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-type'], /^text\/csv/);
  assert.match(await res.text(), /Northtown Direct Access Hostel/);
});
