// The scorecard form: autosave the draft while the interviewer types, keep the status bar
// (save state, what is left to rate) and the counters under the text boxes current. The form
// works fully without this script; with it, text reaches the server within seconds and a
// double click sends once. Every text it shows comes translated from the page.
(() => {
  "use strict";
  const first = ["error-summary", "conflict", "warnings"]
    .map((id) => document.getElementById(id)).find((element) => element && element.tabIndex === -1);
  if (first) first.focus();
  const form = document.getElementById("scorecard-form");
  if (!form) return;
  const messages = JSON.parse(document.getElementById("scorecard-messages").textContent);
  const lang = document.documentElement.lang || undefined;
  const status = document.getElementById("save-status");
  const announcer = document.getElementById("status-announce");
  const bar = document.getElementById("status-bar");

  const fill = (template, values) =>
    template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
  const number = (n) => n.toLocaleString(lang);
  // Polite, and only for changes of state: never once per keystroke.
  let lastSaid = "";
  const announce = (text) => {
    if (text === lastSaid) return;
    lastSaid = text;
    announcer.textContent = text;
  };

  // Keep a focused or linked field clear of the bar at the foot of the window.
  if (bar && window.ResizeObserver) {
    new ResizeObserver(() => {
      document.documentElement.style.scrollPaddingBottom = `${bar.offsetHeight + 16}px`;
    }).observe(bar);
  }
  // Links to a field honour the scroll padding; focus moved by Tab does not in every browser,
  // so a field that lands under the bar is scrolled clear of it.
  if (bar) {
    form.addEventListener("focusin", (event) => {
      requestAnimationFrame(() => {
        const box = event.target.getBoundingClientRect();
        const hidden = box.bottom + 8 - bar.getBoundingClientRect().top;
        if (hidden > 0 && event.target !== bar && !bar.contains(event.target)) {
          window.scrollBy(0, Math.min(hidden, box.top - 8));
        }
      });
    });
  }

  // What is left to answer: required competencies without a rating, and the recommendation.
  const progress = document.getElementById("progress");
  const total = Number(progress.dataset.total);
  const required = [...form.querySelectorAll("fieldset.competency[data-required]")];
  const plural = new Intl.PluralRules(lang);
  function leftText() {
    const left = required.filter((fieldset) => !fieldset.querySelector("input[type=radio]:checked")).length;
    const ratings = left === 0 ? messages.all_rated
      : fill(plural.select(total) === "one" ? messages.left_one : messages.left_other,
        { left: number(left), num: number(total) });
    const recommendation = form.querySelector('input[name="recommendation"]:checked')
      ? "" : messages.no_recommendation;
    return [ratings, recommendation];
  }
  function showProgress() {
    const [ratings, recommendation] = leftText();
    const before = progress.textContent;
    document.getElementById("progress-ratings").textContent = ratings;
    document.getElementById("progress-recommendation").textContent = recommendation;
    if (progress.textContent !== before) announce([ratings, recommendation].filter(Boolean).join(". "));
  }
  form.addEventListener("change", (event) => {
    if (event.target.type === "radio") showProgress();
  });

  // A count under each text box from near its limit, as the server counts: a line break is
  // sent as two characters. Announced only when it crosses 80%, 90% and the limit.
  const NEAR = 0.8;
  const BANDS = [0.8, 0.9, 1];
  const length = (text) => Array.from(text).length + (text.match(/\n/g) || []).length;
  const bandOf = (share) => BANDS.filter((edge) => (edge === 1 ? share > 1 : share >= edge)).length;
  const bands = new WeakMap();
  function count(box, speak) {
    const limit = Number(box.dataset.limit);
    const counter = document.getElementById(`${box.id}-counter`);
    if (!limit || !counter) return;
    const used = length(box.value);
    const values = { length: number(used), limit: number(limit) };
    const over = used > limit;
    counter.textContent = used >= limit * NEAR ? fill(over ? messages.over : messages.near, values) : "";
    counter.classList.toggle("over", over);
    const band = bandOf(used / limit);
    if (speak && band > (bands.get(box) || 0)) {
      const label = form.querySelector(`label[for="${box.id}"]`);
      announce(fill(over ? messages.announce_over : messages.announce_near,
        { ...values, field: label ? label.textContent.trim() : "" }));
    }
    bands.set(box, band);
  }
  const boxes = [...form.querySelectorAll("textarea[data-limit]")];
  boxes.forEach((box) => count(box, false));
  form.addEventListener("input", (event) => {
    if (event.target.matches("textarea[data-limit]")) count(event.target, true);
  });

  if (!form.dataset.autosaveUrl) return;
  const version = form.querySelector('input[name="version"]');
  const PAUSE_MS = 1500;
  let timer = null;
  let inFlight = null;
  let dirty = false;
  let stopped = false;
  let sending = false;
  let released = false;
  let failed = status.classList.contains("failed");

  // On the reader's own clock and conventions (base.html names them), whatever the browser's.
  const reader = document.documentElement.dataset;
  const clock = (iso) => new Date(iso).toLocaleTimeString(reader.timeLocale, {
    hour: "2-digit", minute: "2-digit", timeZone: reader.timeZone,
  });
  function say(text, { error = false } = {}) {
    status.textContent = text;
    status.classList.toggle("failed", error);
    // Speak a failure, and the first save after one; a routine save is only shown.
    if (error || failed) announce(text);
    failed = error;
  }

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
    status.textContent = messages.saving;
    let retry = true;
    inFlight = fetch(form.dataset.autosaveUrl, {
      method: "POST", body, credentials: "same-origin", headers: { Accept: "application/json" },
    }).then(async (response) => {
      const answer = await response.json().catch(() => ({}));
      if (response.ok) {
        version.value = answer.version;
        say(fill(messages.saved, { time: clock(answer.saved_at) }));
        return;
      }
      dirty = true;
      // A conflict or an ended session needs the person: stop and let Save draft handle it.
      if ([401, 409].includes(response.status)) stopped = true;
      // A refused form (a box over its limit) is sent again once it changes, not before.
      if (response.status === 400) retry = false;
      say(answer.error || messages.no_answer, { error: true });
    }).catch(() => {
      dirty = true;
      say(messages.offline, { error: true });
    }).finally(() => {
      inFlight = null;
      if (dirty && !stopped && retry) schedule();
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
