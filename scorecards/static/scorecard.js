// Autosave the scorecard draft while the interviewer types. The form works fully without
// this script; with it, text reaches the server within seconds and a double click sends once.
(() => {
  "use strict";
  const summary = document.getElementById("error-summary") || document.getElementById("conflict");
  if (summary) summary.focus();
  const form = document.getElementById("scorecard-form");
  if (!form || !form.dataset.autosaveUrl) return;
  const status = document.getElementById("save-status");
  const version = form.querySelector('input[name="version"]');
  const PAUSE_MS = 1500;
  let timer = null;
  let inFlight = null;
  let dirty = false;
  let stopped = false;
  let sending = false;
  let released = false;

  const say = (text) => { status.textContent = text; };
  // Times read in UTC, as everywhere else in the service.
  const clock = (iso) => new Date(iso).toLocaleTimeString("en-GB", {
    hour: "2-digit", minute: "2-digit", timeZone: "UTC",
  }) + " UTC";

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(save, PAUSE_MS);
  }

  function save() {
    timer = null;
    if (stopped || !dirty || inFlight) return;
    dirty = false;
    const body = new FormData(form);
    body.delete("action");
    say("Saving draft…");
    inFlight = fetch(form.dataset.autosaveUrl, {
      method: "POST", body, credentials: "same-origin", headers: { Accept: "application/json" },
    }).then(async (response) => {
      const answer = await response.json().catch(() => ({}));
      if (response.ok) {
        version.value = answer.version;
        say(`Draft saved at ${clock(answer.saved_at)}.`);
        return;
      }
      dirty = true;
      // A conflict or an ended session needs the person: stop and let Save draft handle it.
      if ([401, 409].includes(response.status)) stopped = true;
      say(answer.error || "Not saved: the server did not answer. Your text is still here; press Save draft.");
    }).catch(() => {
      dirty = true;
      say("Not saved: no connection. Your text is still here and is saved when the connection returns.");
    }).finally(() => {
      inFlight = null;
      if (dirty && !stopped) schedule();
    });
  }

  form.addEventListener("input", () => {
    dirty = true;
    if (!stopped) schedule();
  });

  form.addEventListener("submit", (event) => {
    if (released) return;
    if (sending) {  // a second click while the first is on its way
      event.preventDefault();
      return;
    }
    clearTimeout(timer);
    if (inFlight) {  // wait for the autosave, so the form carries the version it produced
      event.preventDefault();
      const submitter = event.submitter;
      inFlight.finally(() => { released = true; form.requestSubmit(submitter); });
    }
    sending = true;
    dirty = false;
  });

  // Coming back with the browser's back button restores this page as it was left.
  window.addEventListener("pageshow", () => { sending = false; released = false; });

  window.addEventListener("beforeunload", (event) => {
    if ((dirty || inFlight) && !sending) event.preventDefault();
  });
})();
