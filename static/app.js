// Progressive enhancement only: every page works without this file.
import { initAll } from '/assets/govuk-frontend.min.js';
import './totals.js';

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

// Long selects marked data-enhance="autocomplete" become accessible-autocomplete type-aheads.
// The library is a UMD bundle: load it on demand, then enhance.
const selects = document.querySelectorAll('select[data-enhance="autocomplete"]');
if (selects.length > 0) {
  const script = document.createElement('script');
  script.src = '/assets/accessible-autocomplete.min.js';
  script.onload = () => {
    selects.forEach((select) => {
      window.accessibleAutocomplete.enhanceSelectElement({
        selectElement: select,
        defaultValue: '',
        showAllValues: true,
        dropdownArrow: () => ''
      });
    });
  };
  document.head.appendChild(script);
}
