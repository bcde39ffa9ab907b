package e2e

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ternant/ternant/server/servertest"
)

// chromiumPath finds Debian's chromium; .ci/run installs it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	t.Fatal("chromium not found: install Debian's chromium package (.ci/run does) or set CHROMIUM")
	return ""
}

// TestDocsPageRendersUnderCSP loads /api/docs in headless Chromium: Swagger UI must render the
// operations list from /api/docs-json, with no console error and no CSP violation.
func TestDocsPageRendersUnderCSP(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a browser")
	}
	inst := servertest.Start(t, nil)
	if _, err := os.Stat("../../server/apidoc/assets/swagger-ui-bundle.js"); err != nil {
		t.Fatal("Swagger UI assets missing: run `make docs-ui` (make test does)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromiumPath(t), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--enable-logging=stderr", "--v=0", "--virtual-time-budget=15000",
		"--dump-dom", inst.URL+"/api/docs")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	dom, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	page := string(dom)
	ops := strings.Count(page, `class="opblock-summary-path"`) + strings.Count(page, `class="opblock-summary-path `)
	routes := len(inst.Routes())
	if ops < routes/2 || !strings.Contains(page, "Ternant API") {
		t.Errorf("rendered %d operations (the API has %d routes); page starts:\n%.2000s", ops, routes, page)
	}
	t.Logf("rendered %d operations for %d routes", ops, routes)
	console := regexp.MustCompile(`(?m)^.*CONSOLE.*$`)
	for _, line := range console.FindAllString(stderr.String(), -1) {
		if strings.Contains(line, "Refused to") || strings.Contains(line, "Uncaught") || strings.Contains(line, "ERROR") ||
			strings.Contains(strings.ToLower(line), "content security policy") {
			t.Errorf("browser console: %s", line)
		}
	}
	if strings.Contains(stderr.String(), "Refused to") {
		t.Errorf("CSP violation reported:\n%s", stderr.String())
	}
}
