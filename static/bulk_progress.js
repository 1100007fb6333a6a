// The bulk-upload check's progress, without reloading the page: while the check runs the page asks
// for its progress every second and shows it; once the check is done it fetches the results and puts
// them in place of the progress (focus moves to the new heading, so a screen reader announces it).
// Without JavaScript the page has a "Refresh this page" link instead.
const showResults = async () => {
  const res = await fetch(window.location.href, { credentials: 'same-origin' });
  if (!res.ok) {
    window.location.reload();
    return;
  }
  const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
  const fresh = doc.getElementById('main-content');
  const main = document.getElementById('main-content');
  if (!fresh || !main) {
    window.location.reload();
    return;
  }
  main.replaceChildren(...Array.from(fresh.childNodes).map((n) => document.importNode(n, true)));
  document.title = doc.title;
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
};

document.querySelectorAll('[data-bulk-progress]').forEach((box) => {
  const text = box.querySelector('[data-bulk-progress-text]');
  const poll = async () => {
    try {
      const res = await fetch(box.dataset.bulkProgress, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (res.ok) {
        const p = await res.json();
        if (p.state !== 'checking') {
          await showResults();
          return;
        }
        if (text && p.total > 0) text.textContent = `${p.done} of ${p.total} rows checked.`;
      }
    } catch (e) {
      // A failed poll is tried again; the refresh link still works.
    }
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 500);
});
