// Starts Swagger UI on the document served beside this page. Kept in a file: the page's CSP
// allows no inline script.
(function () {
  var root = document.getElementById('swagger-ui');
  var spec = root.getAttribute('data-spec-url');
  if (typeof window.SwaggerUIBundle !== 'function') {
    root.innerHTML = '';
    var p = document.createElement('p');
    p.className = 'fallback';
    p.textContent = 'The documentation assets are not in this build (run `make docs-ui`). The OpenAPI document is at ' + spec + '.';
    root.appendChild(p);
    return;
  }
  window.ui = window.SwaggerUIBundle({
    url: spec,
    dom_id: '#swagger-ui',
    deepLinking: true,
    docExpansion: 'list',
    validatorUrl: null
  });
})();
