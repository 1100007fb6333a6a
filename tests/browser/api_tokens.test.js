// API tokens in the browser (issue 14): a coordinator goes from their organisation's page to its API
// tokens, names and makes one (shown once), sees it listed, and revokes it; the token works against
// the API until then and not after. The API's documentation page too. Every page is checked with
// axe (WCAG 2.2 AA), with JavaScript off as well.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

let server;
let browser;
let page;
h.setUpFile({ server: { env: { CORE_TODAY: '2026-06-01' } }, browser: { javaScriptEnabled: false } }, (s) => ({ server, browser, page } = s));

async function apiStatus(token) {
  const r = await fetch(server.baseUrl + '/api/v1/lettings-logs', { headers: { Authorization: 'Bearer ' + token } });
  return r.status;
}

test('a coordinator makes, uses and revokes an API token, with JavaScript off', async () => {
  await h.signIn(page, 'coordinator@riverside.example');
  await h.follow(page, 'Your organisation');
  await h.follow(page, 'manage API tokens');
  assert.match(await page.locator('h1').innerText(), /API tokens/);
  await h.submit(page, 'Create a token', { status: 422 });
  await h.assertErrors(page, ['Enter a name for the token']);
  await page.getByLabel('Name the token').fill('Orchard Housing System');
  await h.submit(page, 'Create a token');
  const token = (await page.locator('#new-token').innerText()).trim();
  assert.match(token, /^core_[0-9a-f]{64}$/);
  assert.equal(await apiStatus(token), 200);
  await h.visit(page, h.pathOf(page));
  assert.equal(await page.locator('#new-token').count(), 0, 'shown once only');
  const row = page.locator('#api-tokens tbody tr').first();
  assert.match(await row.innerText(), /Orchard Housing System/);
  assert.match(await row.innerText(), /Active/);
  await h.follow(page, 'Revoke Orchard Housing System');
  await h.submit(page, 'Revoke this token');
  assert.match(await h.successText(page), /has been revoked/);
  assert.match(await page.locator('#api-tokens tbody tr').first().innerText(), /Revoked/);
  assert.equal(await apiStatus(token), 401);
});

test('the API documentation page', async () => {
  await h.visit(page, '/api-docs');
  assert.match(await page.locator('h1').innerText(), /The submission API/);
  assert.ok(await page.getByText('POST /api/v1/lettings-logs', { exact: true }).count() >= 1);
});
