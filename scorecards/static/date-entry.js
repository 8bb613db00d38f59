// Writes the date and time typed into a date picker out in words beside it ("Tue 24 November
// 2026, 15:00 (Europe/Stockholm)"), in the page's language. The browser's picker shows the
// order of its own locale (mm/dd/yyyy in American English); the words leave no doubt which
// day was meant. The time is the wall-clock time typed, in the zone the field names: no
// conversion happens here, the server converts it to UTC.
(function () {
  "use strict";
  var language = document.documentElement.lang || undefined;
  var format;
  try {
    format = new Intl.DateTimeFormat(language, {
      weekday: "short", day: "numeric", month: "long", year: "numeric",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC"
    });
  } catch (error) {
    return;
  }
  function written(value) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
    if (!parts) {
      return "";
    }
    var moment = new Date(Date.UTC(+parts[1], +parts[2] - 1, +parts[3], +parts[4], +parts[5]));
    return format.format(moment);
  }
  document.querySelectorAll("input[data-written-out]").forEach(function (input) {
    var echo = document.createElement("p");
    echo.className = "hint written-out";
    echo.id = input.id + "-written-out";
    echo.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", echo);
    var described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", (described ? described + " " : "") + echo.id);
    function show() {
      var text = written(input.value);
      echo.textContent = text ? text + " (" + input.dataset.writtenOut + ")" : "";
    }
    input.addEventListener("input", show);
    input.addEventListener("change", show);
    show();
  });
})();
