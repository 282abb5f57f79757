// Starts Swagger UI (static/vendor/swagger-ui/) on the API's OpenAPI document. A file of
// its own, not an inline script: the site's CSP allows scripts from 'self' only.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.getAttribute("data-schema-url"),
    domNode: root,
    // Off: its links sit inside the buttons that open each operation (nested controls).
    deepLinking: false,
    // Read-only API: "Try it out" sends GET requests only.
    supportedSubmitMethods: ["get"],
    // No call to an outside validator service (it would also break the CSP).
    validatorUrl: null,
  });
})();
