/* /api/docs: Swagger UI (served locally from /static/vendor/swagger-ui) on the API's OpenAPI document.
   A file rather than the inline script FastAPI writes: the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";
  window.ui = SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset]
  });
})();
