// CSV downloads in the browser (issue 14): from the log list's "Download (CSV)" link through the
// year picker and the confirmation to the file (a real download, read back: BOM, definitions,
// headers, the log); then a bigger download (more logs than CORE_CSV_STREAM_LIMIT, set to 3 here)
// prepared by the server's job, its emailed link, and the file behind it. Every page is checked
// with axe (WCAG 2.2 AA), and the journey works with JavaScript off.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./helpers');

let server;
let browser;
let page;
h.setUpFile({ server: { env: { CORE_TODAY: '2026-06-01', CORE_CSV_STREAM_LIMIT: '3' } } }, (s) => ({ server, browser, page } = s));

const COORDINATOR = 'coordinator@northshire.example';
const CORE_BIN = process.env.CORE_BIN || path.join(h.ROOT, 'build', 'core');

function generate(org, count) {
  execFileSync(CORE_BIN, ['logs', 'generate', '--count', String(count), '--organisations', org, '--database', server.dbUrl],
    { env: { ...process.env, CORE_ROOT: h.ROOT, CORE_TODAY: '2026-06-01' }, stdio: 'pipe' });
}

// The rows of a CSV file as a spreadsheet would read them (quoted cells, doubled quotes, CRLF).
function parseCsv(text) {
  const rows = [[]];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { rows[rows.length - 1].push(cell); cell = ''; } else if (ch === '\r' && text[i + 1] === '\n') {
      rows[rows.length - 1].push(cell); cell = ''; rows.push([]); i++;
    } else cell += ch;
  }
  if (rows[rows.length - 1].length === 0) rows.pop();
  return rows;
}

async function downloadBy(p, action) {
  const [download] = await Promise.all([p.waitForEvent('download'), action()]);
  const file = await download.path();
  return { name: download.suggestedFilename(), text: fs.readFileSync(file, 'utf8') };
}

test('a coordinator downloads their list as a CSV file', async () => {
  await h.signIn(page, COORDINATOR);
  const northshire = (await h.navLink(page, 'Your organisation').getAttribute('href')).split('/').pop();
  generate(northshire, 2);
  await h.visit(page, '/lettings-logs');
  await h.follow(page, 'Download (CSV)');
  assert.equal(h.pathOf(page), '/lettings-logs/csv-download');
  assert.match(await page.locator('h1').innerText(), /Which collection year do you want to download\?/);
  await h.checkA11y(page);
  await page.getByLabel('2026 to 2027').check();
  await h.navigateBy(page, () => page.getByRole('button', { name: 'Continue', exact: true }).click());
  assert.match(await page.locator('main').innerText(), /You have selected 2 logs/);
  await h.checkA11y(page);
  const file = await downloadBy(page, () => page.getByRole('button', { name: 'Download CSV', exact: true }).click());
  assert.match(file.name, /^lettings-logs-2026-27-.*\.csv$/);
  assert.equal(file.text.charCodeAt(0), 0xfeff, 'a byte order mark for Excel');
  const rows = parseCsv(file.text.slice(1));
  assert.equal(rows[0][0], 'Log ID');
  assert.equal(rows[1][0], 'id');
  assert.equal(rows[1].length, 185, 'the columns everyone but support gets');
  assert.equal(rows.length, 4, 'two header rows and one row per log');
  assert.equal(rows[2][rows[1].indexOf('status')], 'completed');
});

test('a bigger download is prepared by the server and its link emailed', async () => {
  await h.signIn(page, COORDINATOR);
  const northshire = (await h.navLink(page, 'Your organisation').getAttribute('href')).split('/').pop();
  generate(northshire, 4);
  await h.visit(page, '/lettings-logs?filtered=1&years=2026');
  await h.follow(page, 'Download (CSV)');
  assert.match(await page.locator('main').innerText(), /email you a link/);
  const before = h.emailsTo(server.mailDir, COORDINATOR).length;
  await h.navigateBy(page, () => page.getByRole('button', { name: 'Prepare the file and email me', exact: true }).click());
  assert.match(h.pathOf(page), /^\/csv-downloads\/\d+$/);
  await h.checkA11y(page);
  const email = await h.waitForEmail(server.mailDir, COORDINATOR, { after: before, ms: 20000 });
  assert.ok(email, 'an email with the link');
  const link = h.firstLink(email);
  assert.equal(new URL(link).pathname, h.pathOf(page));
  // Without JavaScript, the link's page and the file behind it.
  const nojs = await h.launchBrowser({ javaScriptEnabled: false });
  try {
    await nojs.addCookies(await page.context().cookies());
    const p2 = h.bindPage(await h.firstPage(nojs), server);
    await h.visit(p2, new URL(link).pathname);
    assert.match(await p2.locator('h1').innerText(), /Your CSV download is ready/);
    await h.checkA11y(p2);
    const file = await downloadBy(p2, () => p2.getByRole('button', { name: 'Download the file' }).click());
    const rows = parseCsv(file.text.slice(1));
    assert.ok(rows.length >= 2 + 4, `at least the 4 new logs: ${rows.length - 2}`);
  } finally {
    await nojs.close();
  }
});
