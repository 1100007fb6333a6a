// Organisations and users: support creates and searches organisations; a coordinator invites a
// user (who accepts through the emailed link), manages managing agents, and searches, filters,
// edits and deactivates users; a DPO accepts the data sharing agreement; a provider is refused.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

const EXTRA_USERS = 25; // Northshire gets 3 demo users + 25 more: two pages of users (20 a page)

let server;
let browser;
let page;
h.setUpFile({ server: { extraUsers: EXTRA_USERS } }, (s) => ({ server, browser, page } = s));

const { pathOf } = h;
const group = (name) => page.getByRole('group', { name, exact: true });

// Signs in (landing on the home page), goes to the user's own organisation from the "Your
// organisation" link and returns its path.
async function signInToOrganisation(email) {
  await h.signIn(page, email);
  assert.equal(pathOf(page), '/');
  const orgPath = await h.navLink(page, 'Your organisation').getAttribute('href');
  await h.follow(page, 'Your organisation');
  assert.equal(pathOf(page), orgPath);
  return orgPath;
}

test('support creates an organisation (errors first) and finds it by searching', async () => {
  await h.signIn(page, 'support@example.gov.uk');
  assert.equal(pathOf(page), '/');
  await h.follow(page, 'Organisations');
  assert.equal(pathOf(page), '/organisations');
  // Without a search the caption is just the count (it once read "4 organisations matching ‘’").
  assert.equal(await page.locator('caption').innerText(), '4 organisations');
  await h.follow(page, 'Create a new organisation');
  assert.equal(pathOf(page), '/organisations/new');
  assert.equal(await h.h1(page), 'Create a new organisation');

  await h.submit(page, 'Save', { status: 422 });
  await h.assertErrors(page, ['Enter the organisation name', 'Select the organisation type',
    'Select yes if the organisation holds its own stock']);

  // A taken name and a bad postcode are refused too; what was typed is kept.
  await page.fill('#name', 'Northshire County Council');
  await group('Organisation type').getByLabel('Private registered provider').check();
  await page.fill('#postcode', 'NOT A POSTCODE');
  await h.submit(page, 'Save', { status: 422 });
  await h.assertErrors(page, ['An organisation with this name already exists', 'Enter a real postcode, like AA1 1AA',
    'Select yes if the organisation holds its own stock']);
  assert.ok(await group('Organisation type').getByLabel('Private registered provider').isChecked());

  await page.fill('#name', 'Westmoor Homes');
  await page.fill('#housing_registration_no', 'LH4321');
  await page.fill('#address_line1', '9 Moor Lane');
  await page.fill('#address_line2', 'Westmoor');
  await page.fill('#postcode', 'wm1 2ab');
  await page.fill('#phone', '01632 960 123');
  await group('Does the organisation hold its own stock?').getByLabel('Yes').check();
  await page.fill('#stock_general_needs', '420');
  const periods = group('Which rent periods does the organisation use?');
  // Every period starts ticked (a new organisation can record any rent): keep only two.
  const boxes = periods.getByRole('checkbox');
  assert.equal(await boxes.count(), 11);
  for (let i = 0; i < 11; i += 1) {
    assert.equal(await boxes.nth(i).isChecked(), true);
    await boxes.nth(i).uncheck();
  }
  await periods.getByLabel('Every 2 weeks').check();
  await periods.getByLabel('Every calendar month').check();
  await h.submit(page, 'Save');

  assert.match(pathOf(page), /^\/organisations\/\d+$/);
  const orgPath = pathOf(page);
  assert.match(await h.successText(page), /Westmoor Homes has been created/);
  assert.equal(await h.h1(page), 'Westmoor Homes');
  assert.equal(await h.summaryValue(page, 'Type of provider'), 'Private registered provider');
  assert.equal(await h.summaryValue(page, 'Owns housing stock'), 'Yes');
  assert.equal(await h.summaryValue(page, 'Registration number'), 'LH4321');
  assert.equal(await h.summaryValue(page, 'Address'), '9 Moor Lane, Westmoor, WM1 2AB');
  assert.equal(await h.summaryValue(page, 'General needs units'), '420');
  assert.deepEqual((await h.summaryValue(page, 'Rent periods')).split('\n').map((s) => s.trim()).filter(Boolean),
    ['Every 2 weeks', 'Every calendar month']);
  assert.equal(await h.summaryValue(page, 'Data sharing agreement'), 'Not accepted');

  // Search.
  await h.follow(page, 'Organisations');
  assert.equal(await page.locator('caption').innerText(), '5 organisations');
  await page.fill('#search', 'westmoor');
  await h.submit(page, 'Search');
  assert.equal(new URL(page.url()).searchParams.get('search'), 'westmoor');
  let rows = await h.tableRows(page);
  assert.deepEqual(rows.map((r) => r[0]), ['Westmoor Homes']);
  assert.deepEqual(rows[0].slice(1), ['Private registered provider', 'Yes', 'Not accepted', 'Active']);
  assert.match(await page.locator('caption').innerText(), /^1 organisations? matching ‘westmoor’$/);
  assert.equal(await page.inputValue('#search'), 'westmoor');
  await h.follow(page, 'Westmoor Homes');
  assert.equal(pathOf(page), orgPath);

  await h.visit(page, '/organisations?search=Housing');
  rows = await h.tableRows(page);
  assert.deepEqual(rows.map((r) => r[0]).sort(), ['Eastbrook Housing Trust',
    'Ministry of Housing, Communities and Local Government', 'Riverside Homes Housing Association']);
  await h.visit(page, '/organisations?search=no+such+organisation');
  assert.deepEqual(await h.tableRows(page), []);
  assert.match(await page.locator('caption').innerText(), /^0 organisations matching/);

  // Support may invite a user into any organisation: the form has an organisation select.
  await h.visit(page, `/users/new?organisation_id=${orgPath.split('/')[2]}`);
  assert.equal((await page.locator('#organisation_id option:checked').innerText()).trim(), 'Westmoor Homes');
  assert.ok((await group('What is their role?').locator('label').allInnerTexts()).includes('Support'));

  // Support edits it: the edit form shows the admin fields, and validates.
  await h.visit(page, `${orgPath}/edit`);
  assert.equal(await h.h1(page), 'Change Westmoor Homes’s details');
  assert.equal(await group('Organisation type').count(), 1);
  await page.fill('#phone', 'phone me');
  await h.submit(page, 'Save', { status: 422 });
  await h.assertErrors(page, ['Enter a telephone number, like 01632 960 001 or 07700 900 982']);
  await page.fill('#phone', '01632 960 124');
  await h.submit(page, 'Save');
  assert.equal(pathOf(page), orgPath);
  assert.match(await h.successText(page), /Westmoor Homes’s details have been updated/);
  assert.equal(await h.summaryValue(page, 'Telephone number'), '01632 960 124');
  await h.signOut(page);
});

test('users list: search, role and status filters, pagination', async () => {
  const orgPath = await signInToOrganisation('coordinator@northshire.example');
  await h.follow(page, 'Users');
  assert.equal(pathOf(page), `${orgPath}/users`);
  const total = 3 + EXTRA_USERS;
  assert.equal(await page.locator('caption').innerText(), `${total} users`);

  // Page 1 of 2: 20 users, sorted by name, and a link to the next page.
  let rows = await h.tableRows(page);
  assert.equal(rows.length, 20);
  assert.match(rows[0][0], /^Chris Coordinator\s+coordinator@northshire\.example$/);
  assert.match(rows[0][1], /Data coordinator/);
  assert.match(rows[0][1], /Key contact/);
  assert.equal(rows[0][2], 'Active');
  const pagination = page.getByRole('navigation', { name: 'Pagination' });
  assert.equal(await pagination.getByRole('link', { name: 'Page 1' }).getAttribute('aria-current'), 'page');
  await h.navigateBy(page, () => pagination.getByRole('link', { name: 'Next page' }).click());
  assert.equal(new URL(page.url()).searchParams.get('page'), '2');
  rows = await h.tableRows(page);
  assert.equal(rows.length, total - 20);
  assert.match(rows[rows.length - 1][0], /^Pat Provider/);
  assert.equal(await pagination.getByRole('link', { name: 'Page 2' }).getAttribute('aria-current'), 'page');
  assert.equal(await pagination.getByRole('link', { name: 'Next page' }).count(), 0);
  assert.equal(await pagination.getByRole('link', { name: 'Previous page' }).count(), 1);

  // Search by name, then by part of an email address.
  await page.fill('#search', 'pat');
  await h.submit(page, 'Apply');
  rows = await h.tableRows(page);
  assert.equal(rows.length, 1);
  assert.match(rows[0][0], /^Pat Provider\s+provider@northshire\.example$/);
  assert.match(await page.locator('caption').innerText(), /^1 users? found$/);
  await page.fill('#search', 'user1');
  await h.submit(page, 'Apply');
  assert.equal((await h.tableRows(page)).length, 11); // user1 and user10 to user19
  assert.equal(await page.getByRole('navigation', { name: 'Pagination' }).count(), 0);

  // Role filter (search cleared).
  await h.follow(page, 'Clear search and filters');
  assert.equal(page.url(), server.url(`${orgPath}/users`));
  await page.selectOption('#role', 'coordinator');
  await h.submit(page, 'Apply');
  assert.equal(new URL(page.url()).searchParams.get('role'), 'coordinator');
  rows = await h.tableRows(page);
  assert.deepEqual(rows.map((r) => r[0].split('\n')[0].trim()), ['Chris Coordinator']);
  assert.equal(await page.inputValue('#role'), 'coordinator');

  // Status filter: nobody is deactivated yet.
  await page.selectOption('#role', '');
  await page.selectOption('#status', 'deactivated');
  await h.submit(page, 'Apply');
  assert.deepEqual(await h.tableRows(page), []);
  assert.match(await page.locator('caption').innerText(), /^0 users found$/);

  // Deactivate Demo User 7, who then shows under the Deactivated filter; then reactivate.
  await h.visit(page, `${orgPath}/users?search=user7`);
  await h.follow(page, 'Demo User 7');
  assert.match(pathOf(page), /^\/users\/\d+$/);
  const userPath = pathOf(page);
  assert.equal(await h.summaryValue(page, 'Status'), 'Active');
  await h.follow(page, 'Deactivate user');
  assert.equal(pathOf(page), `${userPath}/deactivate`);
  assert.equal(await h.h1(page), 'Are you sure you want to deactivate Demo User 7?');
  await h.submit(page, 'Deactivate');
  assert.equal(pathOf(page), userPath);
  assert.match(await h.successText(page), /Demo User 7 has been deactivated/);
  assert.equal(await h.summaryValue(page, 'Status'), 'Deactivated');

  await h.visit(page, `${orgPath}/users?status=deactivated`);
  rows = await h.tableRows(page);
  assert.equal(rows.length, 1);
  assert.match(rows[0][0], /^Demo User 7/);
  assert.equal(rows[0][2], 'Deactivated');
  assert.equal(await page.inputValue('#status'), 'deactivated');
  await h.visit(page, `${orgPath}/users?status=active`);
  assert.equal((await h.tableRows(page)).length, 20);
  assert.equal(await page.locator('caption').innerText(), `${total - 1} users found`);

  await h.visit(page, userPath);
  await h.follow(page, 'Reactivate user');
  assert.equal(pathOf(page), `${userPath}/reactivate`);
  assert.equal(await h.h1(page), 'Are you sure you want to reactivate Demo User 7?');
  await h.submit(page, 'Reactivate');
  assert.match(await h.successText(page), /Demo User 7 has been reactivated/);
  assert.equal(await h.summaryValue(page, 'Status'), 'Active');

  // Edit another user's details and role flags.
  await h.follow(page, 'Change details');
  assert.equal(pathOf(page), `${userPath}/edit`);
  assert.equal(await h.h1(page), 'Change Demo User 7’s details');
  await page.fill('#name', '');
  await h.submit(page, 'Save changes', { status: 422 });
  await h.assertErrors(page, ['Enter a name']);
  await page.fill('#name', 'Demo User Seven');
  await group('Are they a key contact?').getByLabel('Yes').check();
  await h.submit(page, 'Save changes');
  assert.equal(pathOf(page), userPath);
  assert.match(await h.successText(page), /Demo User Seven’s details have been updated/);
  assert.equal(await h.summaryValue(page, 'Key contact'), 'Yes');
  await h.signOut(page);
});

test('coordinator invites a user, who sets a password through the emailed link', async () => {
  const email = 'robin.newstarter@northshire.example';
  const orgPath = await signInToOrganisation('coordinator@northshire.example');
  await h.follow(page, 'Users');
  await h.follow(page, 'Invite user');
  assert.equal(pathOf(page), '/users/new');
  assert.equal(await h.h1(page), 'Invite a user');
  // A coordinator invites into their own organisation only, and cannot make support users.
  assert.equal(await page.locator('#organisation_id').count(), 0);
  assert.deepEqual(await group('What is their role?').locator('label').allInnerTexts(), ['Data provider', 'Data coordinator']);

  await h.submit(page, 'Send invitation', { status: 422 });
  await h.assertErrors(page, ['Enter a name', 'Enter an email address']);

  await page.fill('#name', 'Robin Newstarter');
  await page.fill('#email', 'provider@northshire.example');
  await h.submit(page, 'Send invitation', { status: 422 });
  await h.assertErrors(page, ['A user with this email address already exists']);

  await page.fill('#email', email);
  await group('What is their role?').getByLabel('Data provider').check();
  await group('Are they a key contact?').getByLabel('Yes').check();
  await h.submit(page, 'Send invitation');
  assert.match(pathOf(page), /^\/users\/\d+$/);
  const userPath = pathOf(page);
  assert.match(await h.successText(page), new RegExp(`Invitation sent to ${email.replace(/\./g, '\\.')}`));
  assert.equal(await h.h1(page), 'Robin Newstarter');
  assert.equal(await h.summaryValue(page, 'Status'), 'Unconfirmed');
  assert.equal(await h.summaryValue(page, 'Key contact'), 'Yes');
  assert.equal(await page.getByRole('button', { name: 'Resend invitation' }).count(), 1);

  const mail = await h.waitForEmail(server.mailDir, email);
  assert.ok(mail, `no invitation email reached ${email}`);
  assert.equal(h.emailSubject(mail), 'You have been invited to CORE: set your password');
  assert.match(mail, /Dear Robin Newstarter,/);
  assert.match(mail, /for Northshire County Council\./);
  const link = h.firstLink(mail);
  assert.ok(link, `no link in the invitation:\n${mail}`);
  assert.equal(new URL(link).pathname, '/account/invitation');

  // The invited person opens the link in their own, signed-out browser.
  const theirs = await h.launchBrowser();
  try {
    const p = h.bindPage(await h.firstPage(theirs), server);
    await h.visit(p, link);
    assert.equal(await h.h1(p), 'Set your password');
    assert.deepEqual(await h.navLinks(p), ['Sign in']);
    await p.fill('#password', 'newstarter');
    await p.fill('#password_confirmation', 'newstarter');
    await h.submit(p, 'Save password', { status: 422 });
    await h.assertErrors(p, ['Password must include at least one capital letter']);
    await p.fill('#password', 'Gable-Window-77');
    await p.fill('#password_confirmation', 'Gable-Window-77');
    await h.submit(p, 'Save password');
    assert.equal(new URL(p.url()).pathname, '/account');
    assert.match(await h.successText(p), /Your password has been set\. Welcome to CORE\./);
    await h.assertSignedInNav(p, { support: false });
    assert.equal(await h.summaryValue(p, 'Name'), 'Robin Newstarter');
    assert.equal(await h.summaryValue(p, 'Email address'), email);
    assert.equal(await h.summaryValue(p, 'Organisation'), 'Northshire County Council');
    assert.equal(await h.summaryValue(p, 'Role'), 'Data provider');
    assert.equal(await h.navLink(p, 'Your organisation').getAttribute('href'), orgPath);

    // The link works once.
    await p.context().clearCookies();
    await h.visit(p, link, { status: 404 });
    assert.equal(await h.h1(p), 'This link has expired or has already been used');
    // And they can sign in with the password they chose.
    await h.signIn(p, email, 'Gable-Window-77');
  } finally {
    await theirs.closeAll();
  }

  // The coordinator now sees them as active.
  await h.visit(page, userPath);
  assert.equal(await h.summaryValue(page, 'Status'), 'Active');
  assert.equal(await page.getByRole('button', { name: 'Resend invitation' }).count(), 0);
  await h.signOut(page);
});

test('coordinator adds and removes a managing agent (with the autocomplete)', async () => {
  const orgPath = await signInToOrganisation('coordinator@northshire.example');
  await h.visit(page, orgPath);
  await h.navigateBy(page, () => page.getByRole('navigation', { name: 'Organisation' })
    .getByRole('link', { name: 'Managing agents' }).click());
  assert.equal(pathOf(page), `${orgPath}/managing-agents`);
  assert.deepEqual((await h.tableRows(page)).map((r) => r[0]), ['Riverside Homes Housing Association']);

  await h.follow(page, 'Add a managing agent');
  assert.equal(pathOf(page), `${orgPath}/managing-agents/add`);
  assert.equal(await h.h1(page), 'Which organisation is a managing agent of Northshire County Council?');
  // JavaScript turned the select into an accessible-autocomplete combobox.
  const combo = page.getByRole('combobox', { name: 'Which organisation is a managing agent of Northshire County Council?' });
  assert.equal(await combo.count(), 1);
  assert.equal(await page.locator('select#related_organisation_id-select').isHidden(), true);

  await h.submit(page, 'Add', { status: 422 });
  await h.assertErrors(page, ['Select an organisation from the list']);

  await combo.fill('east');
  const option = page.getByRole('option', { name: 'Eastbrook Housing Trust' });
  await option.waitFor();
  // Organisations already linked, and Northshire itself, are not offered.
  // Matching is by substring, and "r" is in every demo organisation's name, but Northshire itself
  // and Riverside (already its managing agent) are not offered.
  await combo.fill('r');
  await page.getByRole('option', { name: 'Ministry of Housing, Communities and Local Government' }).waitFor();
  const offered = (await page.getByRole('option').allInnerTexts()).map((o) => o.trim());
  assert.ok(offered.includes('Eastbrook Housing Trust'), `offered ${offered}`);
  assert.ok(!offered.some((o) => /Riverside|Northshire/.test(o)), `offered ${offered}`);
  await combo.fill('east');
  await option.click();
  assert.equal(await combo.inputValue(), 'Eastbrook Housing Trust');
  await h.submit(page, 'Add');
  assert.equal(pathOf(page), `${orgPath}/managing-agents`);
  // Only a request: nothing is in force until Eastbrook accepts it.
  assert.match(await h.successText(page),
    /Request sent\. Eastbrook Housing Trust becomes one of Northshire County Council’s managing agents once a data coordinator of Eastbrook Housing Trust accepts it/);
  assert.deepEqual((await h.tableRows(page, '#related-organisations')).map((r) => r[0]),
    ['Riverside Homes Housing Association']);
  assert.deepEqual((await h.tableRows(page, '#outgoing-requests')).map((r) => r[0]), ['Eastbrook Housing Trust']);
  const mail = await h.waitForEmail(server.mailDir, 'coordinator@eastbrook.example');
  assert.match(mail || '', /There is a request for Northshire County Council to be a stock owner of Eastbrook Housing Trust/);
  await h.signOut(page);

  const eastbrook = await signInToOrganisation('coordinator@eastbrook.example');
  await h.visit(page, `${eastbrook}/stock-owners`);
  assert.deepEqual((await h.tableRows(page, '#incoming-requests')).map((r) => r[0]), ['Northshire County Council']);
  await h.submit(page, 'Accept Northshire County Council');
  assert.match(await h.successText(page), /Northshire County Council is now one of Eastbrook Housing Trust’s stock owners/);
  assert.deepEqual((await h.tableRows(page)).map((r) => r[0]), ['Northshire County Council']);
  await h.signOut(page);

  await signInToOrganisation('coordinator@northshire.example');
  await h.visit(page, `${orgPath}/managing-agents`);
  assert.deepEqual((await h.tableRows(page)).map((r) => r[0]).sort(),
    ['Eastbrook Housing Trust', 'Riverside Homes Housing Association']);

  await h.follow(page, 'Remove Eastbrook Housing Trust');
  assert.equal(await h.h1(page), 'Are you sure you want to remove Eastbrook Housing Trust as a managing agent?');
  await h.submit(page, 'Remove');
  assert.equal(pathOf(page), `${orgPath}/managing-agents`);
  assert.match(await h.successText(page), /Eastbrook Housing Trust is no longer a managing agent of Northshire County Council/);
  assert.deepEqual((await h.tableRows(page)).map((r) => r[0]), ['Riverside Homes Housing Association']);

  // Northshire has no stock owners; Riverside's stock owner is Northshire.
  await h.visit(page, `${orgPath}/stock-owners`);
  assert.deepEqual((await h.tableRows(page)).map((r) => r[0]), ['Northshire County Council has no stock owners.']);
  await h.signOut(page);

  const riverside = await signInToOrganisation('coordinator@riverside.example');
  await h.visit(page, `${riverside}/stock-owners`);
  assert.deepEqual((await h.tableRows(page)).map((r) => r[0]), ['Northshire County Council']);
  await h.visit(page, `${riverside}/stock-owners/add`);
  assert.equal(await h.h1(page), 'Which organisation is a stock owner of Riverside Homes Housing Association?');
  await h.signOut(page);
});

test('the DPO of Eastbrook accepts the data sharing agreement', async () => {
  const orgPath = await signInToOrganisation('coordinator@eastbrook.example');
  assert.equal(await h.h1(page), 'Eastbrook Housing Trust');
  assert.equal(await h.summaryValue(page, 'Data sharing agreement'), 'Not accepted');
  await h.follow(page, 'Read the data sharing agreement');
  assert.equal(pathOf(page), `${orgPath}/data-sharing-agreement`);
  assert.equal(await h.h1(page), 'Data sharing agreement');
  assert.match(await page.locator('.govuk-warning-text').innerText(), /cannot submit logs/);

  await h.submit(page, 'Accept this agreement');
  assert.equal(pathOf(page), `${orgPath}/data-sharing-agreement`);
  assert.match(await h.successText(page),
    /You have accepted the data sharing agreement\. Eastbrook Housing Trust can now submit logs\./);
  const accepted = await page.locator('.govuk-inset-text').innerText();
  assert.match(accepted, /^Accepted on .+ by Eve Unsigned \(coordinator@eastbrook\.example\), data protection officer of Eastbrook Housing Trust\.$/);
  assert.equal(await page.getByRole('button', { name: 'Accept this agreement' }).count(), 0);
  assert.equal(await page.locator('.govuk-warning-text').count(), 0);
  assert.equal(await h.summaryValue(page, 'Data protection officer'), 'Eve Unsigned\ncoordinator@eastbrook.example');

  // It stays accepted, and the organisation page no longer warns.
  await h.visit(page, `${orgPath}/data-sharing-agreement`);
  assert.match(await page.locator('.govuk-inset-text').innerText(), /^Accepted on /);
  await h.visit(page, orgPath);
  assert.equal(await h.summaryValue(page, 'Data sharing agreement'), 'Accepted');
  assert.equal(await page.locator('.govuk-notification-banner', { hasText: 'cannot submit logs' }).count(), 0);
  await h.signOut(page);
});

test('a provider cannot edit their organisation or see another one', async () => {
  const orgPath = await signInToOrganisation('provider@northshire.example');
  assert.equal(orgPath, '/organisations/2');
  assert.equal(await page.getByRole('link', { name: 'Change organisation details' }).count(), 0);

  await h.visit(page, '/organisations/2/edit', { status: 403 });
  assert.equal(await h.h1(page), 'You do not have permission to see this page');
  await h.visit(page, '/organisations/3/users', { status: 404 });
  assert.equal(await h.h1(page), 'Page not found');
  await h.visit(page, '/organisations/3', { status: 404 });
  await h.visit(page, '/organisations/new', { status: 403 });
  await h.visit(page, '/users/new', { status: 403 });
  await h.visit(page, '/organisations/2/stock-owners/add', { status: 403 });

  // Their own organisation's users are visible, without an invite button or admin actions.
  await h.visit(page, '/organisations/2/users');
  assert.equal(await page.getByRole('link', { name: 'Invite user' }).count(), 0);
  await h.follow(page, 'Chris Coordinator');
  const coordinatorPath = pathOf(page);
  assert.equal(await page.getByRole('link', { name: 'Deactivate user' }).count(), 0);
  await h.visit(page, `${coordinatorPath}/edit`, { status: 403 });
  await h.visit(page, `${coordinatorPath}/deactivate`, { status: 403 });
  // The agreement was accepted at seeding; a provider sees that, and no button.
  await h.visit(page, '/organisations/2/data-sharing-agreement');
  assert.match(await page.locator('.govuk-inset-text').innerText(), /^Accepted on .+ by Dana Protection/);
  assert.equal(await page.getByRole('button', { name: 'Accept this agreement' }).count(), 0);

  // Forms sent without the CSRF token are refused.
  const status = await page.evaluate(async () => (await fetch('/organisations/2/edit', {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'name=x' })).status);
  assert.equal(status, 403);
  await h.signOut(page);

  // A coordinator may edit their organisation, but not the support-only fields.
  await signInToOrganisation('coordinator@northshire.example');
  await h.visit(page, '/organisations/2/edit');
  assert.equal(await page.locator('#name').count(), 1);
  assert.equal(await group('Organisation type').count(), 0);
  assert.equal(await group('Does the organisation hold its own stock?').count(), 0);
  await h.visit(page, '/organisations/3/edit', { status: 404 });
  await h.signOut(page);
});
