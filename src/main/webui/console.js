// Opens the dialogs that ask for a reason (abort, promote-full) and closes them once the action is sent.
document.addEventListener('click', (event) => {
  const opener = event.target.closest('[data-dialog]');
  if (opener && !opener.disabled) {
    document.getElementById(opener.dataset.dialog).showModal();
  }
  const closer = event.target.closest('[data-close]');
  if (closer) {
    closer.closest('dialog').close();
  }
});
document.addEventListener('htmx:beforeRequest', (event) => {
  const dialog = event.target.closest && event.target.closest('dialog');
  if (dialog) {
    dialog.close();
  }
});

// Analysis measurements as a small line chart (uPlot, served by Kubestead itself).
function drawCharts(root) {
  if (typeof uPlot === 'undefined') {
    return;
  }
  root.querySelectorAll('.chart[data-values]').forEach((el) => {
    el.innerHTML = '';
    const values = el.dataset.values.split(',').map(Number).filter((v) => !Number.isNaN(v));
    if (values.length === 0) {
      return;
    }
    const xs = values.map((_, i) => i + 1);
    new uPlot({ width: Math.min(600, el.clientWidth || 600), height: 120, legend: { show: false },
      scales: { x: { time: false } }, series: [{}, { label: 'value', stroke: '#f59e0b', width: 2 }] }, [xs, values], el);
  });
}
document.addEventListener('DOMContentLoaded', () => drawCharts(document));
document.addEventListener('htmx:afterSwap', (event) => drawCharts(event.target));

// Countdown of a running timed pause.
setInterval(() => {
  document.querySelectorAll('[data-until] .countdown').forEach((el) => {
    const left = Math.max(0, Math.round((Date.parse(el.parentElement.dataset.until) - Date.now()) / 1000));
    el.textContent = '(' + (left >= 60 ? Math.floor(left / 60) + 'm ' : '') + (left % 60) + 's left)';
  });
}, 1000);

// Traffic bars: widths are set here rather than in style attributes, which the Content-Security-Policy forbids.
function sizeBars(root) {
  root.querySelectorAll('[data-width]').forEach((el) => {
    el.style.width = Math.max(0, Math.min(100, Number(el.dataset.width) || 0)) + '%';
  });
}
document.addEventListener('DOMContentLoaded', () => sizeBars(document));
document.addEventListener('htmx:afterSwap', (event) => sizeBars(event.target));

// Every change the console sends carries the session's CSRF token (the server refuses it otherwise).
document.addEventListener('htmx:configRequest', (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && meta.content) {
    event.detail.headers['X-CSRF-Token'] = meta.content;
  }
});

// A comment someone is writing is not swapped away by a live refresh of the page: while a comment field has text
// the refresh is held back. It is done once the comment is cleared, or sent and taken; a refusal's answer stays
// (rendered after whatever made the decision fail, it says why).
function writing(main) {
  return Array.from(main.querySelectorAll('textarea[name=comment]')).some((t) => t.value.trim() !== '');
}
function refreshIfHeldBack(main) {
  if (!main || !main.dataset.heldBack || writing(main)) {
    return;
  }
  delete main.dataset.heldBack;
  if (!main.querySelector('#error')) {
    htmx.ajax('GET', main.getAttribute('hx-get'), { source: main, target: main, swap: 'innerHTML' });
  }
}
document.addEventListener('htmx:beforeRequest', (event) => {
  const main = event.detail.elt;
  if (main.tagName === 'MAIN' && event.detail.requestConfig.verb === 'get' && writing(main)) {
    main.dataset.heldBack = 'yes';
    event.preventDefault();
  }
});
document.addEventListener('htmx:afterSettle', (event) => refreshIfHeldBack(event.detail.elt.closest('main[hx-get]')));
document.addEventListener('input', (event) => refreshIfHeldBack(event.target.closest && event.target.closest('main[hx-get]')));
