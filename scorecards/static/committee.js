// Bring a refused decision's problems to the reader: focus the summary at the form, which
// scrolls it into view and has screen readers read it. Without scripts, its autofocus does.
(() => {
  "use strict";
  const summary = document.getElementById("error-summary");
  if (summary && document.activeElement !== summary) summary.focus();
})();
