// Drives a log's pages in the browser, for the log tests of every kind (logs.test.js for lettings,
// sales.test.js for sales): reads a question page's controls, answers them from a plain object of
// answers by attribute id (with the keyboard only, or with clicks), follows the task list and check
// answers until every subsection is completed, and notes which kinds of page and question were met
// (every page reached is checked with axe by the helpers).
//
//   const d = require('./log_driver')('/sales-logs');
//   const logPath = await d.completeLog(page, answers, { keyboard: true });
//   await d.assertAllCompleted(page);
//   d.seen  // Set of page and question kinds met ('radio', 'task list', 'check answers'…)
'use strict';

const assert = require('node:assert/strict');
const h = require('./helpers');

const { pathOf } = h;

module.exports = function logDriver(base) {
  // --- what a question page holds

  // Every kind of page and question met, for the axe coverage check at the end.
  const seen = new Set();

  // The page's controls in document order: radio groups, checkboxes, text and number inputs, dates,
  // selects (native, or replaced by accessible-autocomplete), each with what the test needs to know.
  function readControls(p) {
    return p.evaluate(() => {
      const form = document.querySelector('main form[method="post"]:not([action$="/delete"])');
      if (!form) return [];
      const out = [];
      const groups = new Set();
      const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
      for (const el of form.querySelectorAll('input, select')) {
        if (el.type === 'hidden') continue;
        if (el.type === 'radio') {
          if (groups.has(el.name)) continue;
          groups.add(el.name);
          const radios = Array.from(form.querySelectorAll('input[type="radio"]')).filter((r) => r.name === el.name);
          out.push({ kind: 'radio', name: el.name, options: radios.map((r) => ({ id: r.id, value: r.value, label: document.querySelector(`label[for="${r.id}"]`).textContent.trim() })) });
        } else if (el.type === 'checkbox') {
          out.push({ kind: 'checkbox', name: el.name, id: el.id, checked: el.checked });
        } else if (el.classList.contains('govuk-date-input__input')) {
          const attr = el.name.replace(/-(day|month|year)$/, '');
          if (groups.has(attr)) continue;
          groups.add(attr);
          out.push({ kind: 'date', name: attr });
        } else if (el.tagName === 'SELECT') {
          const wrapper = el.parentElement.querySelector('.autocomplete__wrapper');
          out.push({ kind: wrapper ? 'autocomplete' : 'select', name: el.name, id: wrapper ? el.name : el.id,
            options: Array.from(el.options).map((o) => ({ value: o.value, label: o.textContent.trim() })) });
        } else if (el.closest('.autocomplete__wrapper')) {
          continue;  // accessible-autocomplete's own input: handled with its select
        } else {
          const wrapper = el.closest('.govuk-input__wrapper');
          out.push({ kind: el.getAttribute('inputmode') === 'decimal' ? 'numeric' : 'text', name: el.name, id: el.id,
            readonly: el.readOnly, prefix: !!(wrapper && wrapper.querySelector('.govuk-input__prefix')),
            suffix: !!(wrapper && wrapper.querySelector('.govuk-input__suffix')), hidden: !visible(el) });
        }
      }
      return out;
    });
  }

  const isVisible = (p, id) => p.evaluate((i) => {
    const el = document.getElementById(i);
    return !!el && !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  }, id);

  // The option a { label } or plain value answer picks.
  function pick(options, answer) {
    const found = options.find((o) => (answer && typeof answer === 'object'
      ? (answer.label instanceof RegExp ? answer.label.test(o.label) : o.label === answer.label)
      : o.value === String(answer)));
    return found;
  }

  function dateParts(iso) {
    const [y, m, d] = iso.split('-').map(Number);
    return { day: String(d), month: String(m), year: String(y) };
  }

  // --- keyboard driving

  const focused = (p) => p.evaluate(() => {
    const a = document.activeElement;
    return a ? { id: a.id, tag: a.tagName, text: a.textContent.trim(), type: a.type, checked: a.checked, value: a.value } : null;
  });

  // Presses Tab until the focused element is a link or button with this text.
  async function tabToControl(p, text, { max = 120 } = {}) {
    for (let i = 0; i < max; i++) {
      await p.keyboard.press('Tab');
      const f = await focused(p);
      if (f && (f.tag === 'A' || f.tag === 'BUTTON') && f.text === text) return;
    }
    assert.fail(`pressed Tab ${max} times without reaching "${text}" on ${p.url()}`);
  }

  // Types into the focused text input, replacing what it held.
  async function replaceText(p, text) {
    await p.keyboard.press('Control+A');
    await p.keyboard.press('Delete');
    if (text !== '') await p.keyboard.type(text);
  }

  async function keyboardAnswer(p, c, answers) {
    const want = answers[c.name];
    switch (c.kind) {
      case 'radio': {
        const target = pick(c.options, want);
        assert.ok(target, `no option ${JSON.stringify(want)} for ${c.name} on ${p.url()}`);
        const idx = c.options.indexOf(target);
        await h.tabTo(p, `input[type="radio"][name="${c.name}"]`);
        const f = await focused(p);
        let cur = c.options.findIndex((o) => o.id === f.id);
        if (!f.checked) await p.keyboard.press('Space');  // nothing chosen yet: choose the first
        while (cur < idx) { await p.keyboard.press('ArrowDown'); cur++; }
        while (cur > idx) { await p.keyboard.press('ArrowUp'); cur--; }
        assert.ok(await p.isChecked(`[id="${target.id}"]`), `${target.label} is not chosen for ${c.name}`);
        break;
      }
      case 'checkbox': {
        if (!(c.name in answers)) return;
        const on = !!Number(want);
        await h.tabTo(p, `[id="${c.id}"]`);
        if (on !== c.checked) await p.keyboard.press('Space');
        assert.equal(await p.isChecked(`[id="${c.id}"]`), on);
        break;
      }
      case 'text': case 'numeric': {
        if (c.readonly || !(c.name in answers) || !(await isVisible(p, c.id))) return;
        await h.tabTo(p, `[id="${c.id}"]`);
        await replaceText(p, String(want));
        break;
      }
      case 'date': {
        if (!(c.name in answers)) return;
        const d = dateParts(want);
        await h.tabTo(p, `[id="${c.name}-day"]`);
        await replaceText(p, d.day);
        await p.keyboard.press('Tab');
        await replaceText(p, d.month);
        await p.keyboard.press('Tab');
        await replaceText(p, d.year);
        break;
      }
      case 'select': {
        if (!(c.name in answers) || !(await isVisible(p, c.id))) return;
        const target = pick(c.options, want);
        assert.ok(target, `no option ${JSON.stringify(want)} for ${c.name} on ${p.url()}`);
        await h.tabTo(p, `[id="${c.id}"]`);
        for (let i = 0; i <= c.options.length && (await p.inputValue(`[id="${c.id}"]`)) !== target.value; i++) {
          const cur = await p.evaluate((id) => document.getElementById(id).selectedIndex, c.id);
          await p.keyboard.press(cur < c.options.indexOf(target) ? 'ArrowDown' : 'ArrowUp');
        }
        assert.equal(await p.inputValue(`[id="${c.id}"]`), target.value, `could not choose ${target.label} for ${c.name}`);
        seen.add('select');
        break;
      }
      case 'autocomplete': {
        if (!(c.name in answers) || !(await isVisible(p, c.id))) return;
        const target = pick(c.options, want);
        assert.ok(target, `no option ${JSON.stringify(want)} for ${c.name} on ${p.url()}`);
        await h.tabTo(p, `[id="${c.id}"]`);
        await replaceText(p, target.label);
        const menu = p.locator(`[id="${c.id}__listbox"] li`);
        await p.waitForFunction((id) => document.querySelectorAll(`[id="${id}__listbox"] li.autocomplete__option`).length > 0, c.id);
        const labels = (await menu.allInnerTexts()).map((t) => t.trim());
        const at = labels.indexOf(target.label);
        assert.ok(at >= 0, `the type-ahead for ${c.name} does not offer ${target.label}: ${JSON.stringify(labels)}`);
        for (let i = 0; i <= at; i++) await p.keyboard.press('ArrowDown');
        await p.keyboard.press('Enter');
        assert.equal(await p.inputValue(`[id="${c.name}-select"]`), target.value, `the type-ahead did not choose ${target.label}`);
        seen.add(`type-ahead ${c.name}`);
        break;
      }
      default: assert.fail(`unknown control ${c.kind}`);
    }
  }

  async function mouseAnswer(p, c, answers) {
    const want = answers[c.name];
    switch (c.kind) {
      case 'radio': {
        const target = pick(c.options, want);
        assert.ok(target, `no option ${JSON.stringify(want)} for ${c.name} on ${p.url()}`);
        await p.check(`[id="${target.id}"]`);
        break;
      }
      case 'checkbox':
        if (!(c.name in answers)) return;
        if (Number(want)) await p.check(`[id="${c.id}"]`);
        else await p.uncheck(`[id="${c.id}"]`);
        break;
      case 'text': case 'numeric':
        if (c.readonly || !(c.name in answers)) return;
        await p.fill(`[id="${c.id}"]`, String(want));
        break;
      case 'date': {
        if (!(c.name in answers)) return;
        const d = dateParts(want);
        await p.fill(`[id="${c.name}-day"]`, d.day);
        await p.fill(`[id="${c.name}-month"]`, d.month);
        await p.fill(`[id="${c.name}-year"]`, d.year);
        break;
      }
      case 'select': case 'autocomplete': {
        if (!(c.name in answers)) return;
        const target = pick(c.options, want);
        assert.ok(target, `no option ${JSON.stringify(want)} for ${c.name} on ${p.url()}`);
        await p.selectOption(`select[name="${c.name}"]`, target.value);
        seen.add('select');
        break;
      }
      default: assert.fail(`unknown control ${c.kind}`);
    }
  }

  // Notes what kinds of question a page shows (for the coverage check).
  function noteKinds(controls) {
    for (const c of controls) {
      if (c.kind === 'numeric' && c.prefix && c.suffix) seen.add('numeric with prefix and suffix');
      if (c.kind !== 'select' && c.kind !== 'autocomplete') seen.add(c.kind);
    }
  }

  async function errorSummary(p) {
    const s = p.locator('.govuk-error-summary');
    return (await s.count()) ? (await s.innerText()).replace(/\s+/g, ' ') : '(no error summary)';
  }

  // Sends the page's form with its main button and waits for the next page (checked with axe).
  async function pressButton(p, name, { keyboard, status = 200 } = {}) {
    if (keyboard) {
      await tabToControl(p, name);
      const [response] = await Promise.all([p.waitForNavigation({ waitUntil: 'load' }), p.keyboard.press('Enter')]);
      if (response.status() !== status) assert.fail(`${name} on ${p.url()} answered ${response.status()}: ${await errorSummary(p)}`);
      await h.settle(p);
      await h.checkA11y(p);
      return response;
    }
    const button = p.getByRole('button', { name, exact: true });
    const [response] = await Promise.all([p.waitForNavigation({ waitUntil: 'load' }), button.click()]);
    if (response.status() !== status) assert.fail(`${name} on ${p.url()} answered ${response.status()}: ${await errorSummary(p)}`);
    await h.settle(p);
    await h.checkA11y(p);
    return response;
  }

  // Follows a link by its text: with the keyboard (Tab to it, Enter) or a click.
  async function goByLink(p, text, { keyboard } = {}) {
    if (!keyboard) return h.follow(p, text);
    await tabToControl(p, text);
    return h.navigateBy(p, () => p.keyboard.press('Enter'));
  }

  const isInterruption = (p) => p.locator('.app-panel--interruption').count().then((n) => n > 0);

  // The task list's subsections: [{ label, status, href }].
  function taskList(p) {
    return p.locator('.govuk-task-list__item').evaluateAll((items) => items.map((li) => ({
      label: li.querySelector('.govuk-task-list__name-and-hint').textContent.trim(),
      status: li.querySelector('.govuk-task-list__status').textContent.trim(),
      href: li.querySelector('a') ? li.querySelector('a').getAttribute('href') : null,
    })));
  }

  // Answers every page from the current one on, following the UI: Save and continue, check answers,
  // back to the task list, the next subsection not yet completed; until the task list shows every
  // subsection completed. Returns the log's path.
  async function completeLog(p, answers, { keyboard }) {
    const act = keyboard ? keyboardAnswer : mouseAnswer;
    let logPath = null;
    for (let step = 0; step < 300; step++) {
      const path = pathOf(p);
      const m = new RegExp(`^${base}/\\d+`).exec(path);
      assert.ok(m, `left the log: ${path}`);
      logPath = m[0];
      if (path === logPath) {
        seen.add('task list');
        const next = (await taskList(p)).find((t) => t.status !== 'Completed');
        if (!next) return logPath;
        assert.ok(next.href, `the subsection "${next.label}" is ${next.status} with no link`);
        await goByLink(p, next.label, { keyboard });
        continue;
      }
      if (path.endsWith('/check-answers')) {
        seen.add('check answers');
        assert.equal(await p.locator('.govuk-summary-list__value a').count(), 0,
          `check answers still asks for answers on ${path}: ${await p.locator('.govuk-summary-list__value a').allInnerTexts()}`);
        await goByLink(p, 'Save and return to log', { keyboard });
        continue;
      }
      if (await isInterruption(p)) assert.fail(`an unexpected interruption on ${path}: ${await h.h1(p)}`);
      // Pressing Enter in a field sends the form with its first button: that must be the main one.
      const firstButton = await p.evaluate(() =>
        document.querySelector('main form[method="post"] button[type="submit"]').textContent.trim());
      assert.equal(firstButton, 'Save and continue', `the first button on ${path} is "${firstButton}"`);
      assert.ok(!path.endsWith('/address-search'), 'the address search is asked with no address lookup connected');
      if (path.endsWith('/address')) seen.add('address entered by hand');
      const controls = await readControls(p);
      assert.ok(controls.length > 0, `no questions on ${path}`);
      noteKinds(controls);
      for (const c of controls) {
        const missing = c.kind === 'radio' && !(c.name in answers);
        assert.ok(!missing, `no answer for ${c.name} on ${path}`);
        await act(p, c, answers);
      }
      await pressButton(p, 'Save and continue', { keyboard });
    }
    assert.fail('the log was not completed within 300 pages');
  }

  async function assertAllCompleted(p) {
    const tasks = await taskList(p);
    assert.ok(tasks.length >= 7, `only ${tasks.length} subsections on the task list`);
    for (const t of tasks) assert.equal(t.status, 'Completed', `${t.label} is ${t.status}`);
    assert.equal((await p.locator('main p .govuk-tag').first().innerText()).trim(), 'Completed');
    assert.match(await p.locator('main').innerText(), new RegExp(`You have completed ${tasks.length} of ${tasks.length} subsections`));
  }

  // A new, empty log deleted from its task list through the confirmation page; back on the list
  // with the success banner, and the log is gone (404). Starts from any page of the service.
  async function createAndDelete(p) {
    await h.visit(p, `${base}/clear-filters`);
    const create = await p.locator('main form[method="post"] button').filter({ hasText: /^Create a new / }).innerText();
    await h.submit(p, create.trim());
    const doomed = new RegExp(`^${base}/\\d+`).exec(pathOf(p))[0];
    await h.visit(p, doomed);
    await h.follow(p, 'Delete this log');
    seen.add('delete confirmation');
    assert.equal(pathOf(p), `${doomed}/delete`);
    assert.equal(await h.h1(p), 'Are you sure you want to delete this log?');
    await h.submit(p, 'Delete this log');
    assert.equal(pathOf(p), base);
    assert.match(await h.successText(p), new RegExp(`Log ${doomed.split('/').pop()} has been deleted`));
    await h.visit(p, doomed, { status: 404 });
  }

  return {
    seen, readControls, pick, dateParts, focused, tabToControl, replaceText, keyboardAnswer, mouseAnswer, noteKinds,
    errorSummary, pressButton, goByLink, isInterruption, taskList, completeLog, assertAllCompleted, createAndDelete,
  };
};
