// With JavaScript turned off, and using only the keyboard (Tab, typing, Enter, Space and the
// arrow keys inside radio groups; no mouse clicks): sign in, invite a user, add and remove a
// stock owner, sign out. Every page reached is checked with axe.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

let server;
let browser;
let page;
h.setUpFile({ browser: { javaScriptEnabled: false } }, (s) => ({ server, browser, page } = s));

const pathOf = () => new URL(page.url()).pathname;
const key = (k) => page.keyboard.press(k);
const focusedId = () => page.evaluate(() => document.activeElement.id);
// Presses a key that leads to another page; waits for it and checks it (status and axe).
const pressAndGo = (k, opts) => h.navigateBy(page, () => key(k), opts);

async function keyboardSignIn(email) {
  await h.visit(page, '/account/sign-in');
  await h.tabTo(page, '#email');
  await page.keyboard.type(email);
  await key('Tab');
  assert.equal(await focusedId(), 'password');
  await page.keyboard.type(h.DEMO_PASSWORD);
  await pressAndGo('Enter');
  // Everyone lands on the home page; go on to their organisation with the keyboard.
  assert.equal(pathOf(), '/');
  const orgPath = await h.navLink(page, 'Your organisation').getAttribute('href');
  await h.tabTo(page, `.govuk-service-navigation__list a[href="${orgPath}"]`);
  await pressAndGo('Enter');
  assert.equal(pathOf(), orgPath);
}

test('JavaScript really is off: the page is not marked js-enabled', async () => {
  await h.visit(page, '/account/sign-in');
  const cls = await page.evaluate(() => document.body.className);
  assert.doesNotMatch(cls, /js-enabled/);
  assert.doesNotMatch(cls, /govuk-frontend-supported/);
});

test('the skip link moves keyboard focus to the main content', async () => {
  await h.visit(page, '/account/sign-in');
  await key('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Skip to main content');
  await key('Enter');
  assert.equal(new URL(page.url()).hash, '#main-content');
  await key('Tab');
  // The next Tab lands on the first control inside <main>, skipping the header links.
  assert.equal(await focusedId(), 'email');
});

test('sign in with the keyboard only, wrong password first', async () => {
  await page.context().clearCookies();
  await h.visit(page, '/account/sign-in');
  await h.tabTo(page, '#email');
  await page.keyboard.type('coordinator@northshire.example');
  await key('Tab');
  await page.keyboard.type('Not-The-Password-1');
  await pressAndGo('Enter', { status: 422 });
  await h.assertErrors(page, ['Incorrect email or password']);

  // The email was kept; go to the password field and try again.
  await h.tabTo(page, '#password');
  await page.keyboard.type(h.DEMO_PASSWORD);
  await pressAndGo('Enter');
  assert.equal(await h.h1(page), "Manage your organisation's logs");
  await h.assertSignedInNav(page, { support: false });
});

test('invite a user with the keyboard only', async () => {
  const email = 'kim.keyboard@northshire.example';
  await page.context().clearCookies();
  await keyboardSignIn('coordinator@northshire.example');
  const orgPath = pathOf();

  await h.tabTo(page, `.govuk-service-navigation__list a[href="${orgPath}/users"]`);
  await pressAndGo('Enter');
  assert.equal(pathOf(), `${orgPath}/users`);
  await h.tabTo(page, 'a[href^="/users/new"]');
  await pressAndGo('Enter');
  assert.equal(pathOf(), '/users/new');
  assert.equal(await h.h1(page), 'Invite a user');

  // Send it empty first.
  await h.tabTo(page, 'form button[type="submit"]');
  await pressAndGo('Enter', { status: 422 });
  await h.assertErrors(page, ['Enter a name', 'Enter an email address']);

  await h.tabTo(page, '#name');
  await page.keyboard.type('Kim Keyboard');
  await key('Tab');
  assert.equal(await focusedId(), 'email');
  await page.keyboard.type(email);
  await key('Tab');
  assert.equal(await focusedId(), 'phone');
  await page.keyboard.type('01632 960 555');
  // Role: Tab reaches the checked radio ("Data provider"); the down arrow picks "Data coordinator".
  await key('Tab');
  assert.equal(await focusedId(), 'role');
  await key('ArrowDown');
  assert.equal(await focusedId(), 'role-2');
  assert.ok(await page.isChecked('#role-2'));
  // Data protection officer: leave "No".
  await key('Tab');
  assert.equal(await focusedId(), 'is_dpo-2');
  assert.ok(await page.isChecked('#is_dpo-2'));
  // Key contact: from "No" up to "Yes".
  await key('Tab');
  assert.equal(await focusedId(), 'is_key_contact-2');
  await key('ArrowUp');
  assert.ok(await page.isChecked('#is_key_contact'));
  await key('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Send invitation');
  await pressAndGo('Space');

  assert.match(pathOf(), /^\/users\/\d+$/);
  assert.match(await h.successText(page), /Invitation sent to kim\.keyboard@northshire\.example/);
  assert.equal(await h.summaryValue(page, 'Name'), 'Kim Keyboard');
  assert.equal(await h.summaryValue(page, 'Telephone number'), '01632 960 555');
  assert.equal(await h.summaryValue(page, 'Role'), 'Data coordinator');
  assert.equal(await h.summaryValue(page, 'Data protection officer'), 'No');
  assert.equal(await h.summaryValue(page, 'Key contact'), 'Yes');
  assert.equal(await h.summaryValue(page, 'Status'), 'Unconfirmed');
  const mail = await h.waitForEmail(server.mailDir, email);
  assert.ok(mail, 'no invitation email');
  assert.match(h.firstLink(mail) || '', /\/account\/invitation\?token=[0-9a-f]+$/);
});

test('ask for a stock owner and cancel the request with the keyboard only', async () => {
  await page.context().clearCookies();
  await keyboardSignIn('coordinator@northshire.example');
  const orgPath = pathOf();

  await h.tabTo(page, `nav[aria-label="Organisation"] a[href="${orgPath}/stock-owners"]`);
  await pressAndGo('Enter');
  assert.equal(pathOf(), `${orgPath}/stock-owners`);
  assert.deepEqual((await h.tableRows(page)).map((r) => r[0]), ['Northshire County Council has no stock owners.']);
  await h.tabTo(page, `a[href="${orgPath}/stock-owners/add"]`);
  await pressAndGo('Enter');
  assert.equal(await h.h1(page), 'Which organisation is a stock owner of Northshire County Council?');
  // Without JavaScript it stays a plain select.
  assert.equal(await page.locator('select#related_organisation_id').isVisible(), true);
  assert.equal(await page.getByRole('combobox').count(), 1); // the select itself
  assert.equal(await page.locator('.autocomplete__wrapper').count(), 0);

  await h.tabTo(page, 'form button[type="submit"]');
  await pressAndGo('Enter', { status: 422 });
  await h.assertErrors(page, ['Select an organisation from the list']);

  // Type-ahead in the focused select picks Eastbrook.
  await h.tabTo(page, '#related_organisation_id');
  await page.keyboard.type('Eastbrook');
  const chosen = await page.locator('#related_organisation_id option:checked').innerText();
  assert.equal(chosen.trim(), 'Eastbrook Housing Trust');
  await key('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Add');
  await pressAndGo('Enter');
  assert.equal(pathOf(), `${orgPath}/stock-owners`);
  assert.match(await h.successText(page), /Request sent\. Eastbrook Housing Trust becomes one of Northshire County Council’s stock owners/);
  assert.deepEqual((await h.tableRows(page, '#related-organisations')).map((r) => r[0]), ['Northshire County Council has no stock owners.']);
  assert.deepEqual((await h.tableRows(page, '#outgoing-requests')).map((r) => r[0]), ['Eastbrook Housing Trust']);

  await h.tabTo(page, '#outgoing-requests form button[type="submit"]');
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Cancel request to Eastbrook Housing Trust');
  await pressAndGo('Enter');
  assert.match(await h.successText(page), /You cancelled the request to Eastbrook Housing Trust/);
  assert.deepEqual((await h.tableRows(page)).map((r) => r[0]), ['Northshire County Council has no stock owners.']);
});

test('sign out with the keyboard only', async () => {
  await page.context().clearCookies();
  await keyboardSignIn('provider@northshire.example');
  await h.tabTo(page, 'a[href^="/account/sign-out"]');
  await pressAndGo('Enter');
  assert.equal(pathOf(), '/account/sign-in');
  assert.match(await page.locator('main').innerText(), /You have been signed out/);
  assert.deepEqual(await h.navLinks(page), ['Sign in']);
});
