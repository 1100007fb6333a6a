// Accounts: signing in as each role, wrong passwords and lock-out, password reset by email,
// changing the password and personal details, signing out, and the public pages.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

let server;
let browser;
let page;
h.setUpFile({}, (s) => ({ server, browser, page } = s));

// Fills the sign-in form (already on the page) and sends it.
async function trySignIn(email, password, status) {
  await page.fill('#email', email);
  await page.fill('#password', password);
  return h.submit(page, 'Sign in', { status });
}

const { pathOf } = h;

test('public pages, footer pages and the 404 page have no accessibility violations', async () => {
  await page.context().clearCookies();
  await h.visit(page, '/account/sign-in');
  assert.equal(await h.h1(page), 'Sign in to your account to submit CORE data');
  assert.deepEqual(await h.navLinks(page), ['Sign in']);
  assert.match(await page.title(), /^Sign in to your account - Submit social housing lettings and sales data \(CORE\) - GOV\.UK$/);

  // The footer links lead to the three footer pages.
  for (const [link, heading] of [
    ['Accessibility statement', /^Accessibility statement for Submit social housing lettings and sales data \(CORE\)$/],
    ['Privacy notice', /^Privacy notice$/],
    ['Cookies', /^Cookies$/],
  ]) {
    await h.visit(page, '/account/sign-in');
    await h.navigateBy(page, () => page.locator('footer').getByRole('link', { name: link, exact: true }).click());
    assert.match(await h.h1(page), heading);
  }
  await h.visit(page, '/accessibility-statement');
  await h.visit(page, '/privacy-notice');
  await h.visit(page, '/cookies');
  assert.match(await page.locator('table').innerText(), /core_session/);

  await h.visit(page, '/account/password/new');
  assert.equal(await h.h1(page), 'Reset your password');

  await h.visit(page, '/no-such-page', { status: 404 });
  assert.equal(await h.h1(page), 'Page not found');
  assert.match(await page.title(), /^Page not found - /);
  await h.visit(page, '/organisations/2/no-such-tab', { status: 404 });
  assert.equal(await h.h1(page), 'Page not found');

  // Signed-in pages send people to sign in first.
  await h.visit(page, '/account');
  assert.equal(pathOf(page), '/account/sign-in');
  assert.equal(new URL(page.url()).searchParams.get('return_to'), '/account');
});

const roles = [
  { email: 'support@example.gov.uk', org: 'Ministry of Housing, Communities and Local Government', role: 'Support',
    support: true, dpo: 'No' },
  { email: 'coordinator@northshire.example', org: 'Northshire County Council', role: 'Data coordinator', dpo: 'No',
    keyContact: 'Yes' },
  { email: 'provider@northshire.example', org: 'Northshire County Council', role: 'Data provider', dpo: 'No' },
  { email: 'dpo@northshire.example', org: 'Northshire County Council', role: 'Data provider', dpo: 'Yes' },
  { email: 'coordinator@riverside.example', org: 'Riverside Homes Housing Association', role: 'Data coordinator',
    dpo: 'Yes', keyContact: 'Yes' },
  { email: 'provider@riverside.example', org: 'Riverside Homes Housing Association', role: 'Data provider', dpo: 'No' },
  { email: 'coordinator@eastbrook.example', org: 'Eastbrook Housing Trust', role: 'Data coordinator', dpo: 'Yes',
    unsignedDsa: true },
];

for (const r of roles) {
  test(`${r.email} signs in and sees the navigation for a ${r.role}`, async () => {
    await h.signIn(page, r.email);
    await h.assertSignedInNav(page, { support: !!r.support });
    // Everyone lands on the home page, its title naming what they manage.
    assert.equal(pathOf(page), '/');
    assert.equal(await h.navLink(page, 'Home').getAttribute('aria-current'), 'page');
    assert.equal(await h.h1(page), r.support ? 'Manage all data'
      : r.role === 'Data coordinator' ? "Manage your organisation's logs" : 'Manage logs assigned to you');
    if (r.support) {
      await h.follow(page, 'Organisations');
      assert.equal(await h.h1(page), 'Organisations');
      assert.equal(await h.navLink(page, 'Organisations').getAttribute('aria-current'), 'page');
      // Support can see every organisation, so all four demo organisations are listed.
      const names = (await h.tableRows(page)).map((row) => row[0]);
      for (const org of roles.map((x) => x.org)) assert.ok(names.includes(org), `${org} missing from ${names}`);
    } else {
      // "Your organisation" leads to their organisation.
      const yourOrg = h.navLink(page, 'Your organisation');
      await h.navigateBy(page, () => yourOrg.click());
      assert.equal(await yourOrg.getAttribute('href'), pathOf(page));
      assert.match(pathOf(page), /^\/organisations\/\d+$/);
      assert.equal(await yourOrg.getAttribute('aria-current'), 'page');
      assert.equal(await h.h1(page), r.org);
      assert.equal(await h.navLink(page, 'Users').getAttribute('href'), `${pathOf(page)}/users`);
      const banner = page.locator('.govuk-notification-banner', { hasText: 'cannot submit logs' });
      assert.equal(await banner.count(), r.unsignedDsa ? 1 : 0,
        r.unsignedDsa ? 'no banner about the unsigned data sharing agreement' : 'unexpected data sharing agreement banner');
      // Pages for the organisations list are support-only: others are sent to their own organisation.
      const orgPath = pathOf(page);
      await h.visit(page, '/organisations');
      assert.equal(pathOf(page), orgPath);
    }

    await h.follow(page, 'Your account');
    assert.equal(pathOf(page), '/account');
    assert.equal(await h.navLink(page, 'Your account').getAttribute('aria-current'), 'page');
    assert.equal(await h.summaryValue(page, 'Email address'), r.email);
    assert.equal(await h.summaryValue(page, 'Organisation'), r.org);
    assert.equal(await h.summaryValue(page, 'Role'), r.role);
    assert.equal(await h.summaryValue(page, 'Data protection officer'), r.dpo);
    if (r.keyContact) assert.equal(await h.summaryValue(page, 'Key contact'), r.keyContact);
    assert.notEqual(await h.summaryValue(page, 'Last signed in'), 'Never');

    await h.signOut(page);
    assert.deepEqual(await h.navLinks(page), ['Sign in']);
  });
}

test('an empty sign-in form and a wrong password show the error summary', async () => {
  await page.context().clearCookies();
  await h.visit(page, '/account/sign-in');
  await h.submit(page, 'Sign in', { status: 422 });
  await h.assertErrors(page, ['Enter an email address', 'Enter a password']);

  await trySignIn('not-an-email', 'x', 422);
  await h.assertErrors(page, ['Enter an email address in the correct format, like name@example.com']);

  await trySignIn('coordinator@riverside.example', 'Wrong-Password-1', 422);
  const listed = await h.assertErrors(page, ['Incorrect email or password']);
  assert.equal(listed.length, 2, 'both fields should be marked');
  // The email is kept, the password is not.
  assert.equal(await page.inputValue('#email'), 'coordinator@riverside.example');
  assert.equal(await page.inputValue('#password'), '');
  assert.equal(await page.getByRole('link', { name: 'Sign out' }).count(), 0);

  // Clicking a summary link moves focus to its field (govuk-frontend behaviour).
  await page.locator('.govuk-error-summary__list a[href="#password"]').click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'password');

  // One wrong password does not lock: the right one still works, and resets the count.
  await trySignIn('coordinator@riverside.example', h.DEMO_PASSWORD, 200);
  assert.equal(await h.h1(page), "Manage your organisation's logs"); // coordinators land on the home page
  await h.signOut(page);
});

const LOCKED = 'Your account is locked because of too many failed sign-in attempts. ' +
  'Try again in 30 minutes, or reset your password to unlock it now.';

test('three wrong passwords lock the account, and then the right password is refused too', async () => {
  await page.context().clearCookies();
  await h.visit(page, '/account/sign-in');
  await trySignIn('provider@riverside.example', 'Wrong-Password-1', 422);
  await h.assertErrors(page, ['Incorrect email or password']);
  await trySignIn('provider@riverside.example', 'Wrong-Password-2', 422);
  await h.assertErrors(page, ['Incorrect email or password']);
  await trySignIn('provider@riverside.example', 'Wrong-Password-3', 422);
  await h.assertErrors(page, [LOCKED]);

  await trySignIn('provider@riverside.example', h.DEMO_PASSWORD, 422);
  await h.assertErrors(page, [LOCKED]);
  assert.equal(await page.getByRole('link', { name: 'Sign out' }).count(), 0);
});

// Asks for a reset link for `email` and returns the link from the email.
async function requestReset(email) {
  const before = h.emailsTo(server.mailDir, email).length;
  await page.context().clearCookies();
  await h.visit(page, '/account/sign-in');
  await h.follow(page, 'Forgot your password?');
  assert.equal(pathOf(page), '/account/password/new');
  await page.fill('#email', email);
  await h.submit(page, 'Send email');
  assert.equal(await h.h1(page), 'Check your email');
  assert.match(await page.locator('main').innerText(), new RegExp(`If ${email.replace(/\./g, '\\.')} belongs to a CORE account`));
  const mail = await h.waitForEmail(server.mailDir, email, { after: before });
  assert.ok(mail, `no reset email reached ${email}`);
  assert.equal(h.emailSubject(mail), 'Reset your CORE password');
  const link = h.firstLink(mail);
  assert.ok(link, `no link in the email:\n${mail}`);
  assert.equal(new URL(link).origin, server.baseUrl);
  assert.equal(new URL(link).pathname, '/account/password/reset');
  return link;
}

test('password reset through the emailed link, with a weak password refused first', async () => {
  const email = 'provider@northshire.example';
  // The request form's own error.
  await page.context().clearCookies();
  await h.visit(page, '/account/password/new');
  await h.submit(page, 'Send email', { status: 422 });
  await h.assertErrors(page, ['Enter an email address']);

  const link = await requestReset(email);
  await h.visit(page, link);
  assert.equal(await h.h1(page), 'Reset your password');

  // Weak passwords: field errors, one rule at a time.
  await page.fill('#password', 'short');
  await page.fill('#password_confirmation', 'short');
  await h.submit(page, 'Save password', { status: 422 });
  await h.assertErrors(page, ['Password must be at least 9 characters long']);
  await page.fill('#password', 'Password123!');
  await page.fill('#password_confirmation', 'Password123!');
  await h.submit(page, 'Save password', { status: 422 });
  await h.assertErrors(page, ['Password is too common. Choose a password that is harder to guess']);
  await page.fill('#password', 'gable-window-77');
  await page.fill('#password_confirmation', 'gable-window-77');
  await h.submit(page, 'Save password', { status: 422 });
  await h.assertErrors(page, ['Password must include at least one capital letter']);
  await page.fill('#password', 'Gable-Window-77');
  await page.fill('#password_confirmation', 'Gable-Window-78');
  await h.submit(page, 'Save password', { status: 422 });
  await h.assertErrors(page, ['Passwords do not match']);

  await page.fill('#password', 'Gable-Window-77');
  await page.fill('#password_confirmation', 'Gable-Window-77');
  await h.submit(page, 'Save password');
  assert.equal(pathOf(page), '/account/sign-in');
  assert.match(await h.successText(page), /Your password has been changed\. Sign in with your new password\./);

  // The link works once.
  await h.visit(page, link, { status: 404 });
  assert.equal(await h.h1(page), 'This link has expired or has already been used');

  // The old password no longer works; the new one does.
  await h.visit(page, '/account/sign-in');
  await trySignIn(email, h.DEMO_PASSWORD, 422);
  await h.assertErrors(page, ['Incorrect email or password']);
  await h.signIn(page, email, 'Gable-Window-77');
  assert.equal(pathOf(page), '/');
  await h.signOut(page);
});

test('an unknown email gets the same reply and no email', async () => {
  const email = 'nobody@northshire.example';
  await page.context().clearCookies();
  await h.visit(page, '/account/password/new');
  await page.fill('#email', email);
  await h.submit(page, 'Send email');
  assert.equal(await h.h1(page), 'Check your email');
  await h.sleep(300);
  assert.equal(h.latestEmail(server.mailDir, email), null);
  // A made-up token is refused.
  await h.visit(page, '/account/password/reset?token=0123456789abcdef', { status: 404 });
  assert.equal(await h.h1(page), 'This link has expired or has already been used');
});

test('a password reset unlocks a locked account', async () => {
  const email = 'coordinator@eastbrook.example';
  await page.context().clearCookies();
  await h.visit(page, '/account/sign-in');
  for (const n of [1, 2, 3]) await trySignIn(email, `Wrong-Password-${n}`, 422);
  await h.assertErrors(page, [LOCKED]);

  const link = await requestReset(email);
  await h.visit(page, link);
  await page.fill('#password', 'Harbour-Lantern-42');
  await page.fill('#password_confirmation', 'Harbour-Lantern-42');
  await h.submit(page, 'Save password');
  await h.signIn(page, email, 'Harbour-Lantern-42');
  assert.equal(pathOf(page), '/');
  await h.signOut(page);
});

test('change password from the account page', async () => {
  const email = 'dpo@northshire.example';
  await h.signIn(page, email);
  await h.follow(page, 'Your account');
  await h.follow(page, 'Change password');
  assert.equal(pathOf(page), '/account/change-password');
  assert.equal(await h.h1(page), 'Change your password');

  await h.submit(page, 'Change password', { status: 422 });
  await h.assertErrors(page, ['Enter your current password']);

  await page.fill('#current_password', 'Not-My-Password-1');
  await page.fill('#password', 'Copper-Kettle-58');
  await page.fill('#password_confirmation', 'Copper-Kettle-58');
  await h.submit(page, 'Change password', { status: 422 });
  await h.assertErrors(page, ['The password you entered is not your current password']);

  await page.fill('#current_password', h.DEMO_PASSWORD);
  await page.fill('#password', 'weak');
  await page.fill('#password_confirmation', 'weak');
  await h.submit(page, 'Change password', { status: 422 });
  await h.assertErrors(page, ['Password must be at least 9 characters long']);

  // The current password cannot be used again.
  await page.fill('#current_password', h.DEMO_PASSWORD);
  await page.fill('#password', h.DEMO_PASSWORD);
  await page.fill('#password_confirmation', h.DEMO_PASSWORD);
  await h.submit(page, 'Change password', { status: 422 });
  await h.assertErrors(page, ['Enter a password you have not used before. You cannot use any of your last 3 passwords']);

  await page.fill('#current_password', h.DEMO_PASSWORD);
  await page.fill('#password', 'Copper-Kettle-58');
  await page.fill('#password_confirmation', 'Copper-Kettle-58');
  await h.submit(page, 'Change password');
  assert.equal(pathOf(page), '/account');
  assert.match(await h.successText(page), /Your password has been changed/);
  // Still signed in after the change.
  assert.equal(await page.getByRole('link', { name: 'Sign out' }).count(), 1);
  await h.signOut(page);

  await h.visit(page, '/account/sign-in');
  await trySignIn(email, h.DEMO_PASSWORD, 422);
  await h.assertErrors(page, ['Incorrect email or password']);
  await h.signIn(page, email, 'Copper-Kettle-58');
  await h.signOut(page);
});

test('change personal details from the account page', async () => {
  await h.signIn(page, 'support@example.gov.uk');
  await h.visit(page, '/account');
  await h.follow(page, 'Change telephone number');
  assert.equal(pathOf(page), '/account/edit');
  assert.equal(await h.h1(page), 'Change your personal details');
  assert.equal(await page.inputValue('#name'), 'Sam Support');

  await page.fill('#name', '');
  await page.fill('#phone', 'call me');
  await h.submit(page, 'Save changes', { status: 422 });
  await h.assertErrors(page, ['Enter a name', 'Enter a telephone number, like 01632 960 001 or 07700 900 982']);

  await page.fill('#name', 'Sam Support-Smith');
  await page.fill('#phone', '01632 960 999');
  await h.submit(page, 'Save changes');
  assert.equal(pathOf(page), '/account');
  assert.match(await h.successText(page), /Your details have been updated/);
  assert.equal(await h.summaryValue(page, 'Name'), 'Sam Support-Smith');
  assert.equal(await h.summaryValue(page, 'Telephone number'), '01632 960 999');
  await h.signOut(page);
});

test('sign out from the header link and from the confirmation page', async () => {
  await h.signIn(page, 'coordinator@riverside.example');
  await h.signOut(page);
  // Signed out for real: a signed-in page asks to sign in, and signing in returns there.
  await h.visit(page, '/account');
  assert.equal(pathOf(page), '/account/sign-in');
  await trySignIn('coordinator@riverside.example', h.DEMO_PASSWORD, 200);
  assert.equal(pathOf(page), '/account');

  // Without the token in the link, sign out asks first.
  await h.visit(page, '/account/sign-out');
  assert.equal(await h.h1(page), 'Sign out');
  await h.submit(page, 'Sign out');
  assert.equal(pathOf(page), '/account/sign-in');
  assert.match(await page.locator('main').innerText(), /You have been signed out/);
  await h.visit(page, '/account');
  assert.equal(pathOf(page), '/account/sign-in');

  // A sign-out link with a wrong token does not sign anyone out.
  await h.signIn(page, 'coordinator@riverside.example');
  await h.visit(page, '/account/sign-out?token=0000');
  assert.equal(await h.h1(page), 'Sign out');
  await h.visit(page, '/account');
  assert.equal(pathOf(page), '/account');
  await h.signOut(page);
});
