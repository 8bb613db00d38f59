// The interview kit: notes that save into the scorecard's draft as evidence while the
// interviewer types, and a timer per competency that lives in this browser tab only.
// Every sentence shown comes from the page (data-* attributes), so it is translated there.
(() => {
  "use strict";
  const form = document.getElementById("kit");
  if (!form) return;
  const text = form.dataset;
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (all, name) => (
    name in values ? values[name] : all));

  // ---- Notes --------------------------------------------------------------------------
  const status = document.getElementById("kit-save-status");
  const version = form.querySelector('input[name="version"]');
  const token = form.querySelector('input[name="csrf_token"]');
  const conflict = document.getElementById("kit-conflict");
  const conflictMessage = document.getElementById("kit-conflict-message");
  const overwrite = document.getElementById("kit-overwrite");
  const boxes = new Map([...form.querySelectorAll("textarea[data-key]")].map((box) => [box.dataset.key, box]));
  const PAUSE_MS = 1500;  // save once typing pauses this long
  const RETRY_MS = 5000;  // try again this long after the server or the network failed
  const dirty = new Set();  // competencies whose box changed since it was last sent
  let timer = null;
  let inFlight = null;
  let stopped = false;  // a conflict or an ended session: the person decides what happens
  let storedVersion = null;  // the version another tab or device saved, after a conflict

  const say = (message) => { status.textContent = message; };
  // Times read on the reader's own clock (base.html names their zone), as on every page.
  const page = document.documentElement;
  const clock = (iso) => new Date(iso).toLocaleTimeString(page.dataset.timeLocale, {
    hour: "2-digit", minute: "2-digit", timeZone: page.dataset.timeZone, timeZoneName: "short",
  });

  function schedule(wait) {
    clearTimeout(timer);
    timer = setTimeout(save, wait);
  }

  function showConflict(message, canOverwrite) {
    conflictMessage.textContent = message || text.unsaved;
    overwrite.hidden = !canOverwrite;
    conflict.hidden = false;  // announced as an alert; the focus stays where the person types
  }

  // Send the changed boxes; resolve to whether everything sent was saved.
  function save() {
    clearTimeout(timer);
    timer = null;
    if (inFlight) return inFlight;
    if (stopped || dirty.size === 0) return Promise.resolve(dirty.size === 0);
    const keys = [...dirty];
    dirty.clear();
    const body = new FormData();
    body.append("csrf_token", token.value);
    body.append("version", version.value);
    for (const key of keys) body.append(boxes.get(key).name, boxes.get(key).value);
    say(text.saving);
    inFlight = fetch(text.saveUrl, {
      method: "POST", body, credentials: "same-origin", headers: { Accept: "application/json" },
    }).then(async (response) => {
      const answer = await response.json().catch(() => ({}));
      if (response.ok) {
        version.value = answer.version;
        conflict.hidden = true;
        say(fill(text.saved, { time: clock(answer.saved_at) }));
        return true;
      }
      keys.forEach((key) => dirty.add(key));  // the text is still in its box; send it again later
      if (response.status === 409) {
        stopped = true;
        storedVersion = answer.version === undefined ? null : answer.version;
        say(text.unsaved);
        showConflict(answer.error, storedVersion !== null);
      } else if (response.status === 401) {
        stopped = true;
        say(text.signedOut);
      } else if (response.status === 400) {
        say(answer.error || text.unsaved);  // sent again with the next change
      } else {
        say(text.retrying);
        schedule(RETRY_MS);
      }
      return false;
    }).catch(() => {
      keys.forEach((key) => dirty.add(key));
      say(text.retrying);
      schedule(RETRY_MS);
      return false;
    }).finally(() => {
      inFlight = null;
      if (dirty.size && !stopped && !timer) schedule(PAUSE_MS);
    });
    return inFlight;
  }

  // After a button press that could not save, lead the person to the reason.
  function showWhyNotSaved() {
    if (!conflict.hidden) conflict.focus();
  }

  // Save until nothing typed is left unsent; resolve to whether all of it is saved.
  async function flush() {
    for (;;) {
      if (inFlight) await inFlight;
      if (dirty.size === 0) return true;
      if (stopped || !(await save())) return false;
    }
  }

  form.addEventListener("input", (event) => {
    const key = event.target.dataset && event.target.dataset.key;
    if (!key) return;
    dirty.add(key);
    if (!stopped) schedule(PAUSE_MS);
  });

  // Save notes now: also the way to try again once signed in again in another tab.
  const saveNow = form.querySelector(".kit-save-now");
  saveNow.hidden = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (conflict.hidden) stopped = false;
    flush().then(showWhyNotSaved);
  });

  overwrite.addEventListener("click", () => {
    if (storedVersion === null) return;
    version.value = storedVersion;
    storedVersion = null;
    stopped = false;
    conflict.hidden = true;
    flush();  // the boxes typed in since the last save; the other copy keeps the rest
  });

  // Score now opens the scorecard form, which reads the draft, once the notes are in it.
  form.querySelectorAll(".kit-score").forEach((link) => link.addEventListener("click", (event) => {
    if (dirty.size === 0 && !inFlight) return;
    event.preventDefault();
    flush().then((saved) => {
      if (saved) window.location.assign(link.href);
      else showWhyNotSaved();
    });
  }));

  window.addEventListener("beforeunload", (event) => {
    if (dirty.size || inFlight) {
      event.preventDefault();
      event.returnValue = text.leave;
    }
  });

  // ---- Timers -------------------------------------------------------------------------
  const announcer = document.getElementById("kit-announce");
  const announce = (message) => { announcer.textContent = message; };
  const ANNOUNCE_EVERY_MINUTES = 5;
  let kept = {};
  try {
    kept = JSON.parse(sessionStorage.getItem(text.timerKey) || "{}");
  } catch (error) {
    kept = {};  // storage may be off; the timers still run until the page is left
  }
  const timers = [...form.querySelectorAll(".kit-timer")].map((element) => {
    const key = element.closest("section").id;
    const was = kept[key] || {};
    return {
      key, element, title: element.dataset.title, minutes: Number(element.dataset.minutes),
      elapsed: Number(was.elapsed) || 0, startedAt: was.startedAt || null,
      shown: element.querySelector(".kit-elapsed"),
      start: element.querySelector('[data-action="start"]'),
      pause: element.querySelector('[data-action="pause"]'),
      reset: element.querySelector('[data-action="reset"]'),
    };
  });
  const elapsedOf = (t) => t.elapsed + (t.startedAt ? Date.now() - t.startedAt : 0);
  const mmss = (ms) => {
    const seconds = Math.floor(ms / 1000);
    return `${String(Math.floor(seconds / 60)).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
  };

  function keep() {
    const state = {};
    timers.forEach((t) => { state[t.key] = { elapsed: t.elapsed, startedAt: t.startedAt }; });
    try { sessionStorage.setItem(text.timerKey, JSON.stringify(state)); } catch (error) { /* off */ }
  }

  function render(t) {
    const ms = elapsedOf(t);
    t.shown.textContent = mmss(ms);
    const running = t.startedAt !== null;
    t.element.classList.toggle("kit-running", running);
    t.element.classList.toggle("kit-over", ms >= t.minutes * 60000);
    t.start.disabled = running;
    t.pause.disabled = !running;
    t.reset.disabled = !running && ms === 0;
  }

  // Focus moves to the button that undoes what was pressed, as the pressed one is disabled.
  function focusIfLost(from, to) {
    if (document.activeElement === from || document.activeElement === document.body) to.focus();
  }

  function pause(t, quietly) {
    if (t.startedAt === null) return;
    t.elapsed = elapsedOf(t);
    t.startedAt = null;
    if (!quietly) announce(fill(text.paused, { title: t.title, elapsed: mmss(t.elapsed) }));
  }

  timers.forEach((t) => {
    t.lastMinute = Math.floor(elapsedOf(t) / 60000);
    t.start.addEventListener("click", () => {
      // One conversation at a time: starting a section pauses the one before.
      timers.forEach((other) => { if (other !== t) { pause(other, true); render(other); } });
      t.startedAt = Date.now();
      announce(fill(text.started, { title: t.title }));
      render(t);
      focusIfLost(t.start, t.pause);
      keep();
    });
    t.pause.addEventListener("click", () => {
      pause(t, false);
      render(t);
      focusIfLost(t.pause, t.start);
      keep();
    });
    t.reset.addEventListener("click", () => {
      t.elapsed = 0;
      t.startedAt = null;
      t.lastMinute = 0;
      announce(fill(text.reset, { title: t.title }));
      render(t);
      focusIfLost(t.reset, t.start);
      keep();
    });
    render(t);
  });

  // The clock redraws every second; a screen reader hears it only every few minutes.
  setInterval(() => {
    timers.forEach((t) => {
      if (t.startedAt === null) return;
      render(t);
      const minute = Math.floor(elapsedOf(t) / 60000);
      if (minute === t.lastMinute) return;
      t.lastMinute = minute;
      if (minute === t.minutes) {
        announce(fill(text.over, { title: t.title, minutes: t.minutes }));
      } else if (minute % ANNOUNCE_EVERY_MINUTES === 0) {
        announce(fill(text.minute, { title: t.title, minutes: minute }));
      }
    });
  }, 1000);
})();
