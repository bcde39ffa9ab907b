// Package e2e runs Ternant the way users do: the built binary on its embedded default (what
// `make run` starts), and the documentation page in a real browser.
package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildBinary compiles ./cmd/ternant into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ternant")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/ternant")
	cmd.Dir = "../.."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// serveEmbedded starts `ternant serve` with no database configured and waits for /readyz.
func serveEmbedded(t *testing.T, bin string, args ...string) (base string, cmd *exec.Cmd, logs *bytes.Buffer) {
	t.Helper()
	port := freePort(t)
	cmd = exec.Command(bin, append([]string{"serve"}, args...)...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), fmt.Sprintf("PORT=%d", port), "BCRYPT_COST=4", "LOG_LEVEL=warn"}
	logs = &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	base = fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return base, cmd, logs
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready after 60s:\n%s", logs)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func call(t *testing.T, method, url, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, url, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	if m == nil {
		m = map[string]any{"raw": string(raw)}
	}
	return resp.StatusCode, m
}

// TestEmbeddedDefault is `make run`: no database, no Redis, the demo accounts work, and SIGTERM
// shuts the server down cleanly.
func TestEmbeddedDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	pprofAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	base, cmd, logs := serveEmbedded(t, bin, "--pprof-addr", pprofAddr)

	if !strings.Contains(logs.String(), "EMBEDDED DEVELOPMENT STORES") {
		t.Errorf("the embedded default must say so loudly; logs:\n%s", logs)
	}
	status, health := call(t, "GET", base+"/api/v1/health", "", nil)
	if status != 200 || health["status"] != "ok" {
		t.Fatalf("health %d %v", status, health)
	}
	status, login := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"email": "owner@sunrise-pm.com", "password": "Password123!"})
	if status != 200 {
		t.Fatalf("demo login %d %v", status, login)
	}
	token, _ := login["tokens"].(map[string]any)["accessToken"].(string)
	status, stats := call(t, "GET", base+"/api/v1/dashboard/stats", token, nil)
	data, _ := stats["data"].(map[string]any)
	if status != 200 || data == nil || data["totalUnits"].(float64) < 1 {
		t.Errorf("dashboard stats %d %v", status, stats)
	}

	// Profiles are on their own listener, not on the API port.
	if resp, err := http.Get("http://" + pprofAddr + "/debug/pprof/"); err != nil || resp.StatusCode != 200 {
		t.Errorf("pprof listener: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	if status, _ := call(t, "GET", base+"/debug/pprof/", "", nil); status != 404 {
		t.Errorf("pprof on the API port: %d, want 404", status)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, logs)
		}
	case <-time.After(20 * time.Second):
		t.Error("server still running 20s after SIGTERM")
	}
}
