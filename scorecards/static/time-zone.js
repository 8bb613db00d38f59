// Tells the server the browser's time zone when signing in, so that a new user's pages show
// times on their own clock from the first page. A file rather than an inline script, so the
// page keeps the site's script-src 'self'. The server keeps a zone the user already has.
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone) {
    return;
  }
  document.querySelectorAll('input[name="time_zone"]').forEach(function (input) {
    input.value = zone;
  });
  document.querySelectorAll("a[data-time-zone]").forEach(function (link) {
    var url = new URL(link.href, document.baseURI);
    url.searchParams.set("time_zone", zone);
    link.href = url.toString();
  });
})();
