// Swagger UI on the document this API serves; "Authorize" takes the API key and subject headers for "Try it out".
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  displayOperationId: false,
  docExpansion: "list",
  tryItOutEnabled: false,
  // No calls to swagger.io: the document is checked here, if at all.
  validatorUrl: null,
});
