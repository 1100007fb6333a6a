// Progressive enhancement only: every page works without this file.
import { initAll } from '/assets/govuk-frontend.min.js';
import './totals.js';
import './bulk_progress.js';

initAll();

// Conditionally revealed answers: an answer that belongs to one option of a radio question sits
// under that option (data-reveals names its container) and is shown only while the option is
// chosen. Done here rather than by govuk-frontend's data-aria-controls, which also puts
// aria-expanded on the radios: ARIA does not allow that attribute on a radio, and axe reports it
// (see alphagov/govuk-frontend#979). No aria-controls either: govuk-frontend's radios would then
// add aria-expanded on the next click. The revealed answer follows its option in the page, so it
// is the next thing a screen reader reaches.
const syncReveals = (form, name) => {
  form.querySelectorAll('input[type="radio"][data-reveals]').forEach((input) => {
    if (name && input.name !== name) return;
    const target = document.getElementById(input.dataset.reveals);
    if (target) target.classList.toggle('govuk-radios__conditional--hidden', !input.checked);
  });
};
document.querySelectorAll('form').forEach((form) => {
  if (!form.querySelector('input[type="radio"][data-reveals]')) return;
  syncReveals(form);
  form.addEventListener('change', (event) => {
    if (event.target instanceof HTMLInputElement && event.target.type === 'radio') syncReveals(form, event.target.name);
  });
});

// accessible-autocomplete sets (and removes) aria-describedby on its input for its own usage
// hint; keep our ids in it, after whatever the library puts there.
const keepDescribedBy = (input, ids) => {
  const sync = () => {
    const current = (input.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    const wanted = [...current.filter((t) => !ids.includes(t)), ...ids];
    if (wanted.join(' ') !== current.join(' ')) input.setAttribute('aria-describedby', wanted.join(' '));
  };
  sync();
  new MutationObserver(sync).observe(input, { attributes: true, attributeFilter: ['aria-describedby'] });
};

// The log list's filters sit in a details element ("Show filters"), which works without
// JavaScript; with it, the summary says "Hide filters" while they are shown.
document.querySelectorAll('details.app-log-filters-toggle').forEach((details) => {
  const text = details.querySelector('.govuk-details__summary-text');
  const sync = () => { text.textContent = details.open ? 'Hide filters' : 'Show filters'; };
  details.addEventListener('toggle', sync);
  sync();
});

// Long selects marked data-enhance="autocomplete" become accessible-autocomplete type-aheads.
// The library is a UMD bundle: load it on demand, then enhance.
const selects = document.querySelectorAll('select[data-enhance="autocomplete"]');
if (selects.length > 0) {
  const script = document.createElement('script');
  script.src = '/assets/accessible-autocomplete.min.js';
  script.onload = () => {
    selects.forEach((select) => {
      // The select's hint and error ids: the visible input must carry them, or a screen reader
      // never hears the error message once the select is hidden.
      const describedBy = (select.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
      const id = select.id;
      window.accessibleAutocomplete.enhanceSelectElement({
        selectElement: select,
        defaultValue: '',
        showAllValues: true,
        dropdownArrow: () => ''
      });
      const input = document.getElementById(id);
      if (describedBy.length > 0 && input && input.tagName === 'INPUT') keepDescribedBy(input, describedBy);
    });
  };
  document.head.appendChild(script);
}
