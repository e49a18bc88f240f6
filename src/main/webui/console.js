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
