// Accessibility and the log list's layout (issue 11): narrow screens without sideways page
// scrolling, tables that scroll in their own labelled region, unique page titles, type-aheads that
// announce their hint and error, the phase banner and back link inside
// landmarks (axe's "region" rule), and the log list: filters behind "Show filters", delete boxes
// that start unticked, a confirmation listing the logs, a message for an empty list, and an
// organisation's own logs. Every page visited is also checked with axe (WCAG 2.2 AA).
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
const SUPPORT = 'support@example.gov.uk';
const CORE_BIN = process.env.CORE_BIN || path.join(h.ROOT, 'build', 'core');

let northshire = null; // "/organisations/N"
let riverside = null;

// Synthetic logs (core logs generate) for Northshire and Riverside, so the list has rows to lay
// out; made once, by the first test (the file's server starts in a before hook of its own).
async function ensureLogs() {
  if (northshire) return;
  await h.signIn(page, COORDINATOR);
  northshire = await h.navLink(page, 'Your organisation').getAttribute('href');
  await h.signIn(page, 'coordinator@riverside.example');
  riverside = await h.navLink(page, 'Your organisation').getAttribute('href');
  const ids = [northshire, riverside].map((p) => p.split('/').pop()).join(',');
  execFileSync(CORE_BIN, ['logs', 'generate', '--count', '30', '--organisations', ids, '--database', server.dbUrl],
    { env: { ...process.env, CORE_ROOT: h.ROOT, CORE_TODAY: '2026-06-01' }, stdio: 'pipe' });
}

// How far the page scrolls sideways (0 when it fits the viewport).
const pageOverflow = (p) => p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

// Every table sits in a focusable region labelled by the table's caption, which scrolls by itself.
async function assertTablesInRegions(p) {
  const tables = await p.locator('table.govuk-table').evaluateAll((ts) => ts.map((t) => {
    const box = t.parentElement;
    const label = box.getAttribute('aria-labelledby');
    return {
      container: box.classList.contains('app-table-container'),
      role: box.getAttribute('role'),
      tabindex: box.getAttribute('tabindex'),
      labelIsCaption: !!label && t.caption !== null && t.caption.id === label,
      overflowX: getComputedStyle(box).overflowX,
    };
  }));
  for (const t of tables) {
    assert.deepEqual(t, { container: true, role: 'region', tabindex: '0', labelIsCaption: true, overflowX: 'auto' },
      `a table on ${p.url()} is not in a labelled, focusable, scrolling region`);
  }
  return tables.length;
}

// Runs axe's "region" rule (a best practice, not in the WCAG tag set): all content in landmarks.
async function assertAllInLandmarks(p) {
  const result = await p.evaluate(() => window.axe.run(document, { runOnly: { type: 'rule', values: ['region'] } }));
  const nodes = result.violations.flatMap((v) => v.nodes.map((n) => n.target.join(' ')));
  assert.deepEqual(nodes, [], `content outside any landmark on ${p.url()}`);
  assert.ok(result.passes.length + result.inapplicable.length > 0);
}

test('at 320 and 390 px the list pages do not scroll sideways; each table scrolls in its own region', async () => {
  await ensureLogs();
  await h.signIn(page, SUPPORT);
  await h.visit(page, '/schemes');
  const scheme = await page.locator('table.govuk-table tbody a').first().getAttribute('href');
  const lists = ['/lettings-logs', '/organisations', `${northshire}/users`, `${northshire}/lettings-logs`,
    `${northshire}/managing-agents`, `${riverside}/stock-owners`, '/schemes', `${scheme}/locations`, '/cookies'];
  try {
    for (const width of [320, 390]) {
      await page.setViewportSize({ width, height: 800 });
      for (const list of lists) {
        await h.visit(page, list);
        assert.ok(await assertTablesInRegions(page) > 0, `no table on ${list}`);
        assert.equal(await pageOverflow(page), 0, `${list} scrolls sideways at ${width} px`);
      }
    }
    // A laptop: the log list fits without scrolling (neither the page nor the table).
    for (const width of [1024, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      await h.visit(page, '/lettings-logs');
      assert.equal(await pageOverflow(page), 0, `the log list scrolls sideways at ${width} px`);
      const fits = await page.locator('.app-table-container').first().evaluate((box) => ({
        table: box.querySelector('table').scrollWidth, box: box.clientWidth,
        main: document.querySelector('main').getBoundingClientRect().right, right: box.getBoundingClientRect().right,
      }));
      assert.ok(fits.table <= fits.box, `the log table is ${fits.table} px wide in a ${fits.box} px container at ${width} px`);
      assert.ok(fits.right <= fits.main + 0.5, `the log table runs past the page container at ${width} px`);
    }
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});

test('at 390 px the filters are behind "Show filters", and the first log comes soon after the heading', async () => {
  await ensureLogs();
  await h.signIn(page, COORDINATOR);
  try {
    await page.setViewportSize({ width: 390, height: 844 });
    await h.visit(page, '/lettings-logs');
    const details = page.locator('details.app-log-filters-toggle');
    assert.equal(await details.evaluate((d) => d.open), false);
    assert.equal(await page.getByRole('group', { name: 'Status' }).isVisible(), false, 'the filters show before asking');
    // Closed, the filters take one line; the first log is on the first screen of a 390 × 844 phone.
    const closed = await details.evaluate((d) => d.getBoundingClientRect().height);
    assert.ok(closed < 80, `the closed filters take ${closed} px`);
    const top = await page.locator('table.govuk-table tbody tr').first().evaluate((r) => r.getBoundingClientRect().top + window.scrollY);
    assert.ok(top < 844 - 40, `the first log starts ${top} px down the page`);
    // With JavaScript the summary is a toggle that says what it does.
    await page.locator('summary', { hasText: 'Show filters' }).click();
    assert.equal(await page.getByRole('group', { name: 'Status' }).isVisible(), true);
    assert.equal((await page.locator('details.app-log-filters-toggle summary').innerText()).trim(), 'Hide filters');
    await h.checkA11y(page);
    // Filtering from the open panel works.
    await page.getByRole('group', { name: 'Status' }).getByLabel('Completed').check();
    await h.submit(page, 'Apply filters');
    assert.match(await page.locator('caption').innerText(), /logs? found$/);
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
    await h.visit(page, '/lettings-logs/clear-filters');
  }
});

test('without JavaScript the filters open from "Show filters" too', async () => {
  await ensureLogs();
  const noJs = await h.launchBrowser({ javaScriptEnabled: false });
  try {
    const p = h.bindPage(await h.firstPage(noJs), server);
    await h.signIn(p, COORDINATOR);
    await p.setViewportSize({ width: 390, height: 800 });
    await h.visit(p, '/lettings-logs');
    assert.equal(await p.getByRole('group', { name: 'Status' }).isVisible(), false);
    await p.locator('summary', { hasText: 'Show filters' }).click();
    assert.equal(await p.getByRole('group', { name: 'Status' }).isVisible(), true);
    await p.getByRole('group', { name: 'Needs type' }).getByLabel('General needs').check();
    await h.submit(p, 'Apply filters');
    const rows = await h.tableRows(p);
    assert.ok(rows.length > 0 && rows.every((r) => r.includes('General needs')), `filtered rows: ${JSON.stringify(rows.slice(0, 3))}`);
    assert.equal(await pageOverflow(p), 0);
  } finally {
    await noJs.closeAll();
  }
});

test('delete boxes start unticked; the confirmation lists each log\'s id, tenant code and property reference', async () => {
  await ensureLogs();
  for (const who of [SUPPORT, COORDINATOR]) {
    await h.signIn(page, who);
    await h.visit(page, '/lettings-logs/clear-filters');
    // A coordinator gets the boxes after a filter or search; support always.
    if (who === COORDINATOR) await h.visit(page, '/lettings-logs?filtered=1&status=in_progress&status=completed&status=not_started');
    const boxes = page.locator('input[name="ids"][type="checkbox"]');
    assert.ok(await boxes.count() > 1, `${who} has no delete boxes`);
    assert.deepEqual(await boxes.evaluateAll((bs) => bs.filter((b) => b.checked).map((b) => b.value)), [],
      `boxes start ticked for ${who}`);
  }
  // Tick two and ask to delete them.
  const rows = await h.tableRows(page);
  const boxes = page.locator('input[name="ids"][type="checkbox"]');
  const picked = [];
  for (const i of [0, 1]) {
    await boxes.nth(i).check();
    picked.push({ id: await boxes.nth(i).getAttribute('value'), codes: rows[i][2] });
  }
  await h.submit(page, 'Delete selected logs');
  assert.equal(pathOf(page), '/lettings-logs/delete');
  assert.equal(await h.h1(page), 'Are you sure you want to delete these logs?');
  const listed = await h.tableRows(page, '#logs-to-delete');
  assert.deepEqual(listed.map((r) => r[0]), picked.map((p) => p.id));
  for (const [i, p] of picked.entries()) {
    // The list shows "tenant code<br>property reference" in one cell.
    assert.equal(`${listed[i][1]}\n${listed[i][2]}`.trim(), p.codes, `log ${p.id}: ${JSON.stringify(listed[i])}`);
    assert.ok(listed[i][1] !== '' && listed[i][2] !== '', `log ${p.id} is listed without its codes`);
  }
  await h.follow(page, 'Cancel');
  await h.visit(page, `/lettings-logs/${picked[0].id}`);
  await h.visit(page, '/lettings-logs/clear-filters');
});

test('a search with no results shows a message and a "Clear filters" link, not an empty table', async () => {
  await ensureLogs();
  await h.signIn(page, COORDINATOR);
  await h.visit(page, '/lettings-logs?search=NO-SUCH-LOG-XYZ');
  assert.equal(await page.locator('table').count(), 0, 'an empty table is shown');
  assert.match(await page.locator('main').innerText(), /0 logs found[\s\S]*No logs match your search or filters/);
  await h.follow(page, 'Clear filters');
  assert.equal(pathOf(page), '/lettings-logs');
  assert.ok((await h.tableRows(page)).length > 0, 'clearing the filters brings the logs back');
  assert.equal(await page.getByRole('link', { name: 'Clear filters' }).count(), 0);
});

test('support reaches an organisation\'s logs from its sub-navigation; others only their own', async () => {
  await ensureLogs();
  await h.signIn(page, SUPPORT);
  await h.visit(page, riverside);
  await h.navigateBy(page, () => page.locator('nav[aria-label="Organisation"]').getByRole('link', { name: 'Lettings logs' }).click());
  assert.equal(pathOf(page), `${riverside}/lettings-logs`);
  assert.match(await page.title(), /^Lettings logs - Riverside Homes Housing Association - /);
  assert.equal(await page.locator('nav[aria-label="Organisation"] a[aria-current="page"]').innerText(), 'Lettings logs');
  const rows = await h.tableRows(page);
  assert.ok(rows.length > 0);
  for (const r of rows) assert.match(r.join(' '), /Riverside Homes/, `a log of another organisation: ${JSON.stringify(r)}`);
  // Paging stays on the organisation's list.
  const next = page.locator('.govuk-pagination__next a');
  if (await next.count()) assert.match(await next.getAttribute('href'), new RegExp(`^${riverside}/lettings-logs`));

  await h.signIn(page, 'provider@riverside.example');
  await h.visit(page, `${riverside}/lettings-logs`);
  await h.visit(page, `${northshire}/lettings-logs`, { status: 404 });
});

test('page titles are unique: check answers, password reset, organisation and scheme pages', async () => {
  await ensureLogs();
  await h.signIn(page, COORDINATOR);
  await h.visit(page, '/lettings-logs');
  const log = await page.locator('table.govuk-table tbody a').first().getAttribute('href');
  const id = log.split('/').pop();
  const subsections = ['setup', 'property-information', 'tenancy-information', 'household-characteristics',
    'household-needs', 'household-situation', 'income-and-benefits'];
  const titles = [];
  for (const s of subsections) {
    await h.visit(page, `${log}/${s}/check-answers`);
    titles.push(await page.title());
    assert.equal(await h.h1(page), 'Check your answers');
  }
  assert.equal(new Set(titles).size, titles.length, `check answers titles repeat: ${JSON.stringify(titles)}`);
  assert.match(titles[3], new RegExp(`^Check your answers: Household characteristics - Log ${id} - `));

  // Organisation pages name the organisation.
  for (const [p, start] of [['users', 'Users'], ['stock-owners', 'Stock owners'], ['managing-agents', 'Managing agents']]) {
    await h.visit(page, `${northshire}/${p}`);
    assert.match(await page.title(), new RegExp(`^${start} - Northshire County Council - `));
  }
  // Scheme pages name the scheme; an existing scheme's check answers does not talk of creating it.
  await h.visit(page, '/schemes');
  const schemeLink = page.locator('table.govuk-table tbody a').first();
  const schemeName = (await schemeLink.innerText()).trim();
  const scheme = await schemeLink.getAttribute('href');
  await h.visit(page, `${scheme}/locations`);
  assert.equal(await page.title(), `Locations - ${schemeName} - Submit social housing lettings and sales data (CORE) - GOV.UK`);
  await h.visit(page, `${scheme}/check-answers`);
  assert.doesNotMatch(await page.title(), /before creating/);
  assert.doesNotMatch(await h.h1(page), /before creating/);
  assert.match(await page.title(), new RegExp(`^Check your answers: ${schemeName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} - `));

  // The two password reset pages.
  await page.context().clearCookies();
  await h.visit(page, '/account/password/new');
  const requestTitle = await page.title();
  const before = h.emailsTo(server.mailDir, COORDINATOR).length;
  await page.fill('#email', COORDINATOR);
  await h.submit(page, 'Send email');
  const mail = await h.waitForEmail(server.mailDir, COORDINATOR, { after: before });
  assert.ok(mail, 'no reset email');
  await h.visit(page, h.firstLink(mail));
  assert.equal(await h.h1(page), 'Reset your password');
  assert.notEqual(await page.title(), requestTitle);
  assert.match(await page.title(), /^Reset your password: create a new password - /);
});

test('a type-ahead\'s input carries the select\'s hint and error ids, also after typing', async () => {
  await ensureLogs();
  await h.signIn(page, COORDINATOR);
  await h.visit(page, `${northshire}/stock-owners/add`);
  await h.submit(page, 'Add', { status: 422 });
  const input = page.locator('input#related_organisation_id');
  assert.equal(await input.count(), 1, 'the select was not enhanced');
  const ids = (await input.getAttribute('aria-describedby') || '').split(/\s+/);
  for (const want of ['related_organisation_id-hint', 'related_organisation_id-error'])
    assert.ok(ids.includes(want), `the type-ahead input is described by ${JSON.stringify(ids)}, not ${want}`);
  assert.match(await page.locator('#related_organisation_id-error').innerText(), /Select an organisation from the list/);
  // Typing (which makes the library rewrite aria-describedby) keeps them.
  await input.fill('River');
  await page.waitForFunction(() => document.querySelectorAll('#related_organisation_id__listbox li').length > 0);
  const after = (await input.getAttribute('aria-describedby') || '').split(/\s+/);
  assert.ok(after.includes('related_organisation_id-error') && after.includes('related_organisation_id-hint'),
    `after typing the input is described by ${JSON.stringify(after)}`);
});

test('the phase banner and back link sit inside landmarks (axe "region") on pages with and without a back link', async () => {
  await ensureLogs();
  await h.signIn(page, COORDINATOR);
  await h.visit(page, '/lettings-logs');
  const log = await page.locator('table.govuk-table tbody a').first().getAttribute('href');
  for (const p of ['/lettings-logs', log, `${log}/history`, `${log}/setup/check-answers`, northshire, '/account']) {
    await h.visit(page, p);
    await assertAllInLandmarks(page);
    if (p.endsWith('/history')) assert.ok(await assertTablesInRegions(page) > 0, 'the history has no table');
    assert.equal(await page.locator('header .govuk-phase-banner').count(), 1);
    const back = page.locator('.govuk-back-link');
    if (await back.count()) assert.equal(await back.evaluate((b) => !!b.closest('main')), true);
  }
  await page.context().clearCookies();
  await h.visit(page, '/account/sign-in');
  await assertAllInLandmarks(page);
});

test('the start page and each role\'s home page pass axe with JavaScript on and off; tiles lead to their lists', async () => {
  await ensureLogs();
  const noJs = await h.launchBrowser({ javaScriptEnabled: false });
  try {
    const off = h.bindPage(await h.firstPage(noJs), server);
    for (const p of [page, off]) {
      // Signed out, `/` is the start page (visit runs axe on it); "Start now" leads to sign in.
      await p.context().clearCookies();
      await h.visit(p, '/');
      assert.equal(await h.h1(p), 'Submit social housing lettings and sales data (CORE)');
      assert.match(await p.title(), /^Start - Submit social housing lettings and sales data \(CORE\) - GOV\.UK$/);
      assert.match(await p.locator('main').innerText(), /Q1 deadline: 10 July 2026/);
      await p.setViewportSize({ width: 320, height: 800 });
      assert.equal(await pageOverflow(p), 0, 'the start page scrolls sideways at 320 px');
      await p.setViewportSize({ width: 1280, height: 900 });
      await h.navigateBy(p, () => p.getByRole('button', { name: 'Start now' }).click());
      assert.equal(pathOf(p), '/account/sign-in');

      // Signed in, the home page (signIn's submit runs axe on it), one title per role.
      const titles = new Set();
      for (const [who, title] of [[SUPPORT, 'Manage all data'], [COORDINATOR, "Manage your organisation's logs"],
        ['provider@northshire.example', 'Manage logs assigned to you']]) {
        await h.signIn(p, who);
        assert.equal(pathOf(p), '/');
        assert.equal(await h.h1(p), title);
        titles.add(await p.title());
        assert.equal(await h.navLink(p, 'Home').getAttribute('aria-current'), 'page');
        await p.setViewportSize({ width: 320, height: 800 });
        assert.equal(await pageOverflow(p), 0, `the home page scrolls sideways at 320 px for ${who}`);
        await p.setViewportSize({ width: 1280, height: 900 });
      }
      assert.equal(titles.size, 3);

      // The coordinator's completed lettings (the generated logs): the tile's number is the list's.
      await h.signIn(p, COORDINATOR);
      const tile = p.locator('a.app-count-tile__link', { hasText: /completed lettings logs?$/ });
      const count = (await tile.locator('.app-count-tile__count').innerText()).trim();
      assert.ok(Number(count) > 0, `the completed lettings tile shows ${count}`);
      await h.navigateBy(p, () => tile.click());
      assert.equal(pathOf(p), '/lettings-logs');
      assert.match(await p.locator('caption').innerText(), new RegExp(`^${count} logs? found$`));
      assert.equal(await p.locator('input[name="status"][value="completed"]').isChecked(), true, 'the list shows the filter');
      await h.visit(p, '/lettings-logs/clear-filters');
    }
  } finally {
    await noJs.closeAll();
  }
});
