package apidoc

import (
	"bytes"
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// assets holds the page, its script and stylesheet, and Swagger UI's files when `make docs-ui`
// has copied them from npm (the page says so when they are missing).
//
//go:embed assets
var assets embed.FS

// Handler serves GET /{prefix}/docs (the page), /{prefix}/docs/assets/* and /{prefix}/docs-json.
type Handler struct {
	prefix string
	spec   []byte
	page   []byte
	files  fs.FS
}

// NewHandler renders the document once; prefix is API_PREFIX ("api").
func NewHandler(doc *Document, prefix string) (*Handler, error) {
	spec, err := doc.JSON()
	if err != nil {
		return nil, err
	}
	raw, err := assets.ReadFile("assets/index.html")
	if err != nil {
		return nil, err
	}
	base := "/" + prefix + "/docs"
	raw = bytes.ReplaceAll(raw, []byte("{{BASE}}"), []byte(base))
	raw = bytes.ReplaceAll(raw, []byte("{{SPEC}}"), []byte(base+"-json"))
	sub, _ := fs.Sub(assets, "assets")
	return &Handler{prefix: prefix, spec: spec, page: raw, files: sub}, nil
}

// Spec returns the rendered OpenAPI document.
func (h *Handler) Spec() []byte { return h.spec }

// ServeSpec answers GET /{prefix}/docs-json.
func (h *Handler) ServeSpec(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(h.spec)
}

// ServePage answers GET /{prefix}/docs.
func (h *Handler) ServePage(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(h.page)
}

// ServeAsset answers GET /{prefix}/docs/assets/{file}.
func (h *Handler) ServeAsset(w http.ResponseWriter, r *http.Request) {
	name := path.Base(r.URL.Path)
	if strings.HasSuffix(name, ".html") {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.ServeFileFS(w, r, h.files, name)
}
