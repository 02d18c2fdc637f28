/* /docs: Swagger UI over the document the page names (data-spec-url). A file, not an
   inline script, so that the page's Content-Security-Policy can allow this server only. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    const node = document.getElementById("swagger-ui");
    if (!node || typeof window.SwaggerUIBundle !== "function") return;
    window.SwaggerUIBundle({
      url: node.dataset.specUrl,
      domNode: node,
      presets: [window.SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
      deepLinking: true,
      docExpansion: "list",
      defaultModelsExpandDepth: 0,
      // The online validator badge would send the document to validator.swagger.io.
      validatorUrl: null,
    });
  });
})();
