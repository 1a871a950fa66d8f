// The weekly calendar's "In lịch" button: shown only when scripts run, prints the page (A4 landscape).
document.querySelectorAll('[data-print]').forEach((button) => {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
});
