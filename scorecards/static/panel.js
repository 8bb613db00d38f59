// The panel picker: a search box that offers the interviewers whose name or email begins with
// what is typed, and adds the one chosen as a ticked box. The form works without this script
// (the chosen boxes and the emails field); with it, nobody has to know an email by heart.
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
    const url = picker.dataset.searchUrl;
    const name = picker.dataset.fieldName;
    let matches = [];
    let active = -1;
    let timer = null;
    let asked = 0;  // the latest question; an older answer arriving late is dropped
    search.hidden = false;

    const say = (text) => { status.textContent = text; };

    function close() {
      list.hidden = true;
      list.replaceChildren();
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      matches = [];
      active = -1;
    }

    function isChosen(email) {
      return [...chosen.querySelectorAll("input[type=checkbox]")]
        .some((box) => box.value === email && box.checked);
    }

    function show(found, more) {
      matches = found.filter((person) => !isChosen(person.email));
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
        say(found.length ? "Everyone found is on the panel already."
          : "No active interviewer's name or email begins with that.");
      } else {
        say(`${matches.length} interviewer${matches.length === 1 ? "" : "s"} found` +
            (more ? "; type more to see others." : "."));
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

    function pick(index) {
      const person = matches[index];
      if (!person) return;
      const existing = [...chosen.querySelectorAll("input[type=checkbox]")]
        .find((box) => box.value === person.email);
      if (existing) {
        existing.checked = true;
      } else {
        const item = document.createElement("li");
        item.className = "choice";
        const box = document.createElement("input");
        box.type = "checkbox";
        box.name = name;
        box.value = person.email;
        box.checked = true;
        box.id = `${name}-added-${chosen.children.length}`;
        const label = document.createElement("label");
        label.htmlFor = box.id;
        label.textContent = person.label;
        item.append(box, " ", label);
        chosen.append(item);
      }
      input.value = "";
      close();
      say(`${person.name} added to the panel.`);
    }

    async function ask(typed) {
      const question = ++asked;
      if (!typed.trim()) { close(); say(""); return; }
      try {
        const response = await fetch(`${url}?q=${encodeURIComponent(typed)}`, {
          credentials: "same-origin", headers: { Accept: "application/json" },
        });
        if (!response.ok) throw new Error(String(response.status));
        const answer = await response.json();
        if (question === asked) show(answer.interviewers, answer.more);
      } catch {
        if (question === asked) { close(); say("The search did not answer; type the emails below instead."); }
      }
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
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
    input.addEventListener("blur", () => close());
  }
})();
