// The totals the service works out (the rent pages' total charge), kept up to date as the amounts
// are typed. Without JavaScript the page shows the total of the amounts as they were last shown,
// and the service works the stored total out again on save either way.
const pounds = (n) => `£${n.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

document.querySelectorAll('output[data-total-of]').forEach((output) => {
  const inputs = output.dataset.totalOf.split(' ').map((id) => document.getElementById(id)).filter(Boolean);
  const update = () => {
    let total = 0;
    inputs.forEach((input) => {
      const amount = Number(input.value.replace(/[£,\s]/g, ''));
      if (input.value.trim() !== '' && Number.isFinite(amount)) total += amount;
    });
    output.textContent = pounds(Math.round(total * 100) / 100);
  };
  inputs.forEach((input) => input.addEventListener('input', update));
});
