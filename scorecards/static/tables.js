// A table wider than the page scrolls inside its own box, so the page never scrolls sideways.
// While the box scrolls it is a named region that takes focus, so a keyboard can scroll it
// too (the arrow keys) and a screen reader says what it holds.
(() => {
  "use strict";

  function nameOf(table) {
    const caption = table.caption && table.caption.textContent.trim();
    if (caption) return caption;
    if (table.getAttribute("aria-label")) return table.getAttribute("aria-label");
    const labelledBy = table.getAttribute("aria-labelledby");
    const label = labelledBy && document.getElementById(labelledBy.split(" ")[0]);
    if (label && label.textContent.trim()) return label.textContent.trim();
    const heading = table.closest("section, details, main")
      ?.querySelector("h1, h2, h3, summary");
    return heading ? heading.textContent.trim() : "Table";
  }

  const boxes = [];
  for (const table of document.querySelectorAll("main table")) {
    // A table kept for screen readers only (a chart's figures) takes no room to scroll.
    if (["absolute", "fixed"].includes(getComputedStyle(table).position)) continue;
    let box = table.parentElement;
    if (!box.classList.contains("table-scroll")) {
      box = document.createElement("div");
      box.className = "table-scroll";
      table.before(box);
      box.append(table);
    }
    boxes.push([box, table]);
  }

  function mark() {
    for (const [box, table] of boxes) {
      // Measured at the page's width first: only a table that does not fit scrolls.
      box.classList.remove("scrolls");
      if (box.scrollWidth > box.clientWidth + 1) {
        box.classList.add("scrolls");
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", `${nameOf(table)} (scrolls sideways)`);
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  }

  mark();
  if (boxes.length && "ResizeObserver" in window) {
    const observer = new ResizeObserver(mark);
    for (const [box, table] of boxes) {
      observer.observe(box);
      observer.observe(table);
    }
  }
})();
