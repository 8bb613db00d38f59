// The panel picker: a search box that offers the interviewers whose name or email begins with
// what is typed, and the people chosen as chips, each with a button that takes them off.
// The form works without this script: the chosen are ticked boxes, and emails can be typed in
// the field below; the script turns the ticked boxes into chips carrying the same values.
// Names are set as text, never as markup.
(() => {
  "use strict";
  const PAUSE_MS = 150;

  for (const picker of document.querySelectorAll("[data-panel-picker]")) {
    const search = picker.querySelector("[data-search]");
    const input = picker.querySelector("[data-find]");
    const list = picker.querySelector("[data-matches]");
    const chosen = picker.querySelector("[data-chosen]");
    const status = picker.querySelector("[data-status]");
    const hint = picker.querySelector("[data-hint-with-script]");
    const url = picker.dataset.searchUrl;
    const name = picker.dataset.fieldName;
    // Listed on the page but not chosen (someone seated and unticked, or taken off here): they
    // are offered again as they are typed, even if the search would not find them (deactivated).
    const offered = new Map();
    let matches = [];
    let active = -1;
    let timer = null;
    let asked = 0;  // the latest question; an older answer arriving late is dropped

    const say = (text) => { status.textContent = text; };
    const chips = () => [...chosen.querySelectorAll("[data-email]")];
    const isChosen = (email) => chips().some((chip) => chip.dataset.email === email);
    const count = () => {
      const n = chips().length;
      return n ? `${n} on the panel.` : "Nobody is on the panel yet.";
    };

    const empty = document.createElement("p");
    empty.className = "muted panel-empty";
    empty.textContent = "Nobody is on the panel yet.";
    chosen.after(empty);
    const showEmpty = () => { empty.hidden = chips().length > 0; };

    function chip(person) {
      const item = document.createElement("li");
      item.className = "chip";
      item.dataset.email = person.email;
      const value = document.createElement("input");
      value.type = "hidden";
      value.name = name;
      value.value = person.email;
      const label = document.createElement("span");
      label.className = "chip-label";
      label.textContent = person.label;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "chip-remove";
      remove.setAttribute("aria-label", `Remove ${person.name}`);
      remove.textContent = "×";
      remove.addEventListener("click", () => unpick(item, person));
      item.append(value, label, remove);
      return item;
    }

    function unpick(item, person) {
      const buttons = chips().map((each) => each.querySelector("button"));
      const at = buttons.indexOf(item.querySelector("button"));
      item.remove();
      offered.set(person.email, person);
      showEmpty();
      // The focus stays in the list of chips, on the next one, or goes back to the search box.
      const next = buttons[at + 1] || buttons[at - 1];
      (next || input).focus();
      say(`${person.name} removed from the panel. ${count()}`);
    }

    function pick(index) {
      const person = matches[index];
      if (!person) return;
      offered.delete(person.email);
      if (!isChosen(person.email)) chosen.append(chip(person));
      showEmpty();
      input.value = "";
      close();
      say(`${person.name} added to the panel. ${count()}`);
    }

    // The ticked boxes become chips; the unticked are remembered, to be offered again.
    for (const item of [...chosen.children]) {
      const box = item.querySelector("input[type=checkbox]");
      const label = item.querySelector("label").textContent.trim();
      const suffix = ` (${box.value})`;
      const person = { email: box.value, label,
                       name: label.endsWith(suffix) ? label.slice(0, -suffix.length) : label };
      if (box.checked) item.replaceWith(chip(person));
      else { item.remove(); offered.set(person.email, person); }
    }
    chosen.classList.add("chips");
    showEmpty();
    if (hint) hint.textContent = hint.dataset.hintWithScript;
    search.hidden = false;

    function close() {
      list.hidden = true;
      list.replaceChildren();
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      matches = [];
      active = -1;
    }

    function remembered(typed) {
      const start = typed.trim().toLowerCase();
      return [...offered.values()].filter((person) =>
        person.name.toLowerCase().startsWith(start) || person.email.startsWith(start));
    }

    function show(found, more, typed) {
      const emails = new Set(found.map((person) => person.email));
      const all = [...found, ...remembered(typed).filter((person) => !emails.has(person.email))];
      matches = all.filter((person) => !isChosen(person.email));
      active = -1;
      list.replaceChildren(...matches.map((person, index) => {
        const option = document.createElement("li");
        option.id = `${list.id}-${index}`;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = person.label;
        // mousedown, not click: the box keeps its focus, so the list does not close first.
        option.addEventListener("mousedown", (event) => { event.preventDefault(); pick(index); });
        return option;
      }));
      list.hidden = matches.length === 0;
      input.setAttribute("aria-expanded", String(matches.length > 0));
      if (!matches.length) {
        say(all.length ? "Everyone found is on the panel already."
          : "No active interviewer's name or email begins with that.");
      } else {
        say(`${matches.length} interviewer${matches.length === 1 ? "" : "s"} found` +
            (more ? "; type more to see others." : ".") +
            " Use the arrow keys to choose, and Enter to add.");
      }
    }

    function highlight(index) {
      const options = list.querySelectorAll("[role=option]");
      options.forEach((option, at) => {
        option.setAttribute("aria-selected", String(at === index));
        option.classList.toggle("active", at === index);
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    async function ask(typed) {
      const question = ++asked;
      try {
        const response = await fetch(`${url}?q=${encodeURIComponent(typed)}`, {
          credentials: "same-origin", headers: { Accept: "application/json" },
        });
        if (!response.ok) throw new Error(String(response.status));
        const answer = await response.json();
        if (question === asked) show(answer.interviewers, answer.more, typed);
      } catch {
        if (question === asked) {
          close();
          say("The search did not answer; type the emails in the field below instead.");
        }
      }
    }

    // A question still waiting when the box is emptied or left is never asked, and an answer
    // still coming is dropped: neither may reopen the list or overwrite what was said since.
    const forget = () => { clearTimeout(timer); asked += 1; close(); };

    input.addEventListener("input", () => {
      clearTimeout(timer);
      if (!input.value.trim()) { forget(); say(""); return; }
      timer = setTimeout(() => ask(input.value), PAUSE_MS);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" && matches.length) {
        event.preventDefault();
        highlight((active + 1) % matches.length);
      } else if (event.key === "ArrowUp" && matches.length) {
        event.preventDefault();
        highlight(active <= 0 ? matches.length - 1 : active - 1);
      } else if (event.key === "Enter") {
        // Enter in the search box chooses; it never submits the form half filled.
        event.preventDefault();
        if (matches.length) pick(active >= 0 ? active : 0);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
        say("");
      }
    });
    input.addEventListener("blur", forget);
  }
})();
