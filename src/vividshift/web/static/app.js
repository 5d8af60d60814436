// Small progressive enhancement; every page works without it.
// Ask before actions that cannot be undone (buttons with data-confirm).
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var message = button && button.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
// Move focus to the first field with an error, so keyboard users land on it.
window.addEventListener("DOMContentLoaded", function () {
  var invalid = document.querySelector("[aria-invalid='true']");
  if (invalid) {
    invalid.focus();
  }
});
