// The bulk-upload check's progress, without reloading the page by hand: while the check runs the
// page asks for its progress every second and shows it; once the check is done it loads the
// results. Without JavaScript the page has a "Refresh this page" link instead.
document.querySelectorAll('[data-bulk-progress]').forEach((box) => {
  const text = box.querySelector('[data-bulk-progress-text]');
  const poll = async () => {
    try {
      const res = await fetch(box.dataset.bulkProgress, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (res.ok) {
        const p = await res.json();
        if (p.state !== 'checking') {
          window.location.reload();
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
