// Starts Swagger UI (served from the flask-swagger-ui package) on the API's own document.
// A file rather than an inline script, so the page keeps the site's script-src 'self'.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.url,
    domNode: root,
    deepLinking: true,
    // No badge from the public validator: nothing on this page leaves the server.
    validatorUrl: null,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
  });
})();
