// Shared helpers for the browser tests (node:test + playwright-core + axe-core).
//
// Each test file starts its own server on a fresh SQLite database with the demo data, so files
// do not depend on each other. Run from the repository root:
//   TMPDIR=/tmp/scratch/browser-tmp node --test --test-concurrency=1 tests/browser/
'use strict';

const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const ROOT = process.env.CORE_ROOT || path.resolve(__dirname, '../..');
const CORE_BIN = process.env.CORE_BIN || path.join(ROOT, 'build', 'core');
const DEMO_PASSWORD = 'Housing-Demo-2026';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

function scratchBase() {
  const base = process.env.TMPDIR || os.tmpdir();
  fs.mkdirSync(base, { recursive: true });
  return base;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Starts `core serve` on a fresh, migrated and seeded SQLite database.
// { extraUsers: N } adds N demo providers to Northshire (seed --demo --users N), for pagination.
// Returns { baseUrl, port, dir, mailDir, dbUrl, url(path), stop() }.
async function startServer({ extraUsers = 0 } = {}) {
  const dir = fs.mkdtempSync(path.join(scratchBase(), 'core-browser-'));
  const mailDir = path.join(dir, 'mail');
  fs.mkdirSync(mailDir);
  const dbUrl = `sqlite://${path.join(dir, 'core.sqlite3')}`;
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    CORE_ROOT: ROOT,
    CORE_ARGON2: 'min',
    CORE_MAIL_DIR: mailDir,
    CORE_MAILER: 'file',
    // Emailed links must point at the address the browser uses (the default names localhost).
    CORE_BASE_URL: baseUrl,
  };
  delete env.CORE_DATABASE_URL;
  execFileSync(CORE_BIN, ['migrate', '--database', dbUrl], { env, stdio: 'pipe' });
  const seedArgs = ['seed', '--demo', '--database', dbUrl];
  if (extraUsers) seedArgs.push('--users', String(extraUsers));
  execFileSync(CORE_BIN, seedArgs, { env, stdio: 'pipe' });

  const log = fs.openSync(path.join(dir, 'server.log'), 'a');
  const child = spawn(CORE_BIN, ['serve', '--port', String(port), '--database', dbUrl], {
    env,
    stdio: ['ignore', log, log],
  });
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });

  const deadline = Date.now() + 15000;
  for (;;) {
    if (exited) {
      throw new Error(`core serve exited early (${JSON.stringify(exited)}):\n` +
        fs.readFileSync(path.join(dir, 'server.log'), 'utf8'));
    }
    try {
      const res = await fetch(`${baseUrl}/health`);
      if (res.status === 200) {
        const body = await res.json();
        assert.equal(body.status, 'ok');
        break;
      }
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error('core serve did not answer /health within 15 s');
    }
    await sleep(50);
  }

  return {
    baseUrl,
    port,
    dir,
    mailDir,
    dbUrl,
    url: (p) => baseUrl + p,
    serverLog: () => fs.readFileSync(path.join(dir, 'server.log'), 'utf8'),
    async stop() {
      if (!exited) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 5000);
        await done;
        clearTimeout(timer);
      }
      fs.closeSync(log);
      if (!process.env.KEEP_BROWSER_TEST_DIRS) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Launches chromium as STACK-NOTES §8 does. { javaScriptEnabled: false } gives a no-JS browser.
// Returns the persistent context; context.closeAll() closes it and removes its profile.
async function launchBrowser({ javaScriptEnabled = true } = {}) {
  const userDataDir = fs.mkdtempSync(path.join(scratchBase(), 'chrome-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    javaScriptEnabled,
    viewport: { width: 1280, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  context.setDefaultTimeout(15000);
  context.closeAll = async () => {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return context;
}

async function firstPage(context) {
  return context.pages()[0] || context.newPage();
}

function formatViolations(violations, url) {
  return violations.map((v) => {
    const nodes = v.nodes.map((n) => `      ${n.target.join(' ')}\n        ${n.failureSummary.replace(/\n/g, '\n        ')}`);
    return `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes.join('\n')}`;
  }).join('\n') + `\n  on ${url}`;
}

// Runs axe on the current page (WCAG 2.2 AA tag set) and fails on any violation.
async function checkA11y(page) {
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  // The server's CSP (script-src 'self') blocks addScriptTag's inline script; evaluate() runs
  // through the DevTools protocol, which CSP does not cover, so the page's own policy stays on.
  if (!hasAxe) await page.evaluate(axeSource);
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS,
  );
  assert.equal(result.violations.length, 0,
    `axe found ${result.violations.length} accessibility violation(s):\n${formatViolations(result.violations, page.url())}`);
  return result;
}

// Waits until the page is ready to check: loaded, and any autocomplete enhancement done.
async function settle(page) {
  await page.waitForLoadState('load');
  const enhance = await page.evaluate(() =>
    document.body.classList.contains('js-enabled') && !!document.querySelector('select[data-enhance="autocomplete"]'));
  if (enhance) await page.waitForSelector('.autocomplete__wrapper');
}

// Goes to a path, checks the HTTP status (200 unless told) and runs axe on the page.
async function visit(page, urlOrPath, { status = 200 } = {}) {
  const target = /^https?:/.test(urlOrPath) ? urlOrPath : page.__baseUrl + urlOrPath;
  const response = await page.goto(target, { waitUntil: 'load' });
  assert.ok(response, `no response for ${target}`);
  assert.equal(response.status(), status, `GET ${target} answered ${response.status()}, expected ${status}`);
  await settle(page);
  await checkA11y(page);
  return response;
}

// Runs `action` (a click or key press that sends a form or follows a link), waits for the page it
// leads to, checks that page's HTTP status (after redirects) and runs axe on it.
async function navigateBy(page, action, { status = 200 } = {}) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), action()]);
  assert.ok(response, `no response after navigating to ${page.url()}`);
  assert.equal(response.status(), status, `${page.url()} answered ${response.status()}, expected ${status}`);
  await settle(page);
  await checkA11y(page);
  return response;
}

// Clicks the button with this exact name (sending its form), then as navigateBy.
function submit(page, buttonName, opts) {
  return navigateBy(page, () => page.getByRole('button', { name: buttonName, exact: true }).click(), opts);
}

// Clicks the link with this exact accessible name, then as navigateBy.
function follow(page, linkName, opts) {
  return navigateBy(page, () => page.getByRole('link', { name: linkName, exact: true }).first().click(), opts);
}

// Pages remember the server's base URL so visit(page, '/path') works.
function bindPage(page, server) {
  page.__baseUrl = server.baseUrl;
  return page;
}

// Signs in through the form and checks that it worked (a Sign out link, no error summary).
async function signIn(page, email, password = DEMO_PASSWORD) {
  await visit(page, '/account/sign-in');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await submit(page, 'Sign in');
  assert.equal(await page.locator('.govuk-error-summary').count(), 0,
    `signing in as ${email} failed: ${await page.locator('.govuk-error-summary').innerText().catch(() => '')}`);
  assert.ok(await page.getByRole('link', { name: 'Sign out' }).isVisible(), `no Sign out link after signing in as ${email}`);
}

async function signOut(page) {
  await follow(page, 'Sign out');
  assert.match(new URL(page.url()).pathname, /^\/account\/sign-in$/);
  assert.match(await page.locator('main').innerText(), /You have been signed out/);
}

// The text of the notification banner, error summary and field errors.
const successText = (page) => page.locator('.govuk-notification-banner--success').innerText();
const errorSummaryText = (page) => page.locator('.govuk-error-summary').innerText();

// --- email

function emlFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  // Names are <UTC time>-<sequence>-<random>.eml: order by time, then by the sequence number.
  return fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).map((f) => {
    const m = /^(.*Z)-(\d+)-/.exec(f);
    return { file: path.join(dir, f), stamp: m ? m[1] : '', seq: m ? Number(m[2]) : 0 };
  }).sort((a, b) => (a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : a.seq - b.seq));
}

function recipients(text) {
  const header = text.split(/\r?\n\r?\n/)[0];
  const m = /^To:\s*(.*)$/im.exec(header);
  return m ? m[1].toLowerCase() : '';
}

// The newest .eml file addressed to `to` (its whole text), or null.
function latestEmail(dir, to) {
  const want = to.toLowerCase();
  const files = emlFiles(dir).reverse();
  for (const f of files) {
    const text = fs.readFileSync(f.file, 'utf8');
    if (recipients(text).includes(want)) return text;
  }
  return null;
}

// Waits up to `ms` for an email to `to` that is not in `before` (a count of earlier emails to them).
async function waitForEmail(dir, to, { after = 0, ms = 5000 } = {}) {
  const deadline = Date.now() + ms;
  for (;;) {
    const count = emailsTo(dir, to).length;
    if (count > after) return latestEmail(dir, to);
    if (Date.now() > deadline) return null;
    await sleep(50);
  }
}

function emailsTo(dir, to) {
  const want = to.toLowerCase();
  return emlFiles(dir).filter((f) => recipients(fs.readFileSync(f.file, 'utf8')).includes(want));
}

function emailSubject(text) {
  const m = /^Subject:\s*(.*)$/im.exec(text.split(/\r?\n\r?\n/)[0]);
  return m ? m[1].trim() : '';
}

function firstLink(text) {
  const body = text.split(/\r?\n\r?\n/).slice(1).join('\n\n');
  const m = /https?:\/\/[^\s<>"]+/.exec(body);
  return m ? m[0] : null;
}

// --- keyboard

// Presses Tab until the focused element matches `selector` (at most `max` presses).
async function tabTo(page, selector, { max = 80, shift = false } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(shift ? 'Shift+Tab' : 'Tab');
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return;
  }
  const active = await page.evaluate(() => document.activeElement && document.activeElement.outerHTML.slice(0, 200));
  assert.fail(`pressed Tab ${max} times without reaching ${selector}; focus is on ${active}`);
}

module.exports = {
  ROOT,
  DEMO_PASSWORD,
  startServer,
  launchBrowser,
  firstPage,
  bindPage,
  checkA11y,
  visit,
  signIn,
  signOut,
  submit,
  follow,
  navigateBy,
  settle,
  successText,
  errorSummaryText,
  latestEmail,
  waitForEmail,
  emailsTo,
  emailSubject,
  firstLink,
  tabTo,
  sleep,
};
