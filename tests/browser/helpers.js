// Shared helpers for the browser tests (node:test + playwright-core + axe-core).
//
// Each test file starts its own server on a fresh SQLite database with the demo data, so files
// do not depend on each other. Run from the repository root:
//   TMPDIR=/tmp/scratch/browser-tmp node --test --test-concurrency=1 tests/browser/
// Environment: CORE_ROOT (repository root; default: two levels up from here), CORE_BIN (the
// binary; default $CORE_ROOT/build/core), TMPDIR (where the databases, mail and browser
// profiles go), KEEP_BROWSER_TEST_DIRS=1 (keep each server's directory: database, mail, log).
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
// { env: {...} } adds environment variables for the server (and its migrate and seed runs), such
// as CORE_TODAY=YYYY-MM-DD to pin the server's "today".
// Returns { baseUrl, port, dir, mailDir, dbUrl, url(path), stop() }.
async function startServer({ extraUsers = 0, env: extraEnv = {} } = {}) {
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
    ...extraEnv,
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
    // Stops the server with SIGTERM. Fails if it had already died, did not exit cleanly, or
    // logged an unhandled error (the lines the server writes when it answers 500 or 503).
    async stop() {
      const crashed = exited;
      if (!exited) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 5000);
        await done;
        clearTimeout(timer);
      }
      fs.closeSync(log);
      const text = fs.readFileSync(path.join(dir, 'server.log'), 'utf8');
      if (!process.env.KEEP_BROWSER_TEST_DIRS) fs.rmSync(dir, { recursive: true, force: true });
      const problems = [];
      if (crashed) problems.push(`the server died during the tests (${JSON.stringify(crashed)})`);
      else if (exited.code !== 0) problems.push(`the server did not exit cleanly on SIGTERM (${JSON.stringify(exited)})`);
      const errors = text.split('\n').filter((l) => /^(error|busy): /.test(l));
      if (errors.length) problems.push(`the server logged ${errors.length} unhandled error(s):\n  ${errors.join('\n  ')}`);
      if (problems.length) throw new Error(`${problems.join('\n')}\nserver log:\n${text}`);
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
  context.__javaScriptDisabled = !javaScriptEnabled;
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
  const noJs = !!page.context().__javaScriptDisabled;
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!hasAxe) {
    if (noJs) {
      // With JavaScript disabled, DevTools evaluation still works but timers never fire, and axe
      // defers its work with setTimeout(fn, 0). No page script runs on such a page, so run short
      // timers as promise jobs (queueMicrotask callbacks do not run either). Long timers are axe's
      // time-outs: they are dropped, and the one axe waits for (the 10 s CSSOM preload time-out)
      // is avoided with preload: false below.
      await page.evaluate(() => {
        let id = 0;
        window.setTimeout = (fn, ms, ...args) => {
          id += 1;
          if (typeof fn === 'function' && !(ms > 1000)) Promise.resolve().then(() => fn(...args));
          return id;
        };
        window.clearTimeout = () => {};
      });
    }
    // The server's CSP (script-src 'self') blocks addScriptTag's inline script; evaluate() runs
    // through the DevTools protocol, which CSP does not cover, so the page's own policy stays on.
    await page.evaluate(axeSource);
  }
  const options = { runOnly: { type: 'tag', values: AXE_TAGS }, resultTypes: ['violations'] };
  if (noJs) options.preload = false;
  const run = page.evaluate(
    (opts) => window.axe.run(document, opts).then((r) => ({ violations: r.violations, passes: r.passes.length })),
    options,
  );
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve(null), 30000); });
  const result = await Promise.race([run, timeout]).finally(() => clearTimeout(timer));
  assert.ok(result, `axe did not finish within 30 s on ${page.url()}`);
  assert.equal(result.violations.length, 0,
    `axe found ${result.violations.length} accessibility violation(s):\n${formatViolations(result.violations, page.url())}`);
  assert.ok(result.passes > 0, `axe ran no passing rules on ${page.url()}, so it did not really check the page`);
  return result;
}

// Waits until the page is ready to check: loaded, and any autocomplete enhancement done.
async function settle(page) {
  await page.waitForLoadState('load');
  const enhance = await page.evaluate(() =>
    document.body.classList.contains('js-enabled') && !!document.querySelector('select[data-enhance="autocomplete"]'));
  // Every enhanced select gets its type-ahead (some sit in hidden conditional answers, so wait for
  // them to be in the page rather than visible).
  if (enhance) {
    await page.waitForFunction(() => document.querySelectorAll('.autocomplete__wrapper').length >=
      document.querySelectorAll('select[data-enhance="autocomplete"]').length);
  }
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
async function submit(page, buttonName, opts) {
  const button = page.getByRole('button', { name: buttonName, exact: true });
  if (await button.count() !== 1) assert.fail(`${await button.count()} buttons named "${buttonName}" on ${page.url()}`);
  return navigateBy(page, () => button.click(), opts);
}

// Clicks the (first) link with this exact accessible name, then as navigateBy.
async function follow(page, linkName, opts) {
  const link = page.getByRole('link', { name: linkName, exact: true }).first();
  if (await link.count() === 0) assert.fail(`no link named "${linkName}" on ${page.url()}`);
  return navigateBy(page, () => link.click(), opts);
}

// Pages remember the server's base URL so visit(page, '/path') works.
function bindPage(page, server) {
  page.__baseUrl = server.baseUrl;
  return page;
}

// Signs in through the form and checks that it worked (a Sign out link, no error summary).
// Any earlier session is dropped first.
async function signIn(page, email, password = DEMO_PASSWORD) {
  await page.context().clearCookies();
  await visit(page, '/account/sign-in');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await submit(page, 'Sign in');
  const summary = page.locator('.govuk-error-summary');
  if (await summary.count() > 0) assert.fail(`signing in as ${email} failed: ${await summary.innerText()}`);
  assert.ok(await page.getByRole('link', { name: 'Sign out' }).isVisible(), `no Sign out link after signing in as ${email}`);
}

async function signOut(page) {
  await follow(page, 'Sign out');
  assert.match(new URL(page.url()).pathname, /^\/account\/sign-in$/);
  assert.match(await page.locator('main').innerText(), /You have been signed out/);
}

// The success banner's text (fails if there is none).
async function successText(page) {
  const banner = page.locator('.govuk-notification-banner--success');
  assert.equal(await banner.count(), 1, `no success banner on ${page.url()}`);
  return banner.innerText();
}

// Checks a GOV.UK error state: an error summary listing each message (as a link to a field that
// exists), the same messages beside the fields, "Error: " in the page title, and (with JS) focus
// moved to the summary by govuk-frontend.
async function assertErrors(page, messages) {
  const summary = page.locator('.govuk-error-summary');
  assert.equal(await summary.count(), 1, `no error summary on ${page.url()}`);
  assert.equal((await summary.locator('.govuk-error-summary__title').innerText()).trim(), 'There is a problem');
  const links = await summary.locator('.govuk-error-summary__list a').evaluateAll((as) =>
    as.map((a) => ({ text: a.textContent.trim(), href: a.getAttribute('href'),
      target: !!document.getElementById(a.getAttribute('href').slice(1)) })));
  const fieldErrors = (await page.locator('.govuk-error-message').allInnerTexts())
    .map((t) => t.replace(/^Error:\s*/, '').trim());
  for (const m of messages) {
    const link = links.find((l) => l.text === m);
    assert.ok(link, `error summary lacks "${m}"; it lists ${JSON.stringify(links.map((l) => l.text))}`);
    assert.ok(link.target, `error summary link "${m}" points at ${link.href}, which is not on the page`);
    assert.ok(fieldErrors.includes(m), `no field error "${m}" beside a field; field errors: ${JSON.stringify(fieldErrors)}`);
  }
  assert.match(await page.title(), /^Error: /);
  if (!page.context().__javaScriptDisabled) {
    const focused = await page.evaluate(() => document.activeElement.classList.contains('govuk-error-summary'));
    assert.ok(focused, 'govuk-frontend did not move focus to the error summary');
  }
  return links.map((l) => l.text);
}

// The visible texts of the service navigation links, in order.
function navLinks(page) {
  return page.locator('.govuk-service-navigation__list a').allInnerTexts().then((t) => t.map((s) => s.trim()));
}

// Checks the signed-in service navigation: support users get "Organisations", everyone else
// "Your organisation" then "Users"; all end with "Your account" and "Sign out". Feature entries
// ("Home" first, then "Lettings logs", "Sales logs", "Schemes") sit around them; nobody gets the
// other kind of organisation links.
const FEATURE_ENTRIES = ['Home', 'Lettings logs', 'Sales logs', 'Schemes'];
async function assertSignedInNav(page, { support }) {
  const nav = await navLinks(page);
  const first = support ? ['Organisations'] : ['Your organisation', 'Users'];
  const never = support ? ['Your organisation', 'Users'] : ['Organisations'];
  assert.deepEqual(nav.slice(0, 2), ['Home', 'Lettings logs'], `navigation is ${JSON.stringify(nav)}`);
  const withoutFeatures = nav.filter((n) => !FEATURE_ENTRIES.includes(n));
  assert.deepEqual(withoutFeatures.slice(0, first.length), first, `navigation is ${JSON.stringify(nav)}`);
  assert.deepEqual(nav.slice(-2), ['Your account', 'Sign out'], `navigation is ${JSON.stringify(nav)}`);
  for (const n of never) assert.ok(!nav.includes(n), `navigation ${JSON.stringify(nav)} should not have "${n}"`);
  assert.equal(new Set(nav).size, nav.length, `navigation ${JSON.stringify(nav)} repeats an entry`);
  return nav;
}

// A link in the service navigation (the header menu).
function navLink(page, name) {
  return page.locator('.govuk-service-navigation__list').getByRole('link', { name, exact: true });
}

// The rows of the first table on the page, as arrays of cell texts.
function tableRows(page, selector = 'table.govuk-table') {
  return page.locator(`${selector} tbody tr`).evaluateAll((rows) =>
    rows.map((r) => Array.from(r.querySelectorAll('td,th')).map((c) => c.innerText.trim())));
}

// The value shown beside a key in a GOV.UK summary list.
async function summaryValue(page, key) {
  const exact = new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const row = page.locator('.govuk-summary-list__row', { has: page.locator('.govuk-summary-list__key', { hasText: exact }) });
  assert.equal(await row.count(), 1, `no summary list row "${key}" on ${page.url()}`);
  return (await row.locator('.govuk-summary-list__value').innerText()).trim();
}

const h1 = (page) => page.locator('h1').innerText().then((t) => t.trim());

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

// Waits up to `ms` for more than `after` emails to `to` (pass the count taken before the action),
// then returns the newest one's text, or null if none came.
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

// For a test file: starts a server (startServer options) and a browser (launchBrowser options) before
// its tests and stops them after; `use(s)` receives { server, browser, page } once they are up.
function setUpFile({ server: serverOptions = {}, browser: browserOptions = {} } = {}, use) {
  const { before, after } = require('node:test');
  const s = {};
  before(async () => {
    s.server = await startServer(serverOptions);
    s.browser = await launchBrowser(browserOptions);
    s.page = bindPage(await firstPage(s.browser), s.server);
    use(s);
  });
  after(async () => {
    if (s.browser) await s.browser.closeAll();
    if (s.server) await s.server.stop();
  });
}

// The path of the page's current address.
const pathOf = (p) => new URL(p.url()).pathname;

module.exports = {
  setUpFile,
  pathOf,
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
  assertErrors,
  navLinks,
  assertSignedInNav,
  navLink,
  tableRows,
  summaryValue,
  h1,
  latestEmail,
  waitForEmail,
  emailsTo,
  emailSubject,
  firstLink,
  tabTo,
  sleep,
};
