// Writes the date and time typed into a date picker out in words beside it ("Tue 24 November
// 2026, 15:00 (Europe/Stockholm)"), in the page's language. The browser's picker shows the
// order of its own locale (mm/dd/yyyy in American English); the words leave no doubt which
// day was meant. The time is the wall-clock time typed, in the zone the field names: no
// conversion happens here, the server converts it to UTC.
(function () {
  "use strict";
  var options = {
    weekday: "short", day: "numeric", month: "long", year: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC"
  };
  function written(value, format) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
    if (!parts) {
      return "";
    }
    var moment = new Date(Date.UTC(+parts[1], +parts[2] - 1, +parts[3], +parts[4], +parts[5]));
    return format.format(moment);
  }
  document.querySelectorAll("input[data-written-out]").forEach(function (input) {
    var format;
    try {  // the page's conventions (en-GB, sv-SE), not the browser's
      format = new Intl.DateTimeFormat(
        input.dataset.locale || document.documentElement.lang || undefined, options);
    } catch (error) {
      return;
    }
    var echo = document.createElement("p");
    echo.className = "hint written-out";
    echo.id = input.id + "-written-out";
    echo.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", echo);
    var described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", (described ? described + " " : "") + echo.id);
    function show() {
      var text = written(input.value, format);
      echo.textContent = text ? text + " (" + input.dataset.writtenOut + ")" : "";
    }
    input.addEventListener("input", show);
    input.addEventListener("change", show);
    show();
  });
})();
