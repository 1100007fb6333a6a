// Progressive enhancement only: every page works without this file.
import { initAll } from '/assets/govuk-frontend.min.js';

initAll();

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
